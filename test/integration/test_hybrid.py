"""Hybrid mode against the real binary: a control plane serving its kong.yml to data planes over
Envoy's aggregated discovery stream. Sync and the admin view of it, propagation of file edits and
POST /config, a push a data plane refuses (NACK), control plane and data plane restarts (the
persisted config), changes under load, mutual TLS, and an independent xDS client in Node."""

import http.client
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import unittest

from harness import GatewayError, free_port, kong_config, route, service
from hybrid import (CertificateAuthority, ControlPlane, DataPlane, HybridTestCase, http_request,
                    wait_until)

HERE = os.path.dirname(os.path.abspath(__file__))
NODE = shutil.which("node")
GRPC_PACKAGES = all(os.path.isdir(os.path.join(HERE, "node_modules", package))
                    for package in ("@grpc/grpc-js", "@grpc/proto-loader", "protobufjs"))
ROUTE_TYPE = "type.googleapis.com/portico.config.v1.Route"
SERVICE_TYPE = "type.googleapis.com/portico.config.v1.Service"


def echo_config(echo, *paths, plugins_by_path=None):
    """One service to the echo upstream with a route per path (named after it)."""
    plugins_by_path = plugins_by_path or {}
    routes = []
    for path in paths:
        extra = {"plugins": plugins_by_path[path]} if path in plugins_by_path else {}
        routes.append(route("r" + path.replace("/", "-"), [path], **extra))
    return kong_config(service("echo", echo.url, routes))


class SyncTest(HybridTestCase):
    """Plaintext on loopback: two data planes take the control plane's config and follow it."""

    def setUp(self):
        super().setUp()
        self.cp = self.start_control_plane(echo_config(self.echo, "/base"))
        self.dps = [self.start_data_plane(self.cp), self.start_data_plane(self.cp)]
        self.wait_for_sync()

    def wait_for_sync(self, timeout=5.0):
        config_hash = self.cp.config_hash()
        for dp in self.dps:
            self.wait_for_hash(dp, config_hash, timeout)

    def test_data_planes_serve_the_control_planes_routes_and_are_listed_in_sync(self):
        config_hash = self.cp.config_hash()
        for dp in self.dps:
            self.wait_for_route(dp, "/base/x")
            self.assertEqual(dp.config_hash(), config_hash)
        self.assertEqual(self.echo.last_request().uri, "/x")
        ids = {dp.node_id() for dp in self.dps}

        def listed_in_sync():
            nodes = {node["id"]: node for node in self.cp.data_planes()}
            return nodes.keys() == ids and all(
                node["sync_status"] == "normal" for node in nodes.values())
        self.assertTrue(wait_until(listed_in_sync, 3.0), json.dumps(self.cp.data_planes()))
        for node in self.cp.data_planes():
            self.assertEqual(node["config_hash"], config_hash)
            self.assertTrue(node["connected"])
            self.assertEqual(node["ip"], "127.0.0.1")
            self.assertIsNone(node["error"])
            self.assertEqual(node["resources"][ROUTE_TYPE]["acked_version"], config_hash)

    def test_an_edited_kong_yml_and_a_post_config_reach_every_data_plane(self):
        self.cp.write_config(echo_config(self.echo, "/base", "/edited"))
        for dp in self.dps:
            self.wait_for_route(dp, "/edited", timeout=3.0)
        self.wait_for_sync(timeout=1.0)

        status, body = self.cp.post_config(echo_config(self.echo, "/base", "/posted"))
        self.assertEqual(status, 201, body)
        for dp in self.dps:
            self.wait_for_route(dp, "/posted", timeout=3.0)
            # State of the world: the route the new config no longer has is gone.
            self.wait_for_route(dp, "/edited", timeout=1.0, status=404)
        self.wait_for_sync(timeout=1.0)


class RefusedPushTest(HybridTestCase):
    """A config the control plane accepts but a data plane cannot apply: a jwt plugin whose
    jwks_file exists on the control plane's host and not on the data plane's. Both compile the
    config, so the file is removed while the data plane is stopped (SIGSTOP) and the control plane
    has already taken the change."""

    def test_the_data_plane_nacks_keeps_its_config_and_the_control_plane_shows_the_error(self):
        jwks_file = os.path.join(self.scratch_dir(), "jwks.json")
        with open(jwks_file, "w", encoding="utf-8") as f:
            json.dump({"keys": [{"kty": "oct", "kid": "k1", "k": "c2VjcmV0LXNlY3JldA"}]}, f)
        cp = self.start_control_plane(echo_config(self.echo, "/base"))
        dp = self.start_data_plane(cp)
        good_hash = cp.config_hash()
        self.wait_for_hash(dp, good_hash)
        node_id = dp.node_id()

        os.kill(dp.pid, signal.SIGSTOP)
        self.addCleanup(self._continue, dp)
        refused = echo_config(self.echo, "/base", "/jwt", plugins_by_path={
            "/jwt": [{"name": "jwt", "config": {"jwks_file": jwks_file}}]})
        status, body = cp.post_config(refused)
        self.assertEqual(status, 201, body)
        refused_hash = cp.config_hash()
        self.assertNotEqual(refused_hash, good_hash)
        os.remove(jwks_file)
        self._continue(dp)

        def nacked():  # every type: the data plane NACKs them one after the other
            node = cp.data_plane(node_id)
            return node is not None and node["sync_status"] == "nack" and all(
                type_["nacked_version"] == refused_hash for type_ in node["resources"].values())
        self.assertTrue(wait_until(nacked, 5.0), json.dumps(cp.data_planes()))
        node = cp.data_plane(node_id)
        self.assertIn("cannot read jwks_file " + jwks_file, node["error"])
        self.assertIn("cannot read jwks_file", node["resources"][ROUTE_TYPE]["error"])
        self.assertEqual(node["config_hash"], good_hash)
        self.assertIsNotNone(node["last_nack"])
        self.assertIn("rejected", cp.logs())
        self.assertEqual(dp.config_hash(), good_hash)
        self.wait_for_route(dp, "/base", timeout=1.0)
        self.wait_for_route(dp, "/jwt", timeout=1.0, status=404)

        # The next publish supersedes the refused version.
        status, body = cp.post_config(echo_config(self.echo, "/base", "/fixed"))
        self.assertEqual(status, 201, body)
        self.wait_for_route(dp, "/fixed", timeout=3.0)
        self.assertTrue(wait_until(lambda: cp.data_plane(node_id)["sync_status"] == "normal", 3.0),
                        json.dumps(cp.data_plane(node_id)))

    @staticmethod
    def _continue(dp):
        if dp.running():
            os.kill(dp.pid, signal.SIGCONT)


class OutageTest(HybridTestCase):
    """The control plane goes away; data planes keep serving what they have."""

    def setUp(self):
        super().setUp()
        self.cp = self.start_control_plane(echo_config(self.echo, "/base"))
        self.dp = self.start_data_plane(self.cp)
        self.first_hash = self.cp.config_hash()
        self.wait_for_hash(self.dp, self.first_hash)
        self.assertEqual(self.cp.stop(), 0)

    def test_a_restarted_control_plane_is_rejoined_with_the_change_made_while_it_was_down(self):
        deadline = time.monotonic() + 0.6
        statuses = []
        while time.monotonic() < deadline:
            statuses.append(self.dp.get("/base"))
            time.sleep(0.02)
        self.assertEqual(set(statuses), {200}, "requests failed while the control plane was down")
        self.assertIn("disconnected", self.dp.logs())
        self.assertIn(f"serving config version {self.first_hash}", self.dp.logs())
        self.cp.write_config(echo_config(self.echo, "/base", "/while-down"))

        restarted = time.monotonic()
        self.cp.restart()
        self.wait_for_route(self.dp, "/while-down", timeout=5.0)
        # The client retries after 0.25-0.5 s, then 0.5-1 s, then 1-2 s; a retry fails fast while
        # gRPC's channel waits out its own reconnect backoff (1 s +-20%), so the second one may
        # be lost and the third come ~3.5 s after the outage began.
        self.assertLess(time.monotonic() - restarted, 4.0, "the data plane took long to reconnect")
        self.assertEqual(self.dp.config_hash(), self.cp.config_hash())
        self.assertEqual(self.cp.data_plane(self.dp.node_id())["sync_status"], "normal")

    def test_a_data_plane_restarted_meanwhile_serves_its_persisted_config(self):
        self.assertEqual(self.dp.stop(), 0)
        self.assertTrue(os.path.exists(os.path.join(self.dp.prefix, "dp_config.pb")))
        self.dp.restart()
        self.assertEqual(self.dp.config_hash(), self.first_hash)
        self.wait_for_route(self.dp, "/base", timeout=2.0)
        self.assertIn("serving the persisted config version " + self.first_hash, self.dp.logs())

        self.cp.write_config(echo_config(self.echo, "/base", "/later"))
        self.cp.restart()
        self.wait_for_route(self.dp, "/later", timeout=5.0)
        self.assertEqual(self.dp.config_hash(), self.cp.config_hash())


class Traffic:
    """Requests to one path of a data plane from two threads until stopped: one over a single
    keep-alive connection (reopened only after the gateway closed it cleanly), one on a new
    connection each time. Records every failure."""

    def __init__(self, port, path):
        self._port = port
        self._path = path
        self._stopped = threading.Event()
        self.failures = []
        self.requests = 0
        self.clean_closes = 0
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._keep_alive, daemon=True),
                         threading.Thread(target=self._new_connections, daemon=True)]

    def start(self):
        for thread in self._threads:
            thread.start()
        return self

    def stop(self):
        self._stopped.set()
        for thread in self._threads:
            thread.join(10)

    def _record(self, failure=None):
        with self._lock:
            self.requests += 1
            if failure:
                self.failures.append(failure)

    def _keep_alive(self):
        connection = http.client.HTTPConnection("127.0.0.1", self._port, timeout=5)
        while not self._stopped.is_set():
            try:
                connection.request("GET", self._path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                self._record(f"keep-alive: {error!r}")
                connection.close()
                continue
            self._record(None if response.status == 200 else f"keep-alive: {response.status}")
            if response.will_close:
                with self._lock:
                    self.clean_closes += 1
                connection.close()
        connection.close()

    def _new_connections(self):
        while not self._stopped.is_set():
            status, _ = http_request(self._port, "GET", self._path, timeout=5)
            self._record(None if status == 200 else f"new connection: {status}")


class LoadTest(HybridTestCase):
    """A hundred config changes by each path under constant traffic (one keep-alive connection
    and a new connection per request): no request fails, no connection is closed, and each
    change is served by every worker before the next."""

    CHANGES = 100

    def change_under_traffic(self, node, apply):
        traffic = Traffic(node.proxy_port, "/base").start()
        self.addCleanup(traffic.stop)
        paths = ["/base"]
        for i in range(self.CHANGES):
            # The slash ends the prefix: /change-1/ must not already match /change-10/.
            paths.append(f"/change-{i}/")
            apply(echo_config(self.echo, *paths))
            self.wait_for_route(node, paths[-1], timeout=3.0)
        traffic.stop()
        self.assertEqual(traffic.failures, [])
        self.assertEqual(traffic.clean_closes, 0)
        self.assertGreater(traffic.requests, 2 * self.CHANGES)

    def test_control_plane_pushes_under_traffic_fail_no_request(self):
        cp = self.start_control_plane(echo_config(self.echo, "/base"))
        dp = self.start_data_plane(cp)
        self.wait_for_hash(dp, cp.config_hash())

        def push(config):
            status, body = cp.post_config(config)
            self.assertEqual(status, 201, body)

        self.change_under_traffic(dp, push)
        self.assertEqual(dp.config_hash(), cp.config_hash())

    def test_post_configs_under_traffic_fail_no_request(self):
        gateway = self.start_standalone(echo_config(self.echo, "/base"))

        def post(config):
            status, body = gateway.post_config(config)
            self.assertEqual(status, 201, body)

        self.change_under_traffic(gateway, post)

    def test_kong_yml_edits_under_traffic_fail_no_request(self):
        gateway = self.start_standalone(echo_config(self.echo, "/base"))
        self.change_under_traffic(gateway, gateway.write_config)


class MutualTlsTest(HybridTestCase):
    def test_only_a_data_plane_with_a_certificate_of_the_clusters_ca_syncs(self):
        directory = self.scratch_dir()
        cluster = CertificateAuthority(directory, "cluster")
        other = CertificateAuthority(directory, "other")
        cp = self.start_control_plane(echo_config(self.echo, "/base"), tls=cluster.issue("cp"))
        good = self.start_data_plane(cp, tls=cluster.issue("dp"))
        rogue = self.start_data_plane(cp, tls=other.issue("rogue", trusted_ca=cluster.cert))

        self.wait_for_hash(good, cp.config_hash())
        self.wait_for_route(good, "/base")
        self.assertTrue(wait_until(lambda: "certificate verify failed" in cp.logs(), 5.0),
                        cp.log_tail())
        self.assertEqual(rogue.get("/base"), 404)
        self.assertNotEqual(rogue.config_hash(), cp.config_hash())
        self.assertEqual([node["id"] for node in cp.data_planes()], [good.node_id()])

    def test_plaintext_off_loopback_is_refused_at_start(self):
        dp = DataPlane("192.0.2.1:8005")
        self._track(dp)
        with self.assertRaises(GatewayError):
            dp.start(timeout=5.0)
        self.assertNotEqual(dp.exit_code, 0)
        self.assertIn("cluster_plaintext is only allowed with a control plane on loopback",
                      dp.logs())

        cp = ControlPlane(kong_config(), conf={"cluster_listen": f"0.0.0.0:{free_port()}"})
        self._track(cp)
        with self.assertRaises(GatewayError):
            cp.start(timeout=5.0)
        self.assertNotEqual(cp.exit_code, 0)
        self.assertIn("cluster_plaintext is only allowed on a loopback cluster_listen", cp.logs())


@unittest.skipUnless(NODE and GRPC_PACKAGES,
                     "needs node and @grpc/grpc-js, @grpc/proto-loader, protobufjs in "
                     "test/integration/node_modules (npm ci in test/integration)")
class IndependentClientTest(HybridTestCase):
    def test_a_grpc_js_client_receives_the_routes_and_services_and_acks(self):
        cp = self.start_control_plane(echo_config(self.echo, "/a", "/b"))
        done = subprocess.run(
            [NODE, os.path.join(HERE, "xds_client.mjs"), cp.cluster_address, "node-js",
             ROUTE_TYPE, SERVICE_TYPE],
            capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL, check=False)
        self.assertEqual(done.returncode, 0, done.stderr)
        responses = {line["type_url"]: line
                     for line in map(json.loads, done.stdout.splitlines())}
        config_hash = cp.config_hash()
        self.assertEqual(responses.keys(), {ROUTE_TYPE, SERVICE_TYPE})
        self.assertEqual(responses[ROUTE_TYPE]["version_info"], config_hash)
        self.assertEqual(responses[ROUTE_TYPE]["count"], 2)
        self.assertEqual(sorted(responses[ROUTE_TYPE]["names"]), ["r-a", "r-b"])
        self.assertEqual(responses[SERVICE_TYPE]["names"], ["echo"])
        self.assertEqual(responses[SERVICE_TYPE]["version_info"], config_hash)

        node = cp.data_plane("node-js")
        self.assertIsNotNone(node, json.dumps(cp.data_planes()))
        self.assertEqual(node["user_agent"], "xds_client.mjs")
        self.assertEqual(node["resources"][ROUTE_TYPE]["acked_version"], config_hash)
        self.assertEqual(node["resources"][SERVICE_TYPE]["acked_version"], config_hash)
