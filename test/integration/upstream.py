"""An in-process HTTP/1.1 upstream for the integration tests.

EchoUpstream answers 200 with JSON {method, uri, headers, body} describing the request it got,
and records every request and every accepted TCP connection so tests can assert what the
gateway sent and how it reused connections. Paths with a special meaning:

  /sleep/<ms>...   wait <ms> milliseconds, then echo
  /status/<n>...   answer status <n> (with the echo body)
  /stream...       a chunked response: "first\\n", then (once `stream_gate` is set, or after
                   10 s) "second\\n" and the last chunk
  /bytes/<n>...    <n> bytes with Content-Length, generated while sending
  /sink...         read the request body without keeping it; answer {"received": <bytes>}

A request header `X-Echo-Set-Header: Name: value` adds that header to the response.
`close_after_response` answers with `Connection: close` and closes; `drop_after_response`
answers as if keeping the connection alive, then closes it anyway (a stale pooled connection).
"""

import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field

_BLOCK = 1 << 20
_MAX_HEAD = 256 * 1024


class _Malformed(Exception):
    pass


@dataclass
class RecordedRequest:
    method: str
    uri: str
    http_version: str
    header_list: list
    body: bytes = b""
    body_length: int = 0

    @property
    def headers(self):
        """Lower-case names; repeated headers joined with ", "."""
        joined = {}
        for name, value in self.header_list:
            key = name.lower()
            joined[key] = f"{joined[key]}, {value}" if key in joined else value
        return joined

    @property
    def path(self):
        return self.uri.split("?", 1)[0]


@dataclass
class _Stats:
    connections: int = 0
    requests: list = field(default_factory=list)
    body_bytes_in_progress: int = 0


class EchoUpstream:
    def __init__(self, tls_context=None, host_name="127.0.0.1"):
        self._tls_context = tls_context
        self._host_name = host_name
        self._lock = threading.Condition()
        self._stats = _Stats()
        self._open = set()
        self._listener = None
        self.close_after_response = False
        self.drop_after_response = False
        self.stream_gate = threading.Event()

    # --- lifecycle -------------------------------------------------------------------------

    def start(self):
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        threading.Thread(target=self._accept_loop, daemon=True).start()
        return self

    def stop(self):
        self.stream_gate.set()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for conn in list(self._open):
                _shutdown(conn)

    @property
    def port(self):
        return self._listener.getsockname()[1]

    @property
    def url(self):
        scheme = "https" if self._tls_context else "http"
        return f"{scheme}://{self._host_name}:{self.port}"

    # --- what the tests read ---------------------------------------------------------------

    @property
    def connections(self):
        with self._lock:
            return self._stats.connections

    @property
    def requests(self):
        with self._lock:
            return list(self._stats.requests)

    @property
    def request_count(self):
        with self._lock:
            return len(self._stats.requests)

    def last_request(self):
        with self._lock:
            return self._stats.requests[-1] if self._stats.requests else None

    def wait_for_requests(self, count, timeout=5.0):
        """Waits until `count` requests have been recorded; returns whether they were."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self._stats.requests) >= count, timeout)

    def wait_for_body_bytes(self, count, timeout=5.0):
        """Waits until the body being received has at least `count` bytes."""
        with self._lock:
            return self._lock.wait_for(
                lambda: self._stats.body_bytes_in_progress >= count, timeout)

    # --- serving ---------------------------------------------------------------------------

    def _accept_loop(self):
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._stats.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            if self._tls_context is not None:
                conn.settimeout(10)
                conn = self._tls_context.wrap_socket(conn, server_side=True)
                conn.settimeout(None)
            with self._lock:
                self._open.add(conn)
            reader = conn.makefile("rb")
            while self._serve_one(conn, reader):
                pass
        except (OSError, ssl.SSLError, _Malformed):
            pass
        finally:
            with self._lock:
                self._open.discard(conn)
            _shutdown(conn)

    def _serve_one(self, conn, reader):
        request = self._read_request(reader)
        if request is None:
            return False
        with self._lock:
            self._stats.requests.append(request)
            self._lock.notify_all()
        wants_close = (self.close_after_response
                       or "close" in request.headers.get("connection", "").lower())
        extra = _extra_headers(request)
        if wants_close:
            extra.append(("Connection", "close"))
        path = request.path
        if path.startswith("/stream"):
            self._send_stream(conn, extra)
        elif path.startswith("/bytes/"):
            self._send_bytes(conn, int(_segment(path, 1)), extra)
        elif path.startswith("/sink"):
            _send(conn, 200, extra, json.dumps({"received": request.body_length}).encode())
        else:
            status = 200
            if path.startswith("/sleep/"):
                time.sleep(int(_segment(path, 1)) / 1000.0)
            elif path.startswith("/status/"):
                status = int(_segment(path, 1))
            _send(conn, status, extra, json.dumps(_echo_body(request)).encode())
        return not wants_close and not self.drop_after_response

    def _read_request(self, reader):
        line = reader.readline(_MAX_HEAD)
        if not line:
            return None
        try:
            method, uri, version = line.decode("latin-1").rstrip("\r\n").split(" ")
        except ValueError as exc:
            raise _Malformed() from exc
        header_list = _read_headers(reader)
        request = RecordedRequest(method, uri, version.replace("HTTP/", ""), header_list)
        keep_body = not request.path.startswith("/sink")
        with self._lock:
            self._stats.body_bytes_in_progress = 0
        lowered = request.headers
        if "chunked" in lowered.get("transfer-encoding", "").lower():
            for piece in _chunks(reader):
                self._took_body(request, piece, keep_body)
        else:
            remaining = int(lowered.get("content-length", "0"))
            while remaining > 0:
                piece = reader.read(min(remaining, _BLOCK))
                if not piece:
                    raise _Malformed()
                remaining -= len(piece)
                self._took_body(request, piece, keep_body)
        return request

    def _took_body(self, request, piece, keep_body):
        request.body_length += len(piece)
        if keep_body:
            request.body += piece
        with self._lock:
            self._stats.body_bytes_in_progress += len(piece)
            self._lock.notify_all()

    def _send_stream(self, conn, extra):
        head = _head(200, extra + [("Content-Type", "text/plain"),
                                   ("Transfer-Encoding", "chunked")])
        conn.sendall(head + _chunk(b"first\n"))
        self.stream_gate.wait(10)
        conn.sendall(_chunk(b"second\n") + b"0\r\n\r\n")

    def _send_bytes(self, conn, size, extra):
        conn.sendall(_head(200, extra + [("Content-Type", "application/octet-stream"),
                                         ("Content-Length", str(size))]))
        block = memoryview(b"0123456789abcdef" * (_BLOCK // 16))
        while size > 0:
            n = min(size, len(block))
            conn.sendall(block[:n])
            size -= n


def _read_headers(reader):
    header_list = []
    total = 0
    while True:
        line = reader.readline(_MAX_HEAD)
        total += len(line)
        if not line or total > _MAX_HEAD:
            raise _Malformed()
        if line in (b"\r\n", b"\n"):
            return header_list
        name, sep, value = line.decode("latin-1").partition(":")
        if not sep:
            raise _Malformed()
        header_list.append((name.strip(), value.strip()))


def _chunks(reader):
    while True:
        size_line = reader.readline(1024).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError as exc:
            raise _Malformed() from exc
        if size == 0:
            _read_headers(reader)  # trailers
            return
        remaining = size
        while remaining > 0:
            piece = reader.read(min(remaining, _BLOCK))
            if not piece:
                raise _Malformed()
            remaining -= len(piece)
            yield piece
        if reader.readline(4) not in (b"\r\n", b"\n"):
            raise _Malformed()


def _segment(path, index):
    return path.strip("/").split("/")[index]


def _extra_headers(request):
    extra = []
    for name, value in request.header_list:
        if name.lower() == "x-echo-set-header":
            set_name, _, set_value = value.partition(":")
            extra.append((set_name.strip(), set_value.strip()))
    return extra


def _echo_body(request):
    return {
        "method": request.method,
        "uri": request.uri,
        "headers": request.headers,
        "body": request.body.decode("utf-8", "replace"),
    }


def _head(status, headers):
    lines = [f"HTTP/1.1 {status} Echo"] + [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


def _send(conn, status, extra, body):
    headers = extra + [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    conn.sendall(_head(status, headers) + body)


def _shutdown(conn):
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()


def reply_json(handler, status, value):
    """Answers an http.server request with `value` as a JSON body (keep-alive friendly)."""
    body = json.dumps(value).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
