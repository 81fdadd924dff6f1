"""Connection handling: upstream keep-alive pooling, client keep-alive and pipelining, and
upstreams that close connections."""

import unittest

from harness import GatewayTestCase, RawConnection, curl, kong_config, route, service

REQUESTS = 20


class UpstreamKeepAliveTest(GatewayTestCase):
    def start(self):
        return self.start_gateway(kong_config(service("echo", self.echo.url, [route("r", ["/"])])))

    def test_sequential_client_connections_share_one_upstream_connection(self):
        gateway = self.start()
        for i in range(REQUESTS):
            self.assertEqual(curl(gateway.url(f"/n/{i}")).status, 200)
        self.assertEqual(self.echo.request_count, REQUESTS)
        # One worker, one request at a time: the pooled connection is reused (allow one spare).
        self.assertLessEqual(self.echo.connections, 2)

    def test_an_upstream_that_closes_after_each_response_still_serves_every_request(self):
        self.echo.close_after_response = True
        gateway = self.start()
        for i in range(5):
            self.assertEqual(curl(gateway.url(f"/n/{i}")).status, 200)
        self.assertEqual(self.echo.connections, 5)

    def test_a_silently_dropped_pooled_connection_is_not_a_client_error(self):
        self.echo.drop_after_response = True
        gateway = self.start()
        statuses = [curl(gateway.url(f"/n/{i}")).status for i in range(5)]
        self.assertEqual(statuses, [200] * 5)


class ClientConnectionTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(
            kong_config(service("echo", self.echo.url, [route("r", ["/"])])))

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            for i in range(3):
                conn.send(f"GET /k/{i} HTTP/1.1\r\nHost: gw\r\n\r\n".encode())
                response = conn.read_response()
                self.assertEqual(response.status, 200)
                self.assertEqual(response.json()["uri"], f"/k/{i}")

    def test_pipelined_requests_are_answered_in_order(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(b"GET /p/1 HTTP/1.1\r\nHost: gw\r\n\r\n"
                      b"POST /p/2 HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\n\r\nabc"
                      b"GET /p/3 HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")
            uris = [conn.read_response().json()["uri"] for _ in range(3)]
            self.assertEqual(uris, ["/p/1", "/p/2", "/p/3"])
            self.assertTrue(conn.is_closed())
        self.assertEqual(self.echo.requests[1].body, b"abc")

    def test_connection_close_from_the_client_closes_after_the_response(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(b"GET /c HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")
            self.assertEqual(conn.read_response().status, 200)
            self.assertTrue(conn.is_closed())

    def test_http_1_0_without_keep_alive_is_closed_after_the_response(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(b"GET /old HTTP/1.0\r\nHost: gw\r\n\r\n")
            self.assertEqual(conn.read_response().status, 200)
            self.assertTrue(conn.is_closed())

    def test_a_request_without_host_gets_400(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(b"GET /nohost HTTP/1.1\r\n\r\n")
            self.assertEqual(conn.read_response().status, 400)
        self.assertEqual(self.echo.request_count, 0)



class PipelinedMixTest(GatewayTestCase):
    def test_proxied_and_local_answers_pipelined_on_one_connection_stay_in_order(self):
        # A proxied response is written from the upstream's read, a 404 from the client's: each
        # must reach the client whole and in request order.
        gateway = self.start_gateway(
            kong_config(service("echo", self.echo.url, [route("r", ["/p"])])))
        with RawConnection(gateway.proxy_port) as conn:
            conn.send(b"GET /p/1 HTTP/1.1\r\nHost: gw\r\n\r\n"
                      b"GET /none HTTP/1.1\r\nHost: gw\r\n\r\n"
                      b"GET /p/2 HTTP/1.1\r\nHost: gw\r\n\r\n"
                      b"GET /none/again HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")
            responses = [conn.read_response() for _ in range(4)]
            self.assertEqual([r.status for r in responses], [200, 404, 200, 404])
            self.assertEqual(responses[0].json()["uri"], "/1")  # strip_path
            self.assertEqual(responses[2].json()["uri"], "/2")
            self.assertIn(b"no Route matched", responses[1].body)
            self.assertTrue(conn.is_closed())

if __name__ == "__main__":
    unittest.main()
