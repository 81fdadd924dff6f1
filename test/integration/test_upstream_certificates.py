"""Kong's `certificates` and `ca_certificates` entities on HTTPS services: the service's
`ca_certificates` are trusted for the upstream's certificate when `tls_verify` is on, and its
`client_certificate` is presented to upstreams that require one (kong-behavior.md §1.3), and an
upstream entity's `client_certificate` by its HTTPS health probes."""

import os
import ssl
import json
import subprocess
import time
import unittest
import urllib.request

from harness import GatewayTestCase, curl, kong_config, route, run_cli, service, to_yaml
from upstream import EchoUpstream

CA_ID = "3d0f7a52-5b1c-4d8e-9a41-6f2b8c0e1a01"
OTHER_CA_ID = "3d0f7a52-5b1c-4d8e-9a41-6f2b8c0e1a02"
CLIENT_CERT_ID = "3d0f7a52-5b1c-4d8e-9a41-6f2b8c0e1a03"


def _openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def _read(path):
    with open(path, encoding="ascii") as f:
        return f.read()


def make_client_certificate(directory):
    """A client CA and a client certificate it signed: (ca_pem_path, cert_text, key_text)."""
    path = lambda name: os.path.join(directory, name)  # noqa: E731
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-days", "30", "-subj", "/CN=Portico Client CA",
             "-keyout", path("client-ca.key"), "-out", path("client-ca.pem"),
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _openssl("req", "-new", *ec, "-subj", "/CN=portico-gateway", "-keyout", path("client.key"),
             "-out", path("client.csr"))
    with open(path("client.ext"), "w", encoding="ascii") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=clientAuth\n")
    _openssl("x509", "-req", "-in", path("client.csr"), "-CA", path("client-ca.pem"),
             "-CAkey", path("client-ca.key"), "-set_serial", "0x" + os.urandom(8).hex(),
             "-days", "30", "-extfile", path("client.ext"), "-out", path("client.pem"))
    return path("client-ca.pem"), _read(path("client.pem")), _read(path("client.key"))


class UpstreamCertificatesTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.files = self.tls_files()

    def https_service(self, upstream, **fields):
        return service("secure", upstream.url + "/", [route("secure", ["/secure"])],
                       retries=0, **fields)

    def mtls_upstream(self):
        """An HTTPS echo upstream that requires a client certificate from its own client CA."""
        client_ca, cert, key = make_client_certificate(self.scratch_dir())
        context = self.files.server_context()
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca)
        upstream = EchoUpstream(context, host_name="localhost").start()
        self.addCleanup(upstream.stop)
        return upstream, {"id": CLIENT_CERT_ID, "cert": cert, "key": key}

    def test_tls_verify_without_the_upstreams_ca_gives_502(self):
        upstream = self.tls_echo(self.files)
        gateway = self.start_gateway(kong_config(self.https_service(upstream, tls_verify=True)))
        self.assertEqual(curl(gateway.url("/secure/x")).status, 502)
        self.assertEqual(upstream.request_count, 0)

    def test_a_ca_certificates_entity_referenced_by_the_service_is_trusted(self):
        upstream = self.tls_echo(self.files)
        gateway = self.start_gateway(kong_config(
            self.https_service(upstream, tls_verify=True, ca_certificates=[CA_ID]),
            ca_certificates=[{"id": CA_ID, "cert": self.files.ca_text()}]))
        response = curl(gateway.url("/secure/x"))
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(upstream.last_request().uri, "/x")

    def test_a_ca_certificate_the_service_does_not_reference_is_not_trusted(self):
        other_ca = make_client_certificate(self.scratch_dir())[0]
        upstream = self.tls_echo(self.files)
        gateway = self.start_gateway(kong_config(
            self.https_service(upstream, tls_verify=True, ca_certificates=[OTHER_CA_ID]),
            ca_certificates=[{"id": CA_ID, "cert": self.files.ca_text()},
                             {"id": OTHER_CA_ID, "cert": _read(other_ca)}]))
        self.assertEqual(curl(gateway.url("/secure/x")).status, 502)
        self.assertEqual(upstream.request_count, 0)

    def test_the_client_certificate_is_presented_to_an_upstream_that_requires_one(self):
        upstream, certificate = self.mtls_upstream()
        gateway = self.start_gateway(kong_config(
            self.https_service(upstream, client_certificate=CLIENT_CERT_ID),
            certificates=[certificate]))
        response = curl(gateway.url("/secure/x"))
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(upstream.last_request().uri, "/x")

    def test_client_certificate_and_ca_certificates_work_together(self):
        upstream, certificate = self.mtls_upstream()
        gateway = self.start_gateway(kong_config(
            self.https_service(upstream, client_certificate=CLIENT_CERT_ID, tls_verify=True,
                               ca_certificates=[CA_ID]),
            certificates=[certificate],
            ca_certificates=[{"id": CA_ID, "cert": self.files.ca_text()}]))
        self.assertEqual(curl(gateway.url("/secure/x")).status, 200)

    def test_without_a_client_certificate_an_upstream_that_requires_one_gives_502(self):
        upstream, certificate = self.mtls_upstream()
        gateway = self.start_gateway(kong_config(self.https_service(upstream),
                                                 certificates=[certificate]))
        self.assertEqual(curl(gateway.url("/secure/x")).status, 502)
        self.assertEqual(upstream.request_count, 0)

    def probed_health(self, client_certificate):
        """The health that HTTPS probes give an upstream requiring a client certificate, with or
        without the upstream entity's client_certificate: once a probe has reached it, or once
        it is marked down (targets start healthy)."""
        upstream, certificate = self.mtls_upstream()
        checks = {"active": {"type": "https", "http_path": "/", "timeout": 1,
                             "https_verify_certificate": False,
                             "healthy": {"interval": 0.1, "successes": 1},
                             "unhealthy": {"interval": 0.1, "tcp_failures": 1,
                                           "http_failures": 1}}}
        fields = {"client_certificate": CLIENT_CERT_ID} if client_certificate else {}
        target = f"localhost:{upstream.port}"
        gateway = self.start_gateway(kong_config(
            service("balanced", "https://backend", [route("r", ["/"])]),
            certificates=[certificate],
            upstreams=[{"name": "backend", "healthchecks": checks, **fields,
                        "targets": [{"target": target}]}]))
        deadline = time.monotonic() + 5
        health = None
        while time.monotonic() < deadline:
            with urllib.request.urlopen(gateway.admin_url("/upstreams/backend/health"),
                                        timeout=5) as response:
                health = json.loads(response.read())["data"][0]["health"]
            probed = upstream.request_count > 0 if client_certificate else health == "UNHEALTHY"
            if probed:
                break
            time.sleep(0.05)
        return health, upstream

    def test_https_probes_present_the_upstreams_client_certificate(self):
        health, upstream = self.probed_health(client_certificate=True)
        self.assertEqual(health, "HEALTHY")
        self.assertGreater(upstream.request_count, 0)

    def test_https_probes_without_a_client_certificate_mark_such_a_target_unhealthy(self):
        health, upstream = self.probed_health(client_certificate=False)
        self.assertEqual(health, "UNHEALTHY")
        self.assertEqual(upstream.request_count, 0)

    def test_an_unknown_client_certificate_is_a_config_error(self):
        path = os.path.join(self.scratch_dir(), "kong.yml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(to_yaml(kong_config(service(
                "secure", "https://127.0.0.1:9443/", [route("secure", ["/secure"])],
                client_certificate=CLIENT_CERT_ID))))
        done = run_cli("config", "parse", path)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(f"invalid reference 'client_certificate: {CLIENT_CERT_ID}' "
                      "(no such entry in 'certificates')", done.stderr)


if __name__ == "__main__":
    unittest.main()
