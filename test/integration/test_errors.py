"""Statuses the gateway produces itself (kong-behavior.md §2.8, §2.9): upstream failures and
request limits."""

import time
import unittest

from harness import GatewayTestCase, RawConnection, curl, kong_config, route, service

# The request body limit (nginx's client_max_body_size, which Kong injects as
# nginx_http_client_max_body_size); 0 means unlimited.
BODY_LIMIT_KEY = "client_max_body_size"


class UpstreamFailureTest(GatewayTestCase):
    def test_connection_refused_gives_502(self):
        gateway = self.start_gateway(kong_config(
            service("down", f"http://127.0.0.1:{self.closed_port()}", [route("r", ["/down"])],
                    retries=1)))
        response = curl(gateway.url("/down"))
        self.assertEqual(response.status, 502)
        self.assertIn("An invalid response was received from the upstream server", response.text)

    def test_a_slow_upstream_gives_504_after_the_read_timeout(self):
        gateway = self.start_gateway(kong_config(
            service("slow", self.echo.url, [route("r", ["/slow"])], read_timeout=200,
                    retries=0)))
        started = time.monotonic()
        response = curl(gateway.url("/slow/sleep/3000"))
        elapsed = time.monotonic() - started
        self.assertEqual(response.status, 504)
        self.assertIn("The upstream server is timing out", response.text)
        self.assertLess(elapsed, 2.0)

    def test_a_fast_answer_within_the_read_timeout_is_proxied(self):
        gateway = self.start_gateway(kong_config(
            service("slow", self.echo.url, [route("r", ["/slow"])], read_timeout=2000)))
        self.assertEqual(curl(gateway.url("/slow/sleep/100")).status, 200)


class RequestLimitTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(
            kong_config(service("echo", self.echo.url, [route("r", ["/"])])),
            conf={BODY_LIMIT_KEY: "1k"})

    def test_huge_request_headers_get_431(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(b"GET /h HTTP/1.1\r\nHost: gw\r\nX-Huge: " + b"a" * (100 * 1024)
                      + b"\r\n\r\n")
            self.assertEqual(conn.read_response().status, 431)
        self.assertEqual(self.echo.request_count, 0)

    def test_a_body_over_the_limit_gets_413_and_never_reaches_the_upstream(self):
        response = curl(self.gateway.url("/b"), "--data-binary", "x" * 4096)
        self.assertEqual(response.status, 413)
        self.assertIn("Payload too large", response.text)
        self.assertEqual(self.echo.request_count, 0)

    def test_a_chunked_body_over_the_limit_gets_413(self):
        response = curl(self.gateway.url("/b"), "-H", "Transfer-Encoding: chunked",
                        "--data-binary", "x" * 4096)
        self.assertEqual(response.status, 413)

    def test_a_body_under_the_limit_is_proxied(self):
        response = curl(self.gateway.url("/b"), "--data-binary", "x" * 512)
        self.assertEqual(response.status, 200)
        self.assertEqual(self.echo.last_request().body, b"x" * 512)


if __name__ == "__main__":
    unittest.main()
