"""Clients for the integration tests: curl (what users run) and raw sockets (for what curl
cannot send: smuggling attempts, pipelining, oversized heads)."""

import json
import os
import socket
import subprocess
import tempfile
from dataclasses import dataclass


@dataclass
class HttpResponse:
    status: int
    header_list: list
    body: bytes
    curl_exit: int = 0
    curl_error: str = ""
    downloaded: int = 0  # body bytes curl received (also when the body was discarded)

    def header(self, name, default=None):
        values = self.header_values(name)
        return ", ".join(values) if values else default

    def header_values(self, name):
        return [value for key, value in self.header_list if key.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def curl(url, *args, timeout=10, stdin=None, discard_body=False):
    """Runs `curl URL ARGS...` and returns the last response it received.

    A transfer error (e.g. a reset connection) gives status 0 with curl's exit code and message.
    `discard_body` sends the body to /dev/null (for large downloads); `downloaded` still counts it.
    """
    with tempfile.TemporaryDirectory(prefix="portico-curl-") as scratch:
        head_path = os.path.join(scratch, "head")
        body_path = os.devnull if discard_body else os.path.join(scratch, "body")
        cmd = ["curl", "-sS", "--noproxy", "*", "--max-time", str(timeout), "-D", head_path,
               "-o", body_path, "-w", "%{size_download}", *args, url]
        done = subprocess.run(cmd, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                              capture_output=True, timeout=timeout + 10, check=False)
        status, header_list = _last_head(_read(head_path))
        body = b"" if discard_body else _read(body_path)
        downloaded = int(done.stdout.strip() or b"0")
        return HttpResponse(status, header_list, body, done.returncode,
                            done.stderr.decode("utf-8", "replace").strip(), downloaded)


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def _last_head(raw):
    """Parses the last header block curl dumped (after any 100 Continue)."""
    blocks = [b for b in raw.replace(b"\r\n", b"\n").split(b"\n\n") if b.strip()]
    if not blocks:
        return 0, []
    lines = blocks[-1].decode("latin-1").split("\n")
    status = int(lines[0].split(" ")[1])
    header_list = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        header_list.append((name.strip(), value.strip()))
    return status, header_list


class RawConnection:
    """A plain TCP connection to the gateway that sends exact bytes and parses responses."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self._reader = self.sock.makefile("rb")

    def close(self):
        self._reader.close()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def read_response(self, method="GET"):
        """Reads one response; bodies may be Content-Length, chunked or close-delimited."""
        response = self.read_head()
        status = response.status
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return response
        if "chunked" in (response.header("Transfer-Encoding") or "").lower():
            response.body = self._read_chunked()
        elif response.header("Content-Length") is not None:
            response.body = self._read_exact(int(response.header("Content-Length")))
        else:
            response.body = self._reader.read()
        return response

    def read_first_chunk(self):
        """After a chunked response head, reads exactly one chunk's data."""
        size = int(self._reader.readline(1024).split(b";")[0], 16)
        data = self._read_exact(size)
        self._reader.readline(4)
        return data

    def read_head(self):
        """Reads a status line and headers only; the body is left on the connection."""
        status_line = self._reader.readline(65536)
        if not status_line:
            raise ConnectionError("connection closed before a response")
        header_list = []
        while True:
            line = self._reader.readline(65536)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            header_list.append((name.strip(), value.strip()))
        return HttpResponse(int(status_line.split(b" ")[1]), header_list, b"")

    def read_chunked_rest(self):
        return self._read_chunked()

    def is_closed(self, timeout=3.0):
        """True when the peer closes (or resets) the connection within `timeout`."""
        self.sock.settimeout(timeout)
        try:
            return self._reader.read(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def _read_exact(self, size):
        data = self._reader.read(size)
        if len(data) != size:
            raise ConnectionError(f"body cut short: {len(data)} of {size} bytes")
        return data

    def _read_chunked(self):
        body = b""
        while True:
            size = int(self._reader.readline(1024).split(b";")[0], 16)
            if size == 0:
                while self._reader.readline(65536) not in (b"\r\n", b"\n", b""):
                    pass
                return body
            body += self._read_exact(size)
            self._reader.readline(4)


def exchange(port, data, timeout=5.0):
    """Sends `data` on a new connection and returns (first response or None, closed_after)."""
    with RawConnection(port, timeout) as conn:
        conn.send(data)
        try:
            response = conn.read_response()
        except (ConnectionError, socket.timeout):
            return None, True
        return response, conn.is_closed()
