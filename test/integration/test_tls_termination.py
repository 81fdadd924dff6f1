"""TLS termination on `proxy_listen … ssl`: certificates chosen by SNI from the `certificates` and
`snis` entities (exact, wildcard, RSA/ECDSA pairs), the default certificate otherwise, TLS 1.2+
only, session resumption, certificates swapped by a reload, and https-only routes answering 426
over plain HTTP (kong-behavior.md §2.7, §2.8)."""

import os
import re
import signal
import subprocess
import time
import unittest

from certs import issue_certificate
from harness import GatewayTestCase, curl, free_port, kong_config, route, service

CERTIFICATE_PEM = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


class Handshake:
    """What `openssl s_client` saw: the certificate presented, the protocol, resumption."""

    def __init__(self, done):
        self.output = done.stdout.decode("utf-8", "replace")
        self.errors = done.stderr.decode("utf-8", "replace")
        match = CERTIFICATE_PEM.search(self.output)
        self.certificate = match.group(0) if match else None

    @property
    def ok(self):
        return self.certificate is not None and "Cipher is (NONE)" not in self.output

    def _x509(self, option):
        shown = subprocess.run(["openssl", "x509", "-noout", option],
                               input=self.certificate.encode("ascii"), capture_output=True,
                               check=True)
        return shown.stdout.decode("ascii").strip()

    @property
    def serial(self):
        return int(self._x509("-serial").split("=", 1)[1], 16)

    @property
    def subject(self):
        return self._x509("-subject")

    @property
    def key_type(self):
        text = self._x509("-text")
        return "ec" if "id-ecPublicKey" in text else "rsa" if "rsaEncryption" in text else "?"

    @property
    def reused(self):
        return re.search(r"^Reused, ", self.output, re.M) is not None


def s_client(port, servername=None, *args, request=None):
    """One handshake with `openssl s_client` (no SNI when `servername` is None). With `request`,
    those bytes are sent and the client waits for the server to close."""
    cmd = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}"]
    cmd += ["-servername", servername] if servername else ["-noservername"]
    cmd += list(args)
    if request is not None:
        cmd.append("-ign_eof")
    done = subprocess.run(cmd, input=request or b"", capture_output=True, timeout=20,
                          check=False)
    return Handshake(done)


class TlsTerminationTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.files = self.tls_files()
        self.dir = os.path.dirname(self.files.ca_pem)
        self.example_rsa = issue_certificate(self.files, self.dir, "example-rsa",
                                             ["example.com"], "rsa")
        self.example_ec = issue_certificate(self.files, self.dir, "example-ec", ["example.com"])
        self.wildcard = issue_certificate(self.files, self.dir, "wild", ["*.wild.test"], "rsa")
        self.http_port = free_port()
        self.tls_port = free_port()

    def certificates(self, example=None):
        example = example or self.example_ec
        return [
            {"cert": example.cert_text(), "key": example.key_text(),
             "cert_alt": self.example_rsa.cert_text(), "key_alt": self.example_rsa.key_text(),
             "snis": [{"name": "example.com"}]},
            {"cert": self.wildcard.cert_text(), "key": self.wildcard.key_text()},
        ]

    def config(self, example=None):
        wildcard_id = "0d9a3a4e-4c4f-4c6e-9d0e-6f1b2c3d4e5f"
        certificates = self.certificates(example)
        certificates[1]["id"] = wildcard_id
        return kong_config(
            service("echo", self.echo.url, [
                route("any", ["/echo"]),
                route("secure", ["/secure"], protocols=["https"]),
                route("moved", ["/moved"], protocols=["https"], https_redirect_status_code=301),
                route("plain", ["/plain"], protocols=["http"]),
            ]),
            certificates=certificates,
            snis=[{"name": "*.wild.test", "certificate": wildcard_id}])

    def start(self, config=None, **conf):
        return self.start_gateway(config or self.config(), conf={
            "proxy_listen": f"127.0.0.1:{self.http_port}, 127.0.0.1:{self.tls_port} http2 ssl",
            **conf})

    def https(self, path, host="example.com", *args):
        return curl(f"https://{host}:{self.tls_port}{path}",
                    "--resolve", f"{host}:{self.tls_port}:127.0.0.1",
                    "--cacert", self.files.ca_pem, *args)

    def test_curl_reaches_the_upstream_over_tls_with_x_forwarded_proto_https(self):
        self.start()
        response = self.https("/echo/x", "example.com", "-H", "X-Forwarded-Proto: http")
        self.assertEqual(response.status, 200, response.curl_error)
        upstream = self.echo.last_request()
        self.assertEqual(upstream.headers["x-forwarded-proto"], "https")
        self.assertEqual(upstream.headers["x-forwarded-port"], str(self.tls_port))
        self.assertEqual(self.https("/echo", "api.wild.test").status, 200)

    def test_the_sni_selects_the_rsa_or_ecdsa_certificate_of_its_entity(self):
        self.start()
        ecdsa = s_client(self.tls_port, "example.com", "-sigalgs", "ECDSA+SHA256")
        self.assertTrue(ecdsa.ok, ecdsa.errors)
        self.assertEqual((ecdsa.serial, ecdsa.key_type), (self.example_ec.serial, "ec"))
        rsa = s_client(self.tls_port, "example.com", "-sigalgs", "RSA-PSS+SHA256:RSA+SHA256")
        self.assertTrue(rsa.ok, rsa.errors)
        self.assertEqual((rsa.serial, rsa.key_type), (self.example_rsa.serial, "rsa"))
        tls12_ecdsa = s_client(self.tls_port, "example.com", "-tls1_2", "-cipher",
                               "ECDHE-ECDSA-AES128-GCM-SHA256")
        self.assertEqual(tls12_ecdsa.serial, self.example_ec.serial)

    def test_a_wildcard_sni_covers_one_label(self):
        self.start()
        self.assertEqual(s_client(self.tls_port, "api.wild.test").serial, self.wildcard.serial)
        self.assertEqual(s_client(self.tls_port, "API.Wild.Test").serial, self.wildcard.serial)
        self.assertIn("CN = localhost", s_client(self.tls_port, "a.b.wild.test").subject)

    def test_an_unknown_or_missing_sni_gets_the_self_signed_default(self):
        self.start()
        for name in ("unknown.test", None):
            handshake = s_client(self.tls_port, name)
            self.assertTrue(handshake.ok, handshake.errors)
            self.assertIn("O = Portico", handshake.subject)
            self.assertIn("CN = localhost", handshake.subject)

    def test_ssl_cert_replaces_the_default_certificate(self):
        default = issue_certificate(self.files, self.dir, "default", ["default.test"])
        self.start(ssl_cert=default.cert_pem, ssl_cert_key=default.key_pem)
        self.assertEqual(s_client(self.tls_port, "unknown.test").serial, default.serial)
        self.assertEqual(s_client(self.tls_port, "example.com", "-sigalgs",
                                  "ECDSA+SHA256").serial, self.example_ec.serial)

    def test_tls_1_1_is_refused_and_1_2_and_1_3_are_spoken(self):
        self.start()
        old = s_client(self.tls_port, "example.com", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
        self.assertFalse(old.ok, old.output)
        self.assertIn("Protocol  : TLSv1.2", s_client(self.tls_port, "example.com",
                                                      "-tls1_2").output)
        self.assertIn("TLSv1.3", s_client(self.tls_port, "example.com", "-tls1_3").output)

    def test_sessions_resume(self):
        self.start()
        request = b"GET /echo HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"
        for version in ("-tls1_2", "-tls1_3"):
            session = os.path.join(self.dir, f"session{version}")
            first = s_client(self.tls_port, "example.com", version, "-sess_out", session,
                             request=request)
            self.assertTrue(first.ok, first.errors)
            self.assertFalse(first.reused)
            again = s_client(self.tls_port, "example.com", version, "-sess_in", session,
                             request=request)
            self.assertTrue(again.reused, f"{version}: {again.output}")
            self.assertIn("HTTP/1.1 200", again.output)

    def test_a_reload_swaps_the_certificate_for_new_handshakes(self):
        gateway = self.start()
        self.assertEqual(s_client(self.tls_port, "example.com", "-sigalgs",
                                  "ECDSA+SHA256").serial, self.example_ec.serial)
        renewed = issue_certificate(self.files, self.dir, "renewed", ["example.com"])
        gateway.write_config(self.config(example=renewed))
        gateway.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: s_client(self.tls_port, "example.com", "-sigalgs",
                                                    "ECDSA+SHA256").serial == renewed.serial),
                        "the renewed certificate was not presented after SIGHUP")
        self.assertEqual(self.https("/echo").status, 200)

    def test_an_https_only_route_over_http_answers_426(self):
        self.start()
        response = curl(f"http://127.0.0.1:{self.http_port}/secure", "-H", "Host: example.com")
        self.assertEqual(response.status, 426)
        self.assertEqual(response.json()["message"], "Please use HTTPS protocol")
        self.assertEqual(response.header("Upgrade"), "TLS/1.2, HTTP/1.1")
        self.assertIn("Upgrade", response.header("Connection"))
        self.assertEqual(self.echo.request_count, 0)
        self.assertEqual(self.https("/secure").status, 200)

    def test_an_https_redirect_status_code_sends_the_https_location(self):
        self.start()
        response = curl(f"http://127.0.0.1:{self.http_port}/moved/a?b=c",
                        "-H", f"Host: example.com:{self.http_port}")
        self.assertEqual(response.status, 301)
        self.assertEqual(response.header("Location"), "https://example.com/moved/a?b=c")
        self.assertEqual(response.body, b"")

    def test_an_http_only_route_still_matches_over_tls_as_in_kong(self):
        self.start()
        # Kong's router has no protocol predicate for http routes (kong/router/transform.lua).
        self.assertEqual(self.https("/plain").status, 200)

    def test_a_client_offering_h2_speaks_http_1_1(self):
        self.start()
        response = self.https("/echo", "example.com", "--http2")
        self.assertEqual(response.status, 200, response.curl_error)


if __name__ == "__main__":
    unittest.main()
