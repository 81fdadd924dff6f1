"""HTTPS upstreams: certificate verification with tls_verify, trusted through the service's
ca_certificates or through lua_ssl_trusted_certificate (kong-behavior.md §1.3, §2.8)."""

import unittest

from harness import GatewayTestCase, curl, kong_config, route, service

CA_ID = "6c5d8d73-8d8c-4e8b-9f3a-2f6f3a1d5e01"


class TlsUpstreamTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.files = self.tls_files()
        self.tls = self.tls_echo(self.files)

    def users_service(self, **fields):
        return service("users", self.tls.url + "/", [route("users", ["/users"])], **fields)

    def test_an_untrusted_certificate_gives_502_when_tls_verify_is_on(self):
        gateway = self.start_gateway(kong_config(self.users_service(tls_verify=True, retries=0)))
        response = curl(gateway.url("/users/public"))
        self.assertEqual(response.status, 502)
        self.assertEqual(self.tls.request_count, 0)

    def test_a_ca_from_the_services_ca_certificates_is_trusted(self):
        gateway = self.start_gateway(kong_config(
            self.users_service(tls_verify=True, ca_certificates=[CA_ID]),
            ca_certificates=[{"id": CA_ID, "cert": self.files.ca_text()}]))
        response = curl(gateway.url("/users/public"))
        self.assertEqual(response.status, 200)
        self.assertEqual(self.tls.last_request().uri, "/public")

    def test_a_ca_from_lua_ssl_trusted_certificate_is_trusted(self):
        gateway = self.start_gateway(kong_config(self.users_service(tls_verify=True)),
                                     conf={"lua_ssl_trusted_certificate": self.files.ca_pem})
        response = curl(gateway.url("/users/public"))
        self.assertEqual(response.status, 200)
        self.assertEqual(self.tls.last_request().uri, "/public")

    def test_without_tls_verify_the_certificate_is_not_checked(self):
        gateway = self.start_gateway(kong_config(self.users_service()))
        self.assertEqual(curl(gateway.url("/users/public")).status, 200)

    def test_https_upstream_connections_are_reused(self):
        gateway = self.start_gateway(kong_config(self.users_service(tls_verify=True)),
                                     conf={"lua_ssl_trusted_certificate": self.files.ca_pem})
        for i in range(10):
            self.assertEqual(curl(gateway.url(f"/users/{i}")).status, 200)
        self.assertLessEqual(self.tls.connections, 2)


if __name__ == "__main__":
    unittest.main()
