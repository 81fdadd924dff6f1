"""A jwt credential's own JWKS (jwt_secrets `jwks_uri` / `jwks`, beyond Kong) against the real
binary: an identity provider's keys fetched over HTTPS from a local provider (its CA trusted
through lua_ssl_trusted_certificate) verify tokens by kid with no key on the credential, a
rotation is followed because a token named an unknown kid, the plugin's own JWKS cannot sign for
such a credential, and the Admin API shows the new fields only on the credentials that set them.
Tokens are minted by npm jsonwebtoken (see test_jwt.py)."""

import json
import unittest

from harness import GatewayError, GatewayTestCase, curl, kong_config, route, service
from test_jwks import JwksServer, wait_until
from test_jwt import bearer, jwks, mint, needs_node

ISSUER = "https://idp.test/"
LOCAL_ISSUER = "local-idp"
INVALID_SIGNATURE = {"message": "Invalid signature"}


@needs_node
class CredentialJwksTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.files = self.tls_files()

    def jwks_server(self, document):
        server = JwksServer(document, self.files.server_context())
        self.addCleanup(server.stop)
        return server

    def credential_gateway(self, credentials, plugin_config=None):
        consumers = [{"username": "idp", "custom_id": "idp-cid", "jwt_secrets": credentials}]
        routes = [route("r", ["/"], plugins=[{"name": "jwt", "config": plugin_config or {}}])]
        return self.start_gateway(
            kong_config(service("echo", self.echo.url, routes), consumers=consumers),
            conf={"lua_ssl_trusted_certificate": self.files.ca_pem})

    def get(self, gateway, token):
        return curl(gateway.url("/"), *bearer(token))

    def status(self, gateway, token):
        return self.get(gateway, token).status

    def test_a_credentials_jwks_uri_verifies_by_kid_and_follows_a_rotation(self):
        claims = {"iss": ISSUER}
        token_a, token_b = mint(("RS256", "rsa", claims, {"kid": "a"}),
                                ("RS256", "rsa3072", claims, {"kid": "b"}))
        server = self.jwks_server(jwks(a="rsa"))
        gateway = self.credential_gateway(
            [{"key": ISSUER, "algorithm": "RS256", "jwks_uri": server.url}])
        self.assertTrue(server.wait_for_fetches(1), "the gateway never fetched the JWKS")
        # The answer is sent; give the gateway's main loop a moment to parse it. A token sent
        # while the first fetch is in flight would not wake another one.
        self.assertTrue(wait_until(lambda: self.status(gateway, token_a) == 200, 2.0),
                        gateway.log_tail())
        upstream = self.echo.last_request().headers
        self.assertEqual(upstream["x-credential-identifier"], ISSUER)
        self.assertEqual(upstream["x-consumer-custom-id"], "idp-cid")

        server.document = jwks(b="rsa3072")  # the provider rotates: a is gone
        first = self.get(gateway, token_b)
        if first.status != 200:
            self.assertEqual(first.status, 401)
            self.assertEqual(first.json(), INVALID_SIGNATURE)
        self.assertTrue(wait_until(lambda: self.status(gateway, token_b) == 200, 2.0),
                        "a token with the new kid still fails 2 s after it woke a fetch")
        self.assertEqual(server.served, 2)
        response = self.get(gateway, token_a)
        self.assertEqual(response.status, 401)
        self.assertEqual(response.json(), INVALID_SIGNATURE)

    def test_an_inline_credential_jwks_verifies_ecdsa_and_outranks_the_plugins(self):
        local, foreign, from_plugin = mint(
            ("ES256", "p256", {"iss": LOCAL_ISSUER}, {"kid": "e1"}),
            ("ES256", "p256_other", {"iss": LOCAL_ISSUER}, {"kid": "e1"}),
            ("ES256", "p256_other", {"iss": LOCAL_ISSUER}, {"kid": "p1"}))
        gateway = self.credential_gateway(
            [{"key": LOCAL_ISSUER, "algorithm": "ES256", "jwks": json.dumps(jwks(e1="p256"))}],
            plugin_config={"jwks": json.dumps(jwks(p1="p256_other"))})
        self.assertEqual(self.status(gateway, local), 200)
        for token in (foreign, from_plugin):
            response = self.get(gateway, token)
            self.assertEqual(response.status, 401)
            self.assertEqual(response.json(), INVALID_SIGNATURE)

    def test_the_admin_api_shows_a_jwks_only_on_the_credentials_that_set_it(self):
        gateway = self.credential_gateway([
            {"key": ISSUER, "algorithm": "RS256", "jwks_uri": "https://idp.test/jwks.json"},
            {"key": "kong-shaped", "secret": "s3cret"}])
        listing = curl(gateway.admin_url("/consumers/idp/jwt"))
        self.assertEqual(listing.status, 200)
        by_key = {credential["key"]: credential for credential in listing.json()["data"]}
        self.assertEqual(by_key[ISSUER]["jwks_uri"], "https://idp.test/jwks.json")
        self.assertIsNone(by_key[ISSUER]["rsa_public_key"])
        self.assertNotIn("jwks", by_key[ISSUER])
        self.assertEqual(sorted(by_key["kong-shaped"]),
                         sorted(["id", "created_at", "consumer", "key", "secret",
                                 "rsa_public_key", "algorithm", "tags"]))

    def test_a_plain_http_jwks_uri_to_another_host_is_refused(self):
        with self.assertRaises(GatewayError) as refused:
            self.credential_gateway([{"key": ISSUER, "algorithm": "RS256",
                                      "jwks_uri": "http://idp.example/.well-known/jwks.json"}])
        self.assertIn("must be an https URL", str(refused.exception))


if __name__ == "__main__":
    unittest.main()
