"""Requests whose body framing is ambiguous or broken are refused with 400 and the connection
is closed, so nothing hidden in them reaches the upstream (RFC 9112 §6.3, §7.1).

CORPUS below lists request-smuggling attempts as data: CL.TE, TE.CL and TE.TE obfuscations,
Content-Length forms, line endings, folding, control characters and request-line oddities, each
framed so that a parser reading it another way would find SMUGGLED as a second request. Whatever
the verdict, the upstream must never see that second request."""

import socket
import time
import unittest

from harness import GatewayTestCase, RawConnection, exchange, kong_config, route, service

SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: gw\r\n\r\n"
REFUSED = "refused"  # 400 (or 501 for an unimplemented coding) and the connection closed
ONE = "one"          # served as one request whose body holds SMUGGLED
ONE_THEN_CLOSE = "one, then close"  # served as one request, then the connection is closed

_POST = b"POST /a HTTP/1.1\r\nHost: gw\r\n"


def chunked(data):
    return b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data)


def cl_te(te_lines):
    """Content-Length covers a chunked terminator and SMUGGLED; a parser honouring TE stops at
    the terminator and finds SMUGGLED next."""
    body = b"0\r\n\r\n" + SMUGGLED
    return _POST + b"Content-Length: %d\r\n" % len(body) + te_lines + b"\r\n" + body


def te_cl(te_lines):
    """The chunked body holds SMUGGLED; a parser honouring Content-Length (4) reads '25\\r\\n'
    and finds the chunk data next."""
    return _POST + te_lines + b"Content-Length: 4\r\n\r\n" + chunked(SMUGGLED)


def te_only(te_lines):
    """No Content-Length: a parser that does not see chunked here reads no body and finds the
    chunk (with SMUGGLED inside) next."""
    return _POST + te_lines + b"\r\n" + chunked(SMUGGLED)


def with_length(length_lines, body=SMUGGLED):
    return _POST + length_lines + b"\r\n" + body


def request_line(line):
    return line + b"\r\nHost: gw\r\nContent-Length: %d\r\n\r\n" % len(SMUGGLED) + SMUGGLED


CORPUS = [
    # CL.TE and TE.CL with every obfuscation of Transfer-Encoding.
    ("cl_te_plain", cl_te(b"Transfer-Encoding: chunked\r\n"), REFUSED),
    ("te_cl_plain", te_cl(b"Transfer-Encoding: chunked\r\n"), REFUSED),
    ("cl_te_xchunked", cl_te(b"Transfer-Encoding: xchunked\r\n"), REFUSED),
    ("te_only_xchunked", te_only(b"Transfer-Encoding: xchunked\r\n"), REFUSED),
    ("cl_te_leading_space_value", cl_te(b"Transfer-Encoding:  chunked\r\n"), REFUSED),
    ("cl_te_tab_value", cl_te(b"Transfer-Encoding:\tchunked\r\n"), REFUSED),
    ("cl_te_trailing_tab", cl_te(b"Transfer-Encoding: chunked\t\r\n"), REFUSED),
    ("te_cl_chunked_identity", te_cl(b"Transfer-Encoding: chunked, identity\r\n"), REFUSED),
    ("te_only_chunked_identity", te_only(b"Transfer-Encoding: chunked, identity\r\n"), REFUSED),
    ("te_only_identity_chunked", te_only(b"Transfer-Encoding: identity, chunked\r\n"), ONE),
    ("te_only_duplicate_chunked_identity",
     te_only(b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n"), REFUSED),
    ("te_only_duplicate_identity_chunked",
     te_only(b"Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n"), ONE),
    ("te_only_chunked_twice", te_only(b"Transfer-Encoding: chunked, chunked\r\n"), REFUSED),
    ("te_cl_duplicate_te", te_cl(b"Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n"),
     REFUSED),
    ("te_only_space_before_colon", te_only(b"Transfer-Encoding : chunked\r\n"), REFUSED),
    ("te_only_name_with_tab", te_only(b"Transfer-Encoding\t: chunked\r\n"), REFUSED),
    ("te_only_obs_fold_value", te_only(b"Transfer-Encoding:\r\n chunked\r\n"), ONE),
    ("te_only_quoted", te_only(b'Transfer-Encoding: "chunked"\r\n'), REFUSED),
    ("te_only_vertical_tab", te_only(b"Transfer-Encoding:\x0bchunked\r\n"), REFUSED),
    ("te_only_nul_in_value", te_only(b"Transfer-Encoding: chunked\x00\r\n"), REFUSED),
    ("te_only_upper_case", te_only(b"Transfer-Encoding: CHUNKED\r\n"), ONE),
    ("te_only_mixed_case_name", te_only(b"tRaNsFeR-eNcOdInG: chunked\r\n"), ONE),
    ("te_only_http_1_0", b"POST /a HTTP/1.0\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
     + chunked(SMUGGLED), ONE_THEN_CLOSE),
    # Content-Length with signs, spaces, commas and other number forms.
    ("cl_plus_sign", with_length(b"Content-Length: +%d\r\n" % len(SMUGGLED)), REFUSED),
    ("cl_minus_zero", with_length(b"Content-Length: -0\r\n", b""), REFUSED),
    ("cl_hex", with_length(b"Content-Length: 0x%x\r\n" % len(SMUGGLED)), REFUSED),
    ("cl_decimal_point", with_length(b"Content-Length: %d.0\r\n" % len(SMUGGLED)), REFUSED),
    ("cl_exponent", with_length(b"Content-Length: 3e1\r\n"), REFUSED),
    ("cl_empty", with_length(b"Content-Length: \r\n"), REFUSED),
    ("cl_internal_space", with_length(b"Content-Length: 3 7\r\n"), REFUSED),
    ("cl_overflow", with_length(b"Content-Length: 99999999999999999999999999\r\n"), REFUSED),
    ("cl_differing_list", with_length(b"Content-Length: %d, 0\r\n" % len(SMUGGLED)), REFUSED),
    ("cl_differing_duplicates",
     with_length(b"Content-Length: 0\r\nContent-Length: %d\r\n" % len(SMUGGLED)), REFUSED),
    ("cl_space_before_colon", with_length(b"Content-Length : 0\r\n"), REFUSED),
    ("cl_obs_fold", with_length(b"Content-Length:\r\n %d\r\n" % len(SMUGGLED)), ONE),
    ("cl_leading_spaces", with_length(b"Content-Length:    %d\r\n" % len(SMUGGLED)), ONE),
    ("cl_trailing_spaces", with_length(b"Content-Length: %d  \r\n" % len(SMUGGLED)), ONE),
    ("cl_leading_zeros", with_length(b"Content-Length: 000%d\r\n" % len(SMUGGLED)), ONE),
    # Line endings, folding and control characters.
    ("bare_lf_line_endings", b"POST /a HTTP/1.1\nHost: gw\nContent-Length: %d\n\n"
     % len(SMUGGLED) + SMUGGLED, REFUSED),
    ("bare_lf_after_cl", _POST + b"Content-Length: %d\n\r\n" % len(SMUGGLED) + SMUGGLED, REFUSED),
    ("bare_cr_in_header", _POST + b"X-A: b\rContent-Length: 0\r\n\r\n" + SMUGGLED, REFUSED),
    ("obs_fold_other_header", _POST + b"X-Folded: a\r\n b\r\nContent-Length: %d\r\n\r\n"
     % len(SMUGGLED) + SMUGGLED, ONE),
    ("nul_in_header_value", _POST + b"X-A: a\x00b\r\nContent-Length: 0\r\n\r\n" + SMUGGLED, REFUSED),
    ("nul_in_header_name", _POST + b"X\x00A: b\r\nContent-Length: 0\r\n\r\n" + SMUGGLED, REFUSED),
    ("header_without_colon", _POST + b"Content-Length 0\r\n\r\n" + SMUGGLED, REFUSED),
    ("header_name_with_space", _POST + b"Content Length: 0\r\n\r\n" + SMUGGLED, REFUSED),
    ("first_header_folded", b"POST /a HTTP/1.1\r\n Content-Length: 0\r\nHost: gw\r\n\r\n"
     + SMUGGLED, REFUSED),
    # Request-line oddities.
    # RFC 9112 §3 lets a server split the request line on runs of spaces, as nginx does.
    ("request_line_double_space", request_line(b"POST  /a HTTP/1.1"), ONE),
    ("request_line_tab", request_line(b"POST\t/a HTTP/1.1"), REFUSED),
    ("request_line_extra_word", request_line(b"POST /a HTTP/1.1 x"), REFUSED),
    ("request_line_bad_version", request_line(b"POST /a HTTP/1.10"), REFUSED),
    ("request_line_lower_case_method", request_line(b"post /a HTTP/1.1"), REFUSED),
    ("request_line_space_in_target", b"POST /a /smuggled HTTP/1.1\r\nHost: gw\r\n\r\n", REFUSED),
    ("request_line_nul", request_line(b"POST /a\x00 HTTP/1.1"), REFUSED),
    # HTTP/0.9 has no headers and no keep-alive: what follows it is never read.
    ("request_line_http_0_9", b"GET /a\r\n\r\n" + SMUGGLED, ONE_THEN_CLOSE),
    # Chunk-size oddities.
    ("chunk_size_leading_space", _POST + b"Transfer-Encoding: chunked\r\n\r\n 3\r\nabc\r\n0\r\n\r\n"
     + SMUGGLED, REFUSED),
    ("chunk_size_overflow", _POST + b"Transfer-Encoding: chunked\r\n\r\n"
     b"10000000000000000000005\r\nabcde\r\n0\r\n\r\n" + SMUGGLED, REFUSED),
    ("chunk_size_negative", _POST + b"Transfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n"
     + SMUGGLED, REFUSED),
    ("chunk_data_longer_than_size", _POST + b"Transfer-Encoding: chunked\r\n\r\n"
     b"3\r\nabcdef\r\n0\r\n\r\n" + SMUGGLED, REFUSED),
    ("chunk_bare_lf_terminators", _POST + b"Transfer-Encoding: chunked\r\n\r\n"
     + b"%x\n%s\n0\n\n" % (len(SMUGGLED), SMUGGLED), REFUSED),
]


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



class SmugglingCorpusTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(
            kong_config(service("echo", self.echo.url, [route("r", ["/"])])))

    def send(self, raw):
        """(first response or None, closed afterwards, what the upstream received)."""
        before = self.echo.request_count
        with RawConnection(self.gateway.proxy_port, timeout=3) as conn:
            conn.send(raw)
            try:
                response = conn.read_response()
            except (ConnectionError, socket.timeout):
                response = None
            closed = conn.is_closed(timeout=0.5)
        time.sleep(0.05)  # a smuggled request would reach the upstream right after the first
        return response, closed, self.echo.requests[before:]

    def test_every_corpus_request_gets_its_verdict_and_nothing_is_smuggled(self):
        for name, raw, verdict in CORPUS:
            with self.subTest(name):
                response, closed, received = self.send(raw)
                self.assertNotIn("/smuggled", [r.path for r in received])
                self.assertIsNotNone(response, "no response before the connection closed")
                if verdict == REFUSED:
                    self.assertIn(response.status, (400, 501))
                    self.assertTrue(closed, "the connection stayed open after a refusal")
                    self.assertEqual(received, [])
                    continue
                self.assertEqual(response.status, 200)
                self.assertEqual([r.path for r in received], ["/a"])
                if verdict == ONE:
                    self.assertEqual(received[0].body, SMUGGLED)
                else:
                    self.assertTrue(closed, "the connection stayed open")

    def test_the_gateway_still_serves_after_the_whole_corpus(self):
        for _, raw, _ in CORPUS:
            self.send(raw)
        response, _, received = self.send(b"GET /after HTTP/1.1\r\nHost: gw\r\n\r\n")
        self.assertEqual(response.status, 200)
        self.assertEqual([r.path for r in received], ["/after"])


if __name__ == "__main__":
    unittest.main()
