"""Kong's upstreams and targets: a service whose host names an upstream is balanced over its
targets (weighted round-robin, consistent hashing), fails over when a target dies, and reports
target health from passive and active checks on GET /upstreams/{u}/health."""

import http.client
import json
import socket
import threading
import time
import unittest
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import GatewayTestCase, curl, kong_config, route, service
from upstream import reply_json


class Target:
    """An HTTP server that answers every request with its own port, and /health with 200 or 503
    as the test decides. Runs until stopped (its port then refuses connections)."""

    def __init__(self):
        target = self
        self.healthy = True
        self.hits = 0
        self.lock = threading.Lock()
        self.connections = set()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                with target.lock:
                    target.connections.add(self.connection)

            def do_GET(self):  # noqa: N802  (http.server's name)
                if self.path == "/health":
                    status = 200 if target.healthy else 503
                else:
                    status = 200
                    with target.lock:
                        target.hits += 1
                reply_json(self, status, {"port": target.port, "host": self.headers.get("Host")})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        """Stops listening and cuts the keep-alive connections, as a dying process would."""
        self.server.shutdown()
        self.server.server_close()
        with self.lock:
            for connection in self.connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def balanced_config(targets, upstream_fields=None, service_fields=None):
    upstream = {"name": "backend", **(upstream_fields or {}),
                "targets": [{"target": f"127.0.0.1:{t.port}", "weight": w} for t, w in targets]}
    return kong_config(service("svc", "http://backend", [route("r", ["/"])],
                               **(service_fields or {})),
                       upstreams=[upstream])


class KeepAliveClient:
    """One keep-alive connection; a failed request is counted and the connection reopened."""

    def __init__(self, port):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)

    def get(self, path, headers=None):
        try:
            self.connection.request("GET", path, headers=headers or {})
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            return 0, b""

    def close(self):
        self.connection.close()


class LoadBalancingTest(GatewayTestCase):
    def targets(self, count):
        started = [Target() for _ in range(count)]
        for target in started:
            self.addCleanup(target.stop)
        return started

    def admin_json(self, gateway, path):
        with urllib.request.urlopen(gateway.admin_url(path), timeout=5) as response:
            return json.loads(response.read())

    def health_of(self, gateway, target):
        data = self.admin_json(gateway, "/upstreams/backend/health")["data"]
        for entry in data:
            if entry["target"] == f"127.0.0.1:{target.port}":
                return entry["health"]
        self.fail(f"no target {target.port} in {data}")

    def wait_for_health(self, gateway, target, health, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.health_of(gateway, target) == health:
                return
            time.sleep(0.05)
        self.fail(f"target {target.port} not {health}: {self.health_of(gateway, target)}")

    def test_round_robin_follows_the_target_weights(self):
        a, b, c = self.targets(3)
        gateway = self.start_gateway(balanced_config([(a, 100), (b, 50), (c, 50)]))
        client = KeepAliveClient(gateway.proxy_port)
        self.addCleanup(client.close)
        for _ in range(400):
            status, _ = client.get("/x")
            self.assertEqual(status, 200)
        self.assertEqual((a.hits, b.hits, c.hits), (200, 100, 100))

    def test_the_target_gets_its_own_host_and_the_admin_api_lists_upstreams(self):
        (a,) = self.targets(1)
        gateway = self.start_gateway(balanced_config([(a, 100)]))
        response = curl(gateway.url("/x"))
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json()["host"], f"127.0.0.1:{a.port}")
        upstreams = self.admin_json(gateway, "/upstreams")["data"]
        self.assertEqual([u["name"] for u in upstreams], ["backend"])
        self.assertEqual(upstreams[0]["algorithm"], "round-robin")
        targets = self.admin_json(gateway, "/upstreams/backend/targets")["data"]
        self.assertEqual([t["target"] for t in targets], [f"127.0.0.1:{a.port}"])
        self.assertEqual(targets[0]["upstream"], {"id": upstreams[0]["id"]})
        self.assertEqual(self.health_of(gateway, a), "HEALTHCHECKS_OFF")

    def test_no_target_that_can_take_traffic_gives_kongs_503(self):
        (a,) = self.targets(1)
        gateway = self.start_gateway(balanced_config([(a, 0)]))
        response = curl(gateway.url("/x"))
        self.assertEqual(response.status, 503)
        self.assertEqual(response.json()["message"],
                         "failure to get a peer from the ring-balancer")

    def test_killing_a_target_under_load_fails_over_without_client_errors(self):
        a, b, c = self.targets(3)
        gateway = self.start_gateway(
            balanced_config([(a, 100), (b, 100), (c, 100)],
                            {"healthchecks": {"passive": {"unhealthy": {"tcp_failures": 1}}}},
                            {"retries": 2, "connect_timeout": 1000}),
            workers=2)
        results = {"ok": 0, "errors": 0}
        stop = threading.Event()

        def load():
            client = KeepAliveClient(gateway.proxy_port)
            while not stop.is_set():
                status, _ = client.get("/x")
                results["ok" if status == 200 else "errors"] += 1
            client.close()

        threads = [threading.Thread(target=load) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        b.stop()
        time.sleep(0.1)
        hits_at_kill = b.hits
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join()
        self.assertEqual(results["errors"], 0, results)
        self.assertGreater(results["ok"], 100)
        self.assertEqual(b.hits, hits_at_kill)
        self.wait_for_health(gateway, b, "UNHEALTHY")
        self.assertEqual(self.health_of(gateway, a), "HEALTHY")

    def test_active_checks_take_a_target_out_and_bring_it_back(self):
        a, b = self.targets(2)
        checks = {"active": {"http_path": "/health", "timeout": 1,
                             "healthy": {"interval": 0.1, "successes": 1},
                             "unhealthy": {"interval": 0.1, "http_failures": 1,
                                           "tcp_failures": 1, "timeouts": 1}}}
        gateway = self.start_gateway(
            balanced_config([(a, 100), (b, 100)], {"healthchecks": checks}))
        self.assertEqual(self.health_of(gateway, b), "HEALTHY")
        b.healthy = False
        self.wait_for_health(gateway, b, "UNHEALTHY")
        before = b.hits
        client = KeepAliveClient(gateway.proxy_port)
        self.addCleanup(client.close)
        for _ in range(20):
            self.assertEqual(client.get("/x")[0], 200)
        self.assertEqual(b.hits, before, "an unhealthy target gets no traffic")
        b.healthy = True
        self.wait_for_health(gateway, b, "HEALTHY")
        for _ in range(20):
            self.assertEqual(client.get("/x")[0], 200)
        self.assertGreater(b.hits, before)

    def test_consistent_hashing_on_a_header_keeps_a_key_on_one_target(self):
        targets = self.targets(3)
        gateway = self.start_gateway(balanced_config(
            [(t, 100) for t in targets],
            {"hash_on": "header", "hash_on_header": "x-user"}))
        client = KeepAliveClient(gateway.proxy_port)
        self.addCleanup(client.close)
        homes = {}
        for user in range(30):
            seen = set()
            for _ in range(5):
                status, body = client.get("/x", {"X-User": f"user-{user}"})
                self.assertEqual(status, 200)
                seen.add(json.loads(body)["port"])
            self.assertEqual(len(seen), 1, f"user-{user} went to {seen}")
            homes[user] = seen.pop()
        self.assertGreater(len(set(homes.values())), 1, "keys spread over the targets")


if __name__ == "__main__":
    unittest.main()
