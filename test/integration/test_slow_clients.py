"""Slow and idle clients: a request head trickled a byte at a time (slowloris) gets 408 and is
closed once client_header_timeout passes (the clock is not reset by each byte) while other
clients are served as usual; thousands of idle keep-alive connections cost a new client no
latency and are closed by keepalive_timeout."""

import json
import resource
import select
import selectors
import socket
import statistics
import threading
import time
import unittest
import urllib.request

from harness import GatewayTestCase, RawConnection, kong_config, route, service

HEADER_TIMEOUT_S = 3
IDLE_CONNECTIONS = 2000
KEEPALIVE_TIMEOUT_S = 6


def active_connections(gateway):
    with urllib.request.urlopen(gateway.admin_url("/status"), timeout=3) as response:
        return json.loads(response.read())["server"]["connections_active"]


class SlowlorisTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(
            kong_config(service("echo", self.echo.url, [route("r", ["/"])])),
            conf={"client_header_timeout": f"{HEADER_TIMEOUT_S}s"})

    def test_a_head_sent_a_byte_a_second_gets_408_and_close_while_others_are_served(self):
        head = b"GET /slow HTTP/1.1\r\nHost: gw\r\nX-Filler: " + b"a" * 64 + b"\r\n\r\n"
        outcome = {}

        def trickle():
            with RawConnection(self.gateway.proxy_port, timeout=HEADER_TIMEOUT_S + 5) as conn:
                started = time.monotonic()
                try:
                    for byte in head:
                        conn.send(bytes([byte]))
                        readable, _, _ = select.select([conn.sock], [], [], 1.0)
                        if readable:
                            break
                except (BrokenPipeError, ConnectionResetError):
                    pass
                outcome["elapsed"] = time.monotonic() - started
                try:
                    outcome["response"] = conn.read_response()
                except (ConnectionError, socket.timeout) as error:
                    outcome["error"] = error
                outcome["closed"] = conn.is_closed()

        slow = threading.Thread(target=trickle)
        slow.start()
        served = []
        while slow.is_alive():
            with RawConnection(self.gateway.proxy_port) as conn:
                started = time.monotonic()
                conn.send(b"GET /fast HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")
                served.append((conn.read_response().status, time.monotonic() - started))
            time.sleep(0.2)
        slow.join()

        self.assertNotIn("error", outcome, outcome)
        self.assertEqual(outcome["response"].status, 408)
        self.assertEqual(outcome["response"].header("Connection"), "close")
        self.assertTrue(outcome["closed"])
        self.assertGreaterEqual(outcome["elapsed"], HEADER_TIMEOUT_S - 0.5)
        self.assertLess(outcome["elapsed"], HEADER_TIMEOUT_S + 2.5)
        self.assertNotIn("/slow", [r.path for r in self.echo.requests])
        self.assertGreaterEqual(len(served), 5)
        self.assertEqual({status for status, _ in served}, {200})
        self.assertLess(max(elapsed for _, elapsed in served), 1.0)

    def test_the_408_is_sent_before_the_close(self):
        with RawConnection(self.gateway.proxy_port, timeout=HEADER_TIMEOUT_S + 5) as conn:
            conn.send(b"GET /partial HTTP/1.1\r\nHost: gw\r\n")
            started = time.monotonic()
            response = conn.read_response()
            elapsed = time.monotonic() - started
            self.assertEqual(response.status, 408)
            self.assertEqual(response.header("Connection"), "close")
            self.assertTrue(conn.is_closed())
        self.assertGreaterEqual(elapsed, HEADER_TIMEOUT_S - 0.5)

    def test_a_connection_that_never_sends_is_closed_after_the_header_timeout(self):
        with RawConnection(self.gateway.proxy_port, timeout=HEADER_TIMEOUT_S + 5) as conn:
            started = time.monotonic()
            self.assertTrue(conn.is_closed(timeout=HEADER_TIMEOUT_S + 3))
            self.assertGreaterEqual(time.monotonic() - started, HEADER_TIMEOUT_S - 0.5)


class IdleConnectionsTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 2 * IDLE_CONNECTIONS + 256:
            self.skipTest(f"open-files limit {soft} is too low for {IDLE_CONNECTIONS} "
                          "connections on each side")
        self.gateway = self.start_gateway(
            kong_config(service("echo", self.echo.url, [route("r", ["/echo"])])),
            conf={"keepalive_timeout": f"{KEEPALIVE_TIMEOUT_S}s"})

    def open_idle_keep_alive_connections(self, count):
        """`count` connections that each had one request answered (a router 404, so the
        upstream is not involved) and are now idle in keep-alive."""
        sockets = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", self.gateway.proxy_port), timeout=5)
            self.addCleanup(sock.close)
            sockets.append(sock)
        for sock in sockets:
            sock.sendall(b"GET /idle HTTP/1.1\r\nHost: gw\r\n\r\n")
        selector = selectors.DefaultSelector()
        pending = {}
        for sock in sockets:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
            pending[sock] = b""
        deadline = time.monotonic() + 30
        while pending and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1):
                data = key.fileobj.recv(65536)
                pending[key.fileobj] += data
                buffered = pending[key.fileobj]
                head, _, body = buffered.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), None)
                if not data or (length is not None and len(body) >= length):
                    self.assertTrue(buffered.startswith(b"HTTP/1.1 404"), buffered[:80])
                    selector.unregister(key.fileobj)
                    del pending[key.fileobj]
        selector.close()
        self.assertFalse(pending, f"{len(pending)} connections got no answer")
        return sockets

    def fresh_request_seconds(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            started = time.monotonic()
            conn.send(b"GET /echo/fresh HTTP/1.1\r\nHost: gw\r\n\r\n")
            self.assertEqual(conn.read_response().status, 200)
            return time.monotonic() - started

    def test_thousands_of_idle_connections_do_not_slow_a_new_client_and_time_out(self):
        idle = self.open_idle_keep_alive_connections(IDLE_CONNECTIONS)
        opened = time.monotonic()
        self.assertGreaterEqual(active_connections(self.gateway), IDLE_CONNECTIONS)

        latencies = [self.fresh_request_seconds() for _ in range(5)]
        self.assertLess(time.monotonic() - opened, KEEPALIVE_TIMEOUT_S - 1,
                        "the measurement must happen while every idle connection is held")
        self.assertLess(statistics.median(latencies), 0.100, latencies)

        # keepalive_timeout closes them all (nginx closes idle keep-alive without a response).
        selector = selectors.DefaultSelector()
        for sock in idle:
            selector.register(sock, selectors.EVENT_READ)
        open_count = len(idle)
        deadline = opened + KEEPALIVE_TIMEOUT_S + 5
        while open_count and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1):
                try:
                    data = key.fileobj.recv(1)
                except ConnectionResetError:
                    data = b""
                self.assertEqual(data, b"", "an idle connection received bytes")
                selector.unregister(key.fileobj)
                open_count -= 1
        selector.close()
        self.assertEqual(open_count, 0, f"{open_count} idle connections still open")
        self.assertGreaterEqual(time.monotonic() - opened, KEEPALIVE_TIMEOUT_S - 1.5)
        self.assertLessEqual(active_connections(self.gateway), 1)


if __name__ == "__main__":
    unittest.main()
