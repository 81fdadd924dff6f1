"""The integration-test harness: runs the real `portico` binary on a generated kong.conf and
kong.yml, against in-process upstreams, and tears everything down after each test.

    class RoutingTest(GatewayTestCase):
        def test_strip_path(self):
            gateway = self.start_gateway(kong_config(
                service("echo", self.echo.url + "/base", [route("r", ["/users"])])))
            response = curl(gateway.url("/users/x"))
            self.assertEqual(self.echo.last_request().uri, "/base/x")

Environment: PORTICO_BIN (default bazel-bin/source/server/portico under the repository root),
PORTICO_LARGE_TESTS=1 to run the tests marked @large, PORTICO_KEEP_TMP=1 to keep the
gateways' folders (conf, kong.yml, logs) after the run.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from certs import make_tls_files
from http_client import RawConnection, curl, exchange  # noqa: F401  (re-exported for tests)
from upstream import EchoUpstream

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PORTICO_BIN = os.environ.get("PORTICO_BIN") or os.path.join(
    REPO_ROOT, "bazel-bin", "source", "server", "portico")
KEEP_TMP = os.environ.get("PORTICO_KEEP_TMP") == "1"

large = unittest.skipUnless(os.environ.get("PORTICO_LARGE_TESTS") == "1",
                            "large transfer; set PORTICO_LARGE_TESTS=1 (tools/test does)")


_ports_handed_out = set()


def free_port():
    """A port that was free on 127.0.0.1 a moment ago and that no earlier call returned: the kernel
    may offer one ephemeral port twice in a row, and with SO_REUSEPORT a gateway would then bind
    its proxy and admin listeners to the same port."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _ports_handed_out:
            _ports_handed_out.add(port)
            return port


class ClosedPort:
    """A bound socket that never listens: connecting to its port is refused."""

    def __init__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]

    def close(self):
        self._sock.close()


# --- declarative config -----------------------------------------------------------------------

def route(name, paths, **fields):
    return {"name": name, "paths": list(paths), **fields}


def service(name, url, routes=(), **fields):
    return {"name": name, "url": url, **fields, "routes": list(routes)}


def kong_config(*services, **top_level):
    return {"_format_version": "3.0", **top_level, "services": list(services)}


def to_yaml(value, indent=0):
    """Block-style YAML; every string is double-quoted (JSON escapes are valid YAML)."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        out = ""
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out += f"{pad}{key}:\n{to_yaml(item, indent + 2)}"
            else:
                out += f"{pad}{key}: {_scalar(item)}\n"
        return out
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        out = ""
        for item in value:
            if isinstance(item, (dict, list)) and item:
                nested = to_yaml(item, indent + 2)
                out += f"{pad}- {nested.lstrip()}"
            else:
                out += f"{pad}- {_scalar(item)}\n"
        return out
    return pad + _scalar(value) + "\n"


def _scalar(value):
    if isinstance(value, (dict, list)):
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value)


# --- the gateway ------------------------------------------------------------------------------

class GatewayError(AssertionError):
    pass


class Gateway:
    """One `portico start -c CONF` process with its own folder, ports, conf and kong.yml."""

    command = "start"  # the CLI command that runs it (a subclass may run another)

    def __init__(self, config, conf=None, workers=1, measures_memory=False):
        self.dir = tempfile.mkdtemp(prefix="portico-it-")
        self.measures_memory = measures_memory
        self.proxy_port = free_port()
        self.admin_port = free_port()
        self.kong_yml = os.path.join(self.dir, "kong.yml")
        self.conf_path = os.path.join(self.dir, "portico.conf")
        self.prefix = os.path.join(self.dir, "prefix")
        self.log_path = os.path.join(self.dir, "gateway.log")
        self.process = None
        self.exit_code = None
        self.write_config(config)
        settings = {
            "database": "off",
            "declarative_config": self.kong_yml,
            "proxy_listen": f"127.0.0.1:{self.proxy_port}",
            "admin_listen": f"127.0.0.1:{self.admin_port}",
            "nginx_worker_processes": str(workers),
            "prefix": self.prefix,
            **(conf or {}),
        }
        with open(self.conf_path, "w", encoding="utf-8") as f:
            f.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def write_config(self, config):
        """Writes kong.yml: a dict (as YAML) or text (verbatim)."""
        text = config if isinstance(config, str) else to_yaml(config)
        with open(self.kong_yml, "w", encoding="utf-8") as f:
            f.write(text)

    @property
    def pid(self):
        return self.process.pid

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.proxy_port}{path}"

    def admin_url(self, path="/"):
        return f"http://127.0.0.1:{self.admin_port}{path}"

    def start(self, timeout=20.0):
        if not os.access(PORTICO_BIN, os.X_OK):
            raise GatewayError(f"no gateway binary at {PORTICO_BIN} (bazel build //:portico)")
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([PORTICO_BIN, self.command, "-c", self.conf_path],
                                        cwd=self.dir, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=subprocess.STDOUT,
                                        env=_gateway_env(self.measures_memory))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.exit_code = self.process.returncode
                raise GatewayError(f"gateway exited with {self.exit_code} before it was ready\n"
                                   + self.log_tail())
            if self.is_ready():
                return self
            time.sleep(0.05)
        raise GatewayError(f"gateway not ready after {timeout} s\n" + self.log_tail())

    def is_ready(self):
        try:
            with urllib.request.urlopen(self.admin_url("/status"), timeout=1) as response:
                return response.status == 200
        except OSError:
            return False

    def running(self):
        return self.process is not None and self.process.poll() is None

    def send_signal(self, sig):
        self.process.send_signal(sig)

    def wait(self, timeout=10.0):
        """Waits for the process to end; returns its exit code (None if it is still running)."""
        try:
            self.exit_code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.exit_code

    def stop(self, timeout=10.0):
        """SIGTERM, then wait; returns the exit code. A gateway that ignores SIGTERM is killed."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            if self.wait(timeout) is None:
                self.process.kill()
                self.process.wait()
                raise GatewayError(f"gateway still running {timeout} s after SIGTERM\n"
                                   + self.log_tail())
        self.exit_code = self.process.returncode
        return self.exit_code

    def logs(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def log_tail(self, lines=40):
        return "".join(self.logs().splitlines(keepends=True)[-lines:])

    def cleanup(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()
        if KEEP_TMP:
            print(f"kept {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


# What an ASan/UBSan build prints when it finds a bug (tools/test runs the sanitized binary).
SANITIZER_REPORT = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|: runtime error: ")


# For a test that measures the gateway's memory: ASan's quarantine holds up to 256 MiB of freed
# memory back to catch uses after free, which a sanitized binary's RSS would otherwise show.
MEASURABLE_ASAN_OPTIONS = "quarantine_size_mb=0:thread_local_quarantine_size_kb=0"


LSAN_SUPPRESSIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan.supp")


def _gateway_env(measures_memory=False):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KONG_", "PORTICO_", "AWS_"))}
    env.setdefault("LSAN_OPTIONS", f"suppressions={LSAN_SUPPRESSIONS}")
    if measures_memory:
        env["ASAN_OPTIONS"] = MEASURABLE_ASAN_OPTIONS
    return env


def run_cli(*args, cwd=None, timeout=30):
    """Runs `portico ARGS...`; returns the CompletedProcess (text output)."""
    return subprocess.run([PORTICO_BIN, *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, env=_gateway_env(),
                          check=False)


def start_cli(*args, cwd=None):
    """Starts `portico ARGS...` without waiting (use .communicate()). Needed for commands such
    as `stop` that wait for a gateway this process must reap meanwhile (see Gateway.wait)."""
    return subprocess.Popen([PORTICO_BIN, *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
                            env=_gateway_env())


# --- the base test case -----------------------------------------------------------------------

class GatewayTestCase(unittest.TestCase):
    """Gives each test a fresh echo upstream (`self.echo`) and gateways that are stopped after
    the test (their SIGTERM exit code must be 0). When a test fails, the logs of the gateways
    it started are printed."""

    def setUp(self):
        self._gateways = []
        self.echo = EchoUpstream().start()
        self.addCleanup(self.echo.stop)

    def start_gateway(self, config, conf=None, workers=1, measures_memory=False):
        gateway = Gateway(config, conf, workers, measures_memory)
        self._gateways.append(gateway)
        self.addCleanup(self._stop_gateway, gateway)
        return gateway.start()

    def _stop_gateway(self, gateway):
        if gateway.running():
            code = gateway.stop()
            if code != 0:
                raise GatewayError(f"gateway exited with {code} after SIGTERM\n"
                                   + gateway.log_tail())
        logs = gateway.logs()
        report = SANITIZER_REPORT.search(logs)
        if report:
            raise GatewayError("the sanitizers reported an error\n" + logs[report.start():][:6000])

    def scratch_dir(self):
        """A temporary folder removed after the test."""
        directory = tempfile.mkdtemp(prefix="portico-it-scratch-")
        self.addCleanup(shutil.rmtree, directory, True)
        return directory

    def tls_files(self):
        return make_tls_files(self.scratch_dir())

    def tls_echo(self, files):
        """An HTTPS echo upstream reached as https://localhost:<port>."""
        echo = EchoUpstream(files.server_context(), host_name="localhost").start()
        self.addCleanup(echo.stop)
        return echo

    def closed_port(self):
        closed = ClosedPort()
        self.addCleanup(closed.close)
        return closed.port

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        outcome = super().run(result)
        gateways, self._gateways = getattr(self, "_gateways", []), []
        if len(result.failures) + len(result.errors) > before:
            for gateway in gateways:
                sys.stderr.write(f"\n--- gateway log ({gateway.log_path}) ---\n"
                                 f"{gateway.log_tail(80)}--- end of gateway log ---\n")
        for gateway in gateways:
            gateway.cleanup()
        return outcome
