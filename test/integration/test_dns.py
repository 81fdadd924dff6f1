"""Kong's DNS resolution of service hosts (dns_resolver, dns_order and the dns_*_ttl keys) against
a real DNS server (dnsmasq): a name follows its records when their TTL runs out without failing a
request, an unknown name answers 503 "name resolution failed", and the last answer keeps serving
while the server is down (with no answer to keep, 500 as Kong's balancer answers)."""

import os
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import GatewayError, GatewayTestCase, curl, kong_config, route, service
from upstream import reply_json

DNSMASQ = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
NAME = "api.portico.test"
TTL_S = 1


def _ipv6_loopback_works():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def _free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dns_query(port, name, timeout=0.5):
    """Sends one A query to 127.0.0.1:port; returns the answer's rcode (None: no answer)."""
    labels = b"".join(bytes([len(label)]) + label.encode() for label in name.split("."))
    query = struct.pack(">HHHHHH", 0x5157, 0x0100, 1, 0, 0, 0) + labels + b"\0\0\1\0\1"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.sendto(query, ("127.0.0.1", port))
            return s.recv(1500)[3] & 0x0F
        except OSError:
            return None


class Dnsmasq:
    """dnsmasq on a loopback UDP port, answering for portico.test from a hosts file only (other
    names under it get NXDOMAIN), with TTL_S on its answers. SIGHUP makes it re-read the file."""

    def __init__(self, directory):
        self.directory = directory
        self.hosts = os.path.join(directory, "dns-hosts")
        self.port = _free_udp_port()
        self.process = None
        self._log = None

    def point(self, name, address):
        with open(self.hosts, "w", encoding="utf-8") as f:
            f.write(f"{address} {name}\n")
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGHUP)

    def start(self):
        self._log = open(os.path.join(self.directory, "dnsmasq.log"), "ab")
        user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout
        self.process = subprocess.Popen(
            [DNSMASQ, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--log-facility=-",
             f"--port={self.port}", "--listen-address=127.0.0.1", "--bind-interfaces",
             f"--addn-hosts={self.hosts}", f"--local-ttl={TTL_S}", "--local=/portico.test/",
             f"--pid-file={os.path.join(self.directory, 'dnsmasq.pid')}",
             f"--user={user.strip()}"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 5
        while _dns_query(self.port, NAME) is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"dnsmasq did not start (exit {self.process.poll()})")
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None


class NamedUpstream:
    """An HTTP server on host:port that answers every request with {"upstream": label}, keeping
    connections alive: the gateway's pooled connection to the old address must not keep the
    traffic there once the name moves."""

    def __init__(self, label, host, port):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802  (http.server's name)
                reply_json(self, 200, {"upstream": label})

            def log_message(self, *args):
                pass

        server_class = ThreadingHTTPServer
        if ":" in host:
            server_class = type("Server6", (ThreadingHTTPServer,), {"address_family":
                                                                    socket.AF_INET6})
        self.server = server_class((host, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@unittest.skipUnless(os.access(DNSMASQ, os.X_OK), "dnsmasq not installed (tools/setup)")
class DnsTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.directory = self.scratch_dir()
        self.dns = Dnsmasq(self.directory)
        self.addCleanup(self.dns.stop)
        # A hosts file of its own, so the machine's cannot answer for the test's names.
        self.hosts_file = os.path.join(self.directory, "gateway-hosts")
        with open(self.hosts_file, "w", encoding="utf-8") as f:
            f.write("127.0.0.1 localhost\n")

    def upstream(self, label, host, port=0):
        upstream = NamedUpstream(label, host, port)
        self.addCleanup(upstream.stop)
        return upstream

    def upstream_pair(self):
        """Upstream A on 127.0.0.1 and B on the same port of another loopback address (::1, or
        127.0.0.2 where IPv6 is unavailable); returns them and B's address."""
        other = "::1" if _ipv6_loopback_works() else "127.0.0.2"
        for _ in range(20):
            first = self.upstream("A", "127.0.0.1")
            try:
                return first, self.upstream("B", other, first.port), other
            except OSError:
                continue  # that port is taken on the other address: try another
        raise AssertionError("no port free on both loopback addresses")

    def gateway_for(self, host, port, **conf):
        settings = {"dns_resolver": f"127.0.0.1:{self.dns.port}", "dns_hostsfile": self.hosts_file,
                    "dns_order": "LAST,A,AAAA", **conf}
        return self.start_gateway(
            kong_config(service("api", f"http://{host}:{port}", [route("r", ["/"])])), settings)

    def test_traffic_follows_the_name_to_its_new_address_with_no_failed_request(self):
        first, second, second_address = self.upstream_pair()
        self.dns.point(NAME, "127.0.0.1")
        self.dns.start()
        gateway = self.gateway_for(NAME, first.port)
        response = curl(gateway.url("/"))
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(response.json()["upstream"], "A")

        self.dns.point(NAME, second_address)
        seen = []
        deadline = time.monotonic() + 4 * TTL_S + 4
        while time.monotonic() < deadline and seen[-3:] != ["B", "B", "B"]:
            response = curl(gateway.url("/"))
            self.assertEqual(response.status, 200, f"request {len(seen)}: {response.text}")
            seen.append(response.json()["upstream"])
            time.sleep(0.05)
        self.assertEqual(seen[-3:], ["B", "B", "B"], f"answers: {seen}")
        self.assertEqual(seen[0], "A", "the answer is cached for its TTL")

    def test_unknown_name_answers_503_name_resolution_failed(self):
        self.dns.point(NAME, "127.0.0.1")
        self.dns.start()
        gateway = self.gateway_for("missing.portico.test", self.echo.port)
        response = curl(gateway.url("/"), "-H", "Accept: application/json")
        self.assertEqual(response.status, 503, response.text)
        self.assertEqual(response.json()["message"], "name resolution failed")
        self.assertEqual(self.echo.request_count, 0)

    def test_last_answer_keeps_serving_while_the_dns_server_is_down(self):
        upstream = self.upstream("A", "127.0.0.1")
        self.dns.point(NAME, "127.0.0.1")
        self.dns.start()
        gateway = self.gateway_for(NAME, upstream.port)
        self.assertEqual(curl(gateway.url("/")).status, 200)

        self.dns.stop()
        time.sleep(TTL_S + 0.5)
        deadline = time.monotonic() + 2
        count = 0
        while time.monotonic() < deadline:
            response = curl(gateway.url("/"))
            self.assertEqual(response.status, 200, f"request {count}: {response.text}")
            self.assertEqual(response.json()["upstream"], "A")
            count += 1
            time.sleep(0.05)

    def test_no_dns_server_answering_a_first_lookup_answers_500_naming_the_host(self):
        gateway = self.gateway_for(NAME, self.echo.port)  # dnsmasq never started
        response = curl(gateway.url("/"), "-H", "Accept: application/json", timeout=20)
        self.assertEqual(response.status, 500, response.text)
        self.assertTrue(response.json()["message"].startswith(
            f"failed the initial dns/balancer resolve for '{NAME}' with: "), response.text)
        self.assertEqual(self.echo.request_count, 0)

    def test_bad_dns_resolver_entry_stops_the_start_naming_the_key(self):
        with self.assertRaises(GatewayError) as raised:
            self.gateway_for(NAME, 80, dns_resolver="dns.example.com")
        self.assertIn("dns_resolver must be a comma separated list in the form of IPv4/6 or "
                      "IPv4/6:port, got 'dns.example.com'", str(raised.exception))


if __name__ == "__main__":
    unittest.main()
