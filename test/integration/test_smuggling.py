"""Requests whose body framing is ambiguous or broken are refused with 400 and the connection
is closed, so nothing hidden in them reaches the upstream (RFC 9112 §6.3, §7.1)."""

import unittest

from harness import GatewayTestCase, RawConnection, exchange, kong_config, route, service

SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: gw\r\n\r\n"


class SmugglingTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(
            kong_config(service("echo", self.echo.url, [route("r", ["/"])])))

    def assert_refused(self, raw, statuses=(400,)):
        response, closed = exchange(self.gateway.proxy_port, raw)
        self.assertIsNotNone(response, "no response before the connection closed")
        self.assertIn(response.status, statuses)
        self.assertTrue(closed, "the connection stayed open after a 400")
        self.assertNotIn("/smuggled", [r.path for r in self.echo.requests])

    def test_content_length_together_with_chunked_is_refused(self):
        body = b"0\r\n\r\n" + SMUGGLED
        self.assert_refused(b"POST /a HTTP/1.1\r\nHost: gw\r\nContent-Length: %d\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n%s" % (len(body), body))

    def test_chunked_together_with_content_length_is_refused_in_either_order(self):
        self.assert_refused(b"POST /a HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n"
                            b"Content-Length: 4\r\n\r\n0\r\n\r\n" + SMUGGLED)

    def test_differing_duplicate_content_lengths_are_refused(self):
        self.assert_refused(b"POST /a HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\n"
                            b"Content-Length: 40\r\n\r\nabc" + SMUGGLED)

    def test_a_content_length_list_with_differing_values_is_refused(self):
        self.assert_refused(b"POST /a HTTP/1.1\r\nHost: gw\r\nContent-Length: 3, 40\r\n\r\n"
                            b"abc" + SMUGGLED)

    def test_a_bad_chunk_size_is_refused(self):
        self.assert_refused(b"POST /a HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                            b"zz\r\nhello\r\n0\r\n\r\n" + SMUGGLED)

    def test_a_negative_content_length_is_refused(self):
        self.assert_refused(b"POST /a HTTP/1.1\r\nHost: gw\r\nContent-Length: -1\r\n\r\n"
                            + SMUGGLED)

    def test_a_transfer_coding_that_does_not_end_in_chunked_is_refused(self):
        # nginx (so Kong) answers 501 for codings it does not implement; 400 is as safe.
        self.assert_refused(b"POST /a HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked, gzip"
                            b"\r\n\r\n0\r\n\r\n" + SMUGGLED, statuses=(400, 501))

    def test_a_well_framed_request_after_a_body_is_served_not_smuggled(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(b"POST /first HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"3\r\nabc\r\n0\r\n\r\n" + SMUGGLED)
            first, second = conn.read_response(), conn.read_response()
        self.assertEqual((first.status, second.status), (200, 200))
        self.assertEqual([(r.path, r.body) for r in self.echo.requests],
                         [("/first", b"abc"), ("/smuggled", b"")])


if __name__ == "__main__":
    unittest.main()
