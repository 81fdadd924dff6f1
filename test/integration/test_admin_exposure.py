"""The Admin API beyond loopback: refused at start without TLS and authentication; over TLS with a
bearer token (401 without it) or with client certificates (mutual TLS).

Every listener here stays on 127.0.0.0/8: a start that the policy refuses never binds, and the
TLS + authentication paths are the same on 127.0.0.2 as on a public address (which of them the
policy demands them for is covered by test/server/admin_exposure_test.cc)."""

import http.client
import json
import os
import socket
import ssl
import subprocess
import unittest

from harness import Gateway, GatewayError, GatewayTestCase, free_port, kong_config, route, service

TOKEN = "pt-7f3c9b2e41d84a6c9e0b5d17a2c4e8f1"


def make_client_certificate(files, directory, stem):
    """A client certificate (clientAuth) signed by the CA of `files` (make_tls_files)."""
    key = os.path.join(directory, stem + ".key")
    cert = os.path.join(directory, stem + ".pem")
    csr = os.path.join(directory, stem + ".csr")
    extensions = os.path.join(directory, stem + ".ext")
    with open(extensions, "w", encoding="ascii") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=clientAuth\n")
    run = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
               stdin=subprocess.DEVNULL)
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + stem,
                    "-keyout", key, "-out", csr], **run)
    ca_key = os.path.join(os.path.dirname(files.ca_pem), "ca.key")
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", files.ca_pem, "-CAkey", ca_key,
                    "-set_serial", "0x" + os.urandom(8).hex(), "-days", "30",
                    "-extfile", extensions, "-out", cert], **run)
    return cert, key


class TlsAdminGateway(Gateway):
    """A gateway whose admin listener speaks TLS on `admin_host` and may demand a token or a
    client certificate; readiness is polled through that listener."""

    def __init__(self, config, conf, files, admin_host, token=None, client_cert=None):
        self.admin_host = admin_host
        self.files = files
        self.token = token
        self.client_cert = client_cert
        super().__init__(config, conf)

    def admin_request(self, method, path, token=None, client_cert=None, timeout=3.0):
        """(status, headers, body) of one request on a fresh TLS connection."""
        context = ssl.create_default_context(cafile=self.files.ca_pem)
        if client_cert is not None:
            context.load_cert_chain(*client_cert)
        raw = socket.create_connection((self.admin_host, self.admin_port), timeout=timeout)
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            head = f"{method} {path} HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n"
            if token is not None:
                head += f"Authorization: Bearer {token}\r\n"
            tls.sendall((head + "\r\n").encode())
            response = http.client.HTTPResponse(tls)
            response.begin()
            return response.status, dict(response.getheaders()), response.read()

    def is_ready(self):
        try:
            status, _, _ = self.admin_request("GET", "/status", self.token, self.client_cert, 1.0)
            return status == 200
        except (OSError, ssl.SSLError, http.client.HTTPException):
            return False


class AdminExposureTest(GatewayTestCase):
    def config(self):
        return kong_config(service("echo", self.echo.url, [route("r", ["/"])]))

    def start_tls_admin(self, admin_host, extra_conf, files=None, token=None, client_cert=None):
        files = files or self.tls_files()
        conf = {"admin_ssl_cert": files.server_pem, "admin_ssl_cert_key": files.server_key,
                **extra_conf}
        gateway = TlsAdminGateway(self.config(), conf, files, admin_host, token, client_cert)
        with open(gateway.conf_path, "a", encoding="utf-8") as f:
            f.write(f"admin_listen = {admin_host}:{gateway.admin_port} ssl\n")
        self._gateways.append(gateway)
        self.addCleanup(self._stop_gateway, gateway)
        return gateway.start()

    def assert_start_refused(self, admin_listen, extra_conf, *expected):
        gateway = Gateway(self.config(), {"admin_listen": admin_listen, **extra_conf})
        self._gateways.append(gateway)
        with self.assertRaises(GatewayError):
            gateway.start(timeout=10)
        self.assertNotEqual(gateway.exit_code, 0)
        logs = gateway.logs()
        for text in expected:
            self.assertIn(text, logs)
        self.assertNotIn(TOKEN, logs)

    def test_plain_admin_on_a_wildcard_address_refuses_to_start(self):
        port = free_port()
        self.assert_start_refused(
            f"0.0.0.0:{port}", {"admin_auth_token": TOKEN},
            f"Error: admin_listen 0.0.0.0:{port} is not a loopback address", "`ssl`")

    def test_tls_admin_beyond_loopback_without_authentication_refuses_to_start(self):
        port = free_port()
        self.assert_start_refused(f"0.0.0.0:{port} ssl", {}, "is not a loopback address",
                                  "admin_auth_token", "admin_ssl_client_ca")

    def test_tls_admin_with_a_token_answers_401_without_it_and_200_with_it(self):
        gateway = self.start_tls_admin("127.0.0.2", {"admin_auth_token": TOKEN}, token=TOKEN)
        status, headers, body = gateway.admin_request("GET", "/services")
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body), {"message": "Unauthorized"})
        self.assertIn("Bearer", headers.get("WWW-Authenticate", ""))
        status, _, _ = gateway.admin_request("GET", "/services", token=TOKEN[:-1])
        self.assertEqual(status, 401)
        status, _, body = gateway.admin_request("GET", "/services", token=TOKEN)
        self.assertEqual(status, 200)
        self.assertEqual([s["name"] for s in json.loads(body)["data"]], ["echo"])
        # The token is never shown: not in the node info, not in the log.
        status, _, body = gateway.admin_request("GET", "/", token=TOKEN)
        self.assertEqual(status, 200)
        self.assertNotIn(TOKEN.encode(), body)
        self.assertNotIn(TOKEN, gateway.logs())

    def test_tls_admin_does_not_answer_plain_http(self):
        gateway = self.start_tls_admin("127.0.0.2", {"admin_auth_token": TOKEN}, token=TOKEN)
        with socket.create_connection(("127.0.0.2", gateway.admin_port), timeout=3) as conn:
            conn.sendall(b"GET /services HTTP/1.1\r\nHost: admin\r\n\r\n")
            try:
                answer = conn.recv(4096)
            except ConnectionResetError:
                answer = b""
        self.assertFalse(answer.startswith(b"HTTP/1.1 200"))

    def test_mutual_tls_admin_needs_a_certificate_its_ca_signed(self):
        files = self.tls_files()
        client = make_client_certificate(files, os.path.dirname(files.ca_pem), "operator")
        stranger_files = self.tls_files()
        stranger = make_client_certificate(stranger_files, os.path.dirname(stranger_files.ca_pem),
                                           "stranger")
        gateway = self.start_tls_admin("127.0.0.2", {"admin_ssl_client_ca": files.ca_pem},
                                       files=files, client_cert=client)
        status, _, _ = gateway.admin_request("GET", "/services", client_cert=client)
        self.assertEqual(status, 200)
        for certificate in (None, stranger):
            with self.assertRaises((ssl.SSLError, ConnectionError, http.client.HTTPException)):
                gateway.admin_request("GET", "/services", client_cert=certificate)


if __name__ == "__main__":
    unittest.main()
