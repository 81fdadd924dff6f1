"""The per-worker connection limit (nginx_events_worker_connections): a connection past it is
answered 503 with Kong's error body and `Connection: close`, then closed (never dropped
silently), and counted in portico_connections_refused_total; once a slot frees, new ones are
served again."""

import json
import time
import unittest
import urllib.request

from harness import GatewayTestCase, RawConnection, kong_config, route, service

LIMIT = 4


class ConnectionLimitTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(
            kong_config(service("echo", self.echo.url, [route("r", ["/"])])),
            conf={"nginx_events_worker_connections": str(LIMIT)}, workers=1)

    def hold_idle_connections(self, count):
        held = []
        for i in range(count):
            conn = RawConnection(self.gateway.proxy_port)
            self.addCleanup(conn.close)
            conn.send(f"GET /held/{i} HTTP/1.1\r\nHost: gw\r\n\r\n".encode())
            self.assertEqual(conn.read_response().status, 200)
            held.append(conn)
        return held

    def refused_total(self):
        with urllib.request.urlopen(self.gateway.admin_url("/metrics"), timeout=3) as response:
            for line in response.read().decode().splitlines():
                if line.startswith("portico_connections_refused_total"):
                    return int(float(line.split()[-1]))
        return 0

    def test_the_connection_past_the_limit_gets_503_and_is_closed(self):
        self.hold_idle_connections(LIMIT)
        with RawConnection(self.gateway.proxy_port) as extra:
            extra.send(b"GET /extra HTTP/1.1\r\nHost: gw\r\nAccept: application/json\r\n\r\n")
            response = extra.read_response()
            self.assertEqual(response.status, 503)
            self.assertEqual(response.header("Connection"), "close")
            self.assertTrue(response.header("Content-Type").startswith("application/json"))
            body = response.json()
            self.assertEqual(body["message"], "Too many connections")
            self.assertEqual(body["request_id"], response.header("X-Portico-Request-Id"))
            self.assertTrue(extra.is_closed())
        self.assertNotIn("/extra", [r.path for r in self.echo.requests])

    def test_the_refusal_follows_accept_and_defaults_to_text(self):
        self.hold_idle_connections(LIMIT)
        with RawConnection(self.gateway.proxy_port) as extra:
            extra.send(b"GET /extra HTTP/1.1\r\nHost: gw\r\n\r\n")
            response = extra.read_response()
        self.assertEqual(response.status, 503)
        self.assertTrue(response.header("Content-Type").startswith("text/plain"))
        self.assertTrue(response.text.startswith("Too many connections\nrequest_id: "))

    def test_a_client_that_sends_nothing_is_still_answered_503(self):
        self.hold_idle_connections(LIMIT)
        with RawConnection(self.gateway.proxy_port) as silent:
            started = time.monotonic()
            response = silent.read_response()
            self.assertEqual(response.status, 503)
            self.assertLess(time.monotonic() - started, 2.0)
            self.assertTrue(silent.is_closed())

    def test_after_one_closes_a_new_connection_is_served(self):
        held = self.hold_idle_connections(LIMIT)
        with RawConnection(self.gateway.proxy_port) as extra:
            extra.send(b"GET /extra HTTP/1.1\r\nHost: gw\r\n\r\n")
            self.assertEqual(extra.read_response().status, 503)
        held[0].close()
        deadline = time.monotonic() + 3.0
        status = None
        while time.monotonic() < deadline:
            with RawConnection(self.gateway.proxy_port) as fresh:
                fresh.send(b"GET /fresh HTTP/1.1\r\nHost: gw\r\n\r\n")
                status = fresh.read_response().status
            if status == 200:
                break
            time.sleep(0.05)  # the gateway may not have seen the close yet
        self.assertEqual(status, 200)
        # The connections still held keep being served.
        for conn in held[1:]:
            conn.send(b"GET /again HTTP/1.1\r\nHost: gw\r\n\r\n")
            self.assertEqual(conn.read_response().status, 200)

    def test_refusals_are_counted_in_the_metrics(self):
        self.hold_idle_connections(LIMIT)
        before = self.refused_total()
        for _ in range(3):
            with RawConnection(self.gateway.proxy_port) as extra:
                extra.send(b"GET /extra HTTP/1.1\r\nHost: gw\r\n\r\n")
                self.assertEqual(extra.read_response().status, 503)
        self.assertEqual(self.refused_total() - before, 3)
        with urllib.request.urlopen(self.gateway.admin_url("/status"), timeout=3) as response:
            server = json.loads(response.read())["server"]
        self.assertEqual(server["connections_active"], LIMIT)


if __name__ == "__main__":
    unittest.main()
