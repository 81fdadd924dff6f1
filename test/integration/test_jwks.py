"""The jwt plugin's `jwks_uri` against the real binary: keys fetched from a local identity
provider over HTTPS (its CA trusted through lua_ssl_trusted_certificate), a rotation picked up
because a token named an unknown kid, the last good set kept while the provider is down, and an
untrusted certificate refused. Tokens are minted by npm jsonwebtoken (see test_jwt.py)."""

import http.server
import threading
import time
import unittest

from harness import GatewayError, GatewayTestCase, curl, kong_config, route, service
from upstream import reply_json
from test_jwt import bearer, jwks, keys, mint, needs_node

ISSUER = "https://idp.test/"
INVALID_SIGNATURE = {"message": "Invalid signature"}


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


class JwksServer:
    """An identity provider's JWKS endpoint on 127.0.0.1 (HTTPS with `tls_context`), reached as
    `localhost`. `document` may be replaced at any time; `served` counts the answers sent."""

    def __init__(self, document, tls_context=None):
        self.document = document
        self.served = 0
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802  (http.server's naming)
                reply_json(self, 200, owner.document)
                self.wfile.flush()
                with owner._lock:
                    owner.served += 1

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a refused handshake is what some tests expect

        self._server = Server(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if tls_context is not None:
            self._server.socket = tls_context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self._running = True

    @property
    def url(self):
        return f"{self.scheme}://localhost:{self._server.server_address[1]}/.well-known/jwks.json"

    def wait_for_fetches(self, count, timeout=5.0):
        return wait_until(lambda: self.served >= count, timeout)

    def stop(self):
        if self._running:
            self._running = False
            self._server.shutdown()
            self._server.server_close()


@needs_node
class JwksUriTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.files = self.tls_files()
        claims = {"iss": ISSUER}
        self.token_a, self.token_b = mint(("RS256", "rsa", claims, {"kid": "a"}),
                                          ("RS256", "rsa3072", claims, {"kid": "b"}))

    def jwks_server(self, document, tls=True):
        server = JwksServer(document, self.files.server_context() if tls else None)
        self.addCleanup(server.stop)
        return server

    def jwks_gateway(self, uri, trust=True, refresh_interval=10):
        # The credential's own key signs none of the tokens: only a JWKS key can verify them.
        consumers = [{"username": "idp", "jwt_secrets": [
            {"key": ISSUER, "algorithm": "RS256",
             "rsa_public_key": keys()["rsa_other"]["public"]}]}]
        routes = [route("r", ["/"], plugins=[{"name": "jwt", "config": {
            "jwks_uri": uri, "jwks_refresh_interval": refresh_interval}}])]
        conf = {"lua_ssl_trusted_certificate": self.files.ca_pem} if trust else None
        return self.start_gateway(kong_config(service("echo", self.echo.url, routes),
                                              consumers=consumers), conf=conf)

    def status(self, gateway, token):
        return curl(gateway.url("/"), *bearer(token)).status

    def wait_for_first_set(self, gateway, server):
        """Waits for the fetch made at startup to land. Tokens are sent only after it: a token
        whose kid is unknown while the first fetch is in flight spends the unknown-kid wake
        (once per 10 s), which the rotation test needs."""
        self.assertTrue(server.wait_for_fetches(1), "the gateway never fetched the JWKS")
        time.sleep(0.2)  # the answer is sent; let the gateway's main loop parse it
        self.assertEqual(self.status(gateway, self.token_a), 200)

    def fetch_failure_logged(self, gateway, server_url):
        marker = f"jwt: fetching the JWKS at {server_url} failed ("
        return wait_until(lambda: marker in gateway.logs(), 3.0)

    def test_an_unknown_kid_fetches_the_rotated_set_before_the_refresh_interval(self):
        server = self.jwks_server(jwks(a="rsa"))
        gateway = self.jwks_gateway(server.url, refresh_interval=10)
        self.wait_for_first_set(gateway, server)

        server.document = jwks(b="rsa3072")  # the provider rotates: a is gone
        rotated_at = time.monotonic()
        first = curl(gateway.url("/"), *bearer(self.token_b))
        if first.status != 200:
            self.assertEqual(first.status, 401)
            self.assertEqual(first.json(), INVALID_SIGNATURE)
        self.assertTrue(wait_until(lambda: self.status(gateway, self.token_b) == 200, 2.0),
                        "a token with the new kid still fails 2 s after it woke a fetch")
        # Well before the 10 s refresh: it was the unknown kid that fetched.
        self.assertLess(time.monotonic() - rotated_at, 3.0)
        self.assertEqual(server.served, 2)

        for _ in range(3):
            self.assertEqual(curl(gateway.url("/"), *bearer(self.token_a)).json(),
                             INVALID_SIGNATURE)
        time.sleep(0.3)
        self.assertEqual(server.served, 2, "unknown kids woke more than one fetch per interval")

    def test_the_last_good_set_is_kept_while_the_uri_is_down(self):
        server = self.jwks_server(jwks(a="rsa"))
        gateway = self.jwks_gateway(server.url)
        self.wait_for_first_set(gateway, server)

        server.stop()
        self.assertEqual(self.status(gateway, self.token_b), 401)  # wakes a fetch, which fails
        self.assertTrue(self.fetch_failure_logged(gateway, server.url), gateway.log_tail())
        self.assertIn("keeping the last good set", gateway.logs())
        for _ in range(3):
            self.assertEqual(self.status(gateway, self.token_a), 200)

    def test_an_untrusted_certificate_fails_the_fetch_and_tokens_are_rejected(self):
        server = self.jwks_server(jwks(a="rsa"))
        gateway = self.jwks_gateway(server.url, trust=False)
        self.assertTrue(self.fetch_failure_logged(gateway, server.url), gateway.log_tail())
        logs = gateway.logs()
        self.assertIn("certificate verify failed", logs)
        self.assertIn("no keys yet", logs)
        self.assertNotIn("PRIVATE KEY", logs)
        self.assertEqual(server.served, 0)
        response = curl(gateway.url("/"), *bearer(self.token_a))
        self.assertEqual(response.status, 401)
        self.assertEqual(response.json(), INVALID_SIGNATURE)

    def test_plain_http_is_allowed_to_localhost_only(self):
        server = self.jwks_server(jwks(a="rsa"), tls=False)
        gateway = self.jwks_gateway(server.url)
        self.wait_for_first_set(gateway, server)
        with self.assertRaises(GatewayError) as refused:
            self.jwks_gateway("http://idp.example/.well-known/jwks.json")
        self.assertIn("must be an https URL", str(refused.exception))


if __name__ == "__main__":
    unittest.main()
