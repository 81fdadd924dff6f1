"""The local Lambda of tools/lambda/ for the aws-lambda tests: serverless-offline running the
functions there, behind a verifier that checks each request's SigV4 signature with the AWS SDK's
signer (see tools/lambda/README.md). The gateway is pointed at the verifier's port.

    @needs_lambda_peers
    class MyTest(LambdaTestCase):
        def test_x(self):
            gateway = self.start_gateway(kong_config(routes=[
                route("r", ["/fn"], plugins=[self.lambda_plugin("echo")])]))
            ...
            entry = self.peers.last_entry()   # the verifier's record of the last request

The peers run once per test class; each test starts with an empty verifier log. Tests are
skipped when node or tools/lambda/node_modules is missing (tools/setup installs it), and fail
when it is installed but the peers do not start.
"""

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from unittest import mock

import harness
from harness import GatewayTestCase

LAMBDA_DIR = os.path.join(harness.REPO_ROOT, "tools", "lambda")
NODE = shutil.which("node")
PACKAGES = ("serverless", "serverless-offline", "@smithy/signature-v4", "@smithy/hash-node",
            "@aws-sdk/client-lambda", "jsonwebtoken")

REGION = "us-east-1"
# AWS's documentation example keys: what the verifier accepts unless told otherwise.
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# Temporary credentials (as from STS): the verifier also checks the session token.
SESSION_ACCESS_KEY = "ASIAPORTICOEXAMPLE"
SESSION_SECRET_KEY = "session+secret/EXAMPLE"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//session+token=="
# The credential the auth function signs its tokens with.
JWT_KEY = "it-auth-key"
JWT_SECRET = "integration tests' secret"


def _missing():
    if NODE is None:
        return "node is not on PATH"
    absent = [name for name in PACKAGES
              if not os.path.isdir(os.path.join(LAMBDA_DIR, "node_modules", name))]
    if absent:
        return f"tools/lambda/node_modules lacks {', '.join(absent)} (run tools/setup)"
    return None


MISSING = _missing()
needs_lambda_peers = unittest.skipIf(MISSING is not None, f"needs the local Lambda: {MISSING}")


class LambdaPeers:
    """One `node tools/lambda/start.mjs` (verifier + serverless-offline) in its own process
    group, with its output in a log file."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="portico-it-lambda-")
        self.log_path = os.path.join(self.dir, "peers.log")
        self.process = None
        self.port = None
        self.emulator_port = None

    def start(self, timeout=60.0):
        keys = {ACCESS_KEY: {"secret": SECRET_KEY},
                SESSION_ACCESS_KEY: {"secret": SESSION_SECRET_KEY, "token": SESSION_TOKEN}}
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(SIGV4_KEYS=json.dumps(keys), PORTICO_JWT_KEY=JWT_KEY,
                   PORTICO_JWT_SECRET=JWT_SECRET)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([NODE, "start.mjs"], cwd=LAMBDA_DIR, env=env,
                                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=log, start_new_session=True)
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else b""
        if not line:
            exited = self.process.poll()
            why = f"exited with {exited}" if exited is not None else f"not ready after {timeout} s"
            tail = self.log_tail()
            self.stop()
            raise AssertionError(f"the local Lambda (tools/lambda/start.mjs) {why}\n{tail}")
        ports = json.loads(line)
        self.port, self.emulator_port = ports["verifier"], ports["emulator"]
        return self

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process.stdout.close()
        if not harness.KEEP_TMP:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except FileNotFoundError:
            return ""

    def _control(self, method):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/__verifier/log",
                                          method=method)
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def entries(self):
        """The verifier's record of every request since the last clear: target (as received),
        headers, body, verified, status, errorType, function, qualifier, invocationType..."""
        return self._control("GET")

    def last_entry(self):
        entries = self.entries()
        if not entries:
            raise AssertionError("the verifier received no request")
        return entries[-1]

    def wait_for_entries(self, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            entries = self.entries()
            if len(entries) >= count or time.monotonic() > deadline:
                return entries
            time.sleep(0.05)

    def clear(self):
        self._control("DELETE")


class LambdaTestCase(GatewayTestCase):
    """GatewayTestCase with the local Lambda running (`self.peers`) for the whole class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.peers = LambdaPeers().start()

    @classmethod
    def tearDownClass(cls):
        cls.peers.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.peers.clear()

    def lambda_plugin(self, function_name, **config):
        """The aws-lambda plugin aimed at the verifier with the example keys; a config value of
        None drops that field."""
        settings = {"host": "127.0.0.1", "port": self.peers.port, "disable_https": True,
                    "aws_region": REGION, "aws_key": ACCESS_KEY, "aws_secret": SECRET_KEY,
                    "function_name": function_name, **config}
        return {"name": "aws-lambda",
                "config": {k: v for k, v in settings.items() if v is not None}}

    def start_gateway_with_env(self, config, env):
        """A gateway whose process environment has `env` added (the harness strips AWS_*)."""
        base = harness._gateway_env()
        with mock.patch.object(harness, "_gateway_env", lambda *_: {**base, **env}):
            return self.start_gateway(config)

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        outcome = super().run(result)
        if len(result.failures) + len(result.errors) > before and getattr(self, "peers", None):
            sys.stderr.write(f"\n--- local Lambda log ({self.peers.log_path}) ---\n"
                             f"{self.peers.log_tail(30)}--- end of local Lambda log ---\n")
        return outcome
