"""Routing and the request sent upstream (kong-behavior.md §2.1, §2.4–§2.6, §2.8)."""

import unittest

from harness import GatewayTestCase, curl, kong_config, route, service


class RoutingTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(kong_config(
            service("base", self.echo.url + "/base", [
                route("strip", ["/users"]),
                route("keep", ["/keep"], strip_path=False),
            ]),
            service("hosts", self.echo.url, [
                route("preserve", ["/preserve"], preserve_host=True),
                route("rewrite", ["/rewrite"]),
            ]),
        ))

    def test_strip_path_removes_the_matched_prefix_and_keeps_the_query(self):
        response = curl(self.gateway.url("/users/x?a=1&b"))
        self.assertEqual(response.status, 200)
        self.assertEqual(self.echo.last_request().uri, "/base/x?a=1&b")

    def test_strip_path_on_the_bare_prefix_sends_the_service_path(self):
        curl(self.gateway.url("/users"))
        self.assertEqual(self.echo.last_request().uri, "/base")

    def test_strip_path_false_keeps_the_matched_prefix(self):
        response = curl(self.gateway.url("/keep/x"))
        self.assertEqual(response.status, 200)
        self.assertEqual(self.echo.last_request().uri, "/base/keep/x")

    def test_preserve_host_sends_the_client_host_verbatim(self):
        curl(self.gateway.url("/preserve"), "-H", "Host: client.example:8123")
        self.assertEqual(self.echo.last_request().headers["host"], "client.example:8123")

    def test_without_preserve_host_the_service_host_and_port_are_sent(self):
        curl(self.gateway.url("/rewrite"), "-H", "Host: client.example")
        self.assertEqual(self.echo.last_request().headers["host"], f"127.0.0.1:{self.echo.port}")

    def test_method_and_body_reach_the_upstream(self):
        response = curl(self.gateway.url("/users/orders"), "-X", "PUT",
                        "-H", "Content-Type: application/json", "--data-binary", '{"id": 7}')
        self.assertEqual(response.status, 200)
        received = self.echo.last_request()
        self.assertEqual((received.method, received.body), ("PUT", b'{"id": 7}'))

    def test_upstream_error_statuses_pass_through_unchanged(self):
        response = curl(self.gateway.url("/rewrite/status/503"))
        self.assertEqual(response.status, 503)
        self.assertEqual(response.json()["uri"], "/status/503")

    def test_unknown_path_gets_404_with_kongs_error_body(self):
        response = curl(self.gateway.url("/nothing/here"))
        self.assertEqual(response.status, 404)
        self.assertEqual(response.header("Content-Type"), "application/json; charset=utf-8")
        self.assertEqual(response.json()["message"], "no Route matched with those values")
        self.assertLessEqual(set(response.json()), {"message", "request_id"})
        self.assertEqual(self.echo.request_count, 0)

    def test_404_honours_accept_text_plain(self):
        response = curl(self.gateway.url("/nothing"), "-H", "Accept: text/plain")
        self.assertEqual(response.status, 404)
        self.assertTrue(response.text.startswith("no Route matched with those values\n"))


if __name__ == "__main__":
    unittest.main()
