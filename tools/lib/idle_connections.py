#!/usr/bin/env python3
"""Measures a server's memory per idle keep-alive connection, for tools/bench.

    idle_connections.py --port PORT --count N --pid PID [--pid PID ...]

Opens N connections to 127.0.0.1:PORT one after the other, sends one GET on each and reads the
whole answer, so every connection has been through a request and sits idle in keep-alive. Reads
the summed VmRSS of the PIDs before the first connection and once all N are open, then closes
them. Prints one line: `BEFORE_KIB AFTER_KIB OPENED FAILED CLOSED_BY_SERVER`, where FAILED counts
connections whose request did not get a 200 and CLOSED_BY_SERVER those the server had closed by
the time the second RSS reading was taken. Needs `ulimit -n` above N.
"""

import argparse
import select
import socket
import sys
import time

REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: portico-bench\r\n\r\n"


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def read_response(sock):
    """True when a complete 200 answer with a Content-Length body was read."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            return False
        body += chunk
    return lines[0].split(b" ")[1:2] == [b"200"]


def closed_by_server(sockets):
    """How many sockets are readable now: idle keep-alive sockets only are when closed."""
    closed = 0
    poller = select.poll()
    for sock in sockets:
        poller.register(sock, select.POLLIN | select.POLLHUP)
    for _, events in poller.poll(0):
        if events:
            closed += 1
    return closed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--pid", type=int, action="append", required=True)
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds to wait after the last connection before reading RSS")
    args = parser.parse_args()

    before = rss_kib(args.pid)
    sockets = []
    failed = 0
    try:
        for _ in range(args.count):
            sock = socket.create_connection(("127.0.0.1", args.port), timeout=10)
            sockets.append(sock)
            sock.sendall(REQUEST)
            if not read_response(sock):
                failed += 1
        time.sleep(args.settle)
        after = rss_kib(args.pid)
        closed = closed_by_server(sockets)
    except OSError as error:
        print(f"idle_connections: after {len(sockets)} connections: {error}", file=sys.stderr)
        return 1
    finally:
        for sock in sockets:
            sock.close()
    print(before, after, len(sockets), failed, closed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
