"""Bodies stream through the gateway in both directions, chunked or not, without being held
whole in memory."""

import os
import threading
import unittest

from harness import GatewayTestCase, RawConnection, curl, kong_config, large, route, service

GIB = 1 << 30
# What 1 GiB through the gateway may add to its idle memory: buffers, never the body.
RSS_GROWTH_LIMIT_KIB = 64 * 1024
LARGE_TIME_LIMIT_S = 60


def streaming_config(echo_url):
    return kong_config(service("echo", echo_url, [
        route("r", ["/"], request_buffering=False, response_buffering=False)]))


class StreamingTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(streaming_config(self.echo.url), measures_memory=True)
        self.idle_kib = _status_kib(self.gateway.pid, "VmRSS")

    def test_a_chunked_request_body_arrives_intact(self):
        body = bytes(range(256)) * 1200
        response = curl(self.gateway.url("/upload"), "-H", "Transfer-Encoding: chunked",
                        "-H", "Content-Type: application/octet-stream",
                        "--data-binary", "@-", stdin=_pipe_of(body))
        self.assertEqual(response.status, 200)
        self.assertEqual(self.echo.last_request().body, body)

    def test_a_chunked_request_body_is_forwarded_before_the_client_finishes(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(b"POST /sink HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"5\r\nhello\r\n")
            self.assertTrue(self.echo.wait_for_body_bytes(5, timeout=5),
                            "the upstream got no body bytes while the client was still sending")
            conn.send(b"6\r\n world\r\n0\r\n\r\n")
            response = conn.read_response()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json(), {"received": 11})

    def test_a_chunked_response_is_forwarded_before_the_upstream_finishes(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(b"GET /stream HTTP/1.1\r\nHost: gw\r\n\r\n")
            head = conn.read_head()
            self.assertEqual(head.status, 200)
            self.assertIn("chunked", head.header("Transfer-Encoding", "").lower())
            received = b""
            while received != b"first\n":
                received += conn.read_first_chunk()
                self.assertTrue(b"first\n".startswith(received), received)
            self.echo.stream_gate.set()
            self.assertEqual(conn.read_chunked_rest(), b"second\n")

    def test_a_content_length_response_keeps_its_length(self):
        response = curl(self.gateway.url("/bytes/300000"))
        self.assertEqual(response.status, 200)
        self.assertEqual(len(response.body), 300000)
        self.assertEqual(response.header("Content-Length"), "300000")


class LargeTransferTest(GatewayTestCase):
    """1 GiB each way through a gateway whose memory must stay bounded."""

    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(streaming_config(self.echo.url), measures_memory=True)
        self.idle_kib = _status_kib(self.gateway.pid, "VmRSS")

    @large
    def test_a_1_gib_download_streams_with_bounded_memory(self):
        with _RssSampler(self.gateway.pid) as rss:
            response = curl(self.gateway.url(f"/bytes/{GIB}"), timeout=LARGE_TIME_LIMIT_S,
                            discard_body=True)
        self.assertEqual(response.status, 200, response.curl_error)
        self.assertEqual(response.curl_exit, 0, response.curl_error)
        self.assertEqual(response.downloaded, GIB)
        self.assert_bounded(rss)

    @large
    def test_a_1_gib_chunked_upload_streams_with_bounded_memory(self):
        with _RssSampler(self.gateway.pid) as rss:
            response = curl(self.gateway.url("/sink"), "-T", "-", "-H", "Expect:",
                            timeout=LARGE_TIME_LIMIT_S, stdin=_pipe_of_size(GIB))
        self.assertEqual(response.status, 200, response.curl_error)
        self.assertEqual(response.json(), {"received": GIB})
        self.assert_bounded(rss)

    def assert_bounded(self, rss):
        self.assertLess(rss.peak_kib - self.idle_kib, RSS_GROWTH_LIMIT_KIB,
                        f"gateway RSS went from {self.idle_kib} KiB idle to {rss.peak_kib} KiB")


def _pipe_of(data):
    return _feed(lambda write: write(data))


def _pipe_of_size(size):
    block = os.urandom(1 << 20)

    def produce(write):
        left = size
        while left > 0:
            n = min(left, len(block))
            write(block[:n])
            left -= n
    return _feed(produce)


def _feed(produce):
    """A readable pipe end that a thread fills by calling produce(write)."""
    read_fd, write_fd = os.pipe()

    def run():
        with os.fdopen(write_fd, "wb") as out:
            try:
                produce(out.write)
            except BrokenPipeError:
                pass
    threading.Thread(target=run, daemon=True).start()
    return os.fdopen(read_fd, "rb")


class _RssSampler:
    """Samples the resident memory of a process and its descendants every 50 ms."""

    def __init__(self, pid):
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_kib = max(self.peak_kib, _status_kib(self.pid, "VmHWM"))

    def _run(self):
        while not self._stop.wait(0.05):
            total = sum(_status_kib(pid, "VmRSS") for pid in _process_tree(self.pid))
            self.peak_kib = max(self.peak_kib, total)


def _status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _process_tree(pid):
    pids = [pid]
    for tid in _listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as f:
                for child in f.read().split():
                    pids.extend(_process_tree(int(child)))
        except OSError:
            pass
    return pids


def _listdir(path):
    try:
        return os.listdir(path)
    except OSError:
        return []


if __name__ == "__main__":
    unittest.main()
