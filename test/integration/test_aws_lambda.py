"""The aws-lambda plugin against a real Lambda emulator (serverless-offline) behind a verifier
that checks every request's SigV4 signature with the AWS SDK's signer (tools/lambda/,
lambda_peer.py): the walkthrough's login end to end, invocation types, function errors, proxy
integration and each of its 502 rules, Lambda API errors, ARNs, qualifiers, session tokens and
the body limit (kong-behavior.md §5, aws-lambda-invoke.md)."""

import base64
import json
import os
import re
import socket
import socketserver
import subprocess
import threading
import unittest
import urllib.parse

from harness import curl, kong_config, route, service
from lambda_peer import (JWT_KEY, JWT_SECRET, LAMBDA_DIR, NODE, SESSION_ACCESS_KEY,
                         SESSION_SECRET_KEY, SESSION_TOKEN, LambdaTestCase, needs_lambda_peers)

CONSUMER = "auth-service-consumer"
ADA = {"email": "ada@example.com", "password": "lovelace"}
ARN = "arn:aws:lambda:us-east-1:123456789012:function:echo"
VIA = re.compile(r"^2 (kong|portico)/\S+$")
UNEXPECTED = "An unexpected error occurred"
SIX_MIB = 6 * 1024 * 1024
PROXY_FUNCTIONS = ("proxy-created", "proxy-base64", "proxy-multi-value", "proxy-string-status",
                   "proxy-bad-status", "proxy-status-out-of-range", "proxy-bad-headers",
                   "proxy-bad-body", "proxy-bad-base64-flag", "proxy-not-an-object")


def lambda_routes(*routes):
    """A config of service-less routes."""
    return kong_config(routes=list(routes))


def login(gateway, credentials):
    """What the walkthrough runs: curl -d '{"email":...,"password":...}' (a form content type)."""
    return curl(gateway.url("/login"), "-d", json.dumps(credentials))


def bad_gateway(reason):
    return {"message": "Bad Gateway",
            "error": f"could not JSON decode Lambda function response: {reason}"}


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@needs_lambda_peers
class PeersSelfTest(unittest.TestCase):
    """The peers themselves, with the official AWS SDK client (tools/lambda/selftest.mjs): a
    broken verifier would make every other result meaningless."""

    def test_the_verifier_accepts_what_the_aws_sdk_signs_and_rejects_what_aws_rejects(self):
        done = subprocess.run([NODE, "selftest.mjs"], cwd=LAMBDA_DIR, capture_output=True,
                              text=True, timeout=120, check=False)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr[-3000:])
        self.assertIn(", 0 failed", done.stdout)


@needs_lambda_peers
class WalkthroughTest(LambdaTestCase):
    """/login invokes the auth function; its token opens the jwt-protected /users."""

    def walkthrough_gateway(self, **lambda_config):
        jwt = {"name": "jwt", "config": {"key_claim_name": "kid", "claims_to_verify": ["exp"]}}
        users = service("users-service", self.echo.url,
                        [route("users-route", ["/users"])], plugins=[jwt])
        login_route = route("login", ["/login"], plugins=[self.lambda_plugin(
            "auth", **{"forward_request_body": True, **lambda_config})])
        consumer = {"username": CONSUMER,
                    "jwt_secrets": [{"key": JWT_KEY, "secret": JWT_SECRET,
                                     "algorithm": "HS256"}]}
        return self.start_gateway(kong_config(users, routes=[login_route],
                                              consumers=[consumer]))

    def test_the_right_password_gets_a_token_that_opens_users(self):
        gateway = self.walkthrough_gateway()
        response = login(gateway, ADA)
        self.assertEqual(response.status, 200, response.text)
        answer = response.json()
        self.assertEqual(set(answer), {"statusCode", "body"}, answer)
        self.assertEqual(answer["statusCode"], 200)
        token = answer["body"]
        self.assertEqual(jwt_claims(token)["kid"], JWT_KEY)

        self.assertEqual(curl(gateway.url("/users/1")).status, 401)
        self.assertEqual(self.echo.request_count, 0)
        opened = curl(gateway.url("/users/1"), "-H", f"Authorization: Bearer {token}")
        self.assertEqual(opened.status, 200, opened.text)
        self.assertEqual(self.echo.last_request().headers["x-consumer-username"], CONSUMER)

    def test_a_wrong_password_gets_status_code_401_in_a_200(self):
        gateway = self.walkthrough_gateway()
        response = login(gateway, {**ADA, "password": "babbage"})
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(response.json(), {"statusCode": 401})
        entry = self.peers.last_entry()
        self.assertTrue(entry["verified"], entry)
        self.assertEqual(entry["function"], "auth")

    def test_in_proxy_integration_mode_the_functions_status_is_the_http_status(self):
        gateway = self.walkthrough_gateway(is_proxy_integration=True)
        denied = login(gateway, {**ADA, "password": "babbage"})
        self.assertEqual(denied.status, 401, denied.text)
        self.assertEqual(denied.body, b"")
        granted = login(gateway, ADA)
        self.assertEqual(granted.status, 200, granted.text)
        self.assertEqual(jwt_claims(granted.text)["sub"], ADA["email"])

    def test_the_api_gateway_event_carries_the_login_too(self):
        gateway = self.walkthrough_gateway(forward_request_body=None, awsgateway_compatible=True)
        response = login(gateway, ADA)
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(response.json()["statusCode"], 200)
        event = json.loads(self.peers.last_entry()["body"])
        self.assertEqual(event["httpMethod"], "POST")
        self.assertIs(event["isBase64Encoded"], True)
        self.assertEqual(base64.b64decode(event["body"]).decode(), json.dumps(ADA))

    def test_the_function_gets_only_the_request_body(self):
        gateway = self.walkthrough_gateway()
        sent = json.dumps(ADA)
        self.assertEqual(login(gateway, ADA).status, 200)
        entry = self.peers.last_entry()
        self.assertEqual(entry["method"], "POST")
        self.assertEqual(entry["target"], "/2015-03-31/functions/auth/invocations")
        payload = json.loads(entry["body"])
        self.assertLessEqual(set(payload),
                             {"request_body", "request_body_args", "request_body_base64"})
        body = payload["request_body"]
        if payload.get("request_body_base64"):
            body = base64.b64decode(body).decode()
        self.assertEqual(body, sent)

    def test_lambdas_headers_reach_the_client(self):
        gateway = self.walkthrough_gateway()
        response = login(gateway, ADA)
        entry = self.peers.last_entry()
        self.assertEqual(response.header("x-amzn-RequestId"), entry["requestId"])
        self.assertEqual(response.header("X-Amz-Executed-Version"), "$LATEST")
        self.assertEqual(entry["headers"]["x-amz-log-type"], "Tail")
        self.assertIsNotNone(response.header("X-Amz-Log-Result"))
        self.assertRegex(response.header("Via", ""), VIA)
        self.assertEqual(int(response.header("Content-Length")), len(response.body))

    def test_the_routes_service_is_never_contacted(self):
        gateway = self.start_gateway(kong_config(service("echo", self.echo.url, [
            route("login", ["/login"], plugins=[self.lambda_plugin("auth")])])))
        response = curl(gateway.url("/login"), "-H", "Content-Type: application/json",
                        "-d", json.dumps(ADA))
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(response.json()["statusCode"], 200)
        self.assertEqual(self.echo.request_count, 0)
        self.assertEqual(self.echo.connections, 0)


@needs_lambda_peers
class InvocationTest(LambdaTestCase):
    def gateway_for(self, function_name, **config):
        return self.start_gateway(lambda_routes(
            route("fn", ["/fn"], plugins=[self.lambda_plugin(function_name, **config)])))

    def test_a_throwing_function_is_a_200_with_the_function_error_header(self):
        response = curl(self.gateway_for("boom").url("/fn"))
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(response.header("X-Amz-Function-Error"), "Unhandled")
        self.assertEqual(response.json()["errorMessage"], "kaboom")

    def test_unhandled_status_replaces_200_for_a_throwing_function(self):
        response = curl(self.gateway_for("boom", unhandled_status=412).url("/fn"))
        self.assertEqual(response.status, 412, response.text)
        self.assertEqual(response.header("X-Amz-Function-Error"), "Unhandled")
        self.assertEqual(response.json()["errorType"], "Error")

    def test_unhandled_status_leaves_a_function_that_returns_alone(self):
        response = curl(self.gateway_for("echo", unhandled_status=412).url("/fn?a=1"))
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(response.json(), {"a": "1"})
        self.assertIsNone(response.header("X-Amz-Function-Error"))

    def test_event_invocation_is_202_with_no_body(self):
        response = curl(self.gateway_for("echo", invocation_type="Event").url("/fn?a=1"))
        self.assertEqual(response.status, 202, response.text)
        self.assertEqual(response.body, b"")
        entry = self.peers.last_entry()
        self.assertEqual(entry["headers"]["x-amz-invocation-type"], "Event")
        self.assertTrue(entry["verified"], entry)
        self.assertEqual(json.loads(entry["body"]), {"a": "1"})

    def test_dry_run_is_204_with_no_body(self):
        response = curl(self.gateway_for("echo", invocation_type="DryRun").url("/fn"))
        self.assertEqual(response.status, 204, response.text)
        self.assertEqual(response.body, b"")
        entry = self.peers.last_entry()
        self.assertEqual(entry["headers"]["x-amz-invocation-type"], "DryRun")
        self.assertTrue(entry["verified"], entry)

    def test_log_type_none_is_sent_and_no_log_comes_back(self):
        response = curl(self.gateway_for("echo", log_type="None").url("/fn"))
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(self.peers.last_entry()["headers"]["x-amz-log-type"], "None")
        self.assertIsNone(response.header("X-Amz-Log-Result"))

    def test_a_qualifier_is_sent_as_the_qualifier_query_parameter(self):
        response = curl(self.gateway_for("echo", qualifier="7").url("/fn"))
        self.assertEqual(response.status, 200, response.text)
        entry = self.peers.last_entry()
        self.assertEqual(entry["target"], "/2015-03-31/functions/echo/invocations?Qualifier=7")
        self.assertTrue(entry["verified"], entry)
        self.assertEqual(response.header("X-Amz-Executed-Version"), "7")

    def test_an_arn_with_an_alias_is_percent_encoded_and_its_signature_verifies(self):
        names = (f"{ARN}:live", "123456789012:function:echo:live", "echo:live")
        gateway = self.start_gateway(lambda_routes(*[
            route(f"fn{index}", [f"/fn{index}"], plugins=[self.lambda_plugin(name)])
            for index, name in enumerate(names)]))
        for index, name in enumerate(names):
            with self.subTest(function_name=name):
                self.peers.clear()
                response = curl(gateway.url(f"/fn{index}?a=1"))
                entry = self.peers.last_entry()
                encoded = name.replace(":", "%3A")
                self.assertEqual(entry["target"],
                                 f"/2015-03-31/functions/{encoded}/invocations", entry)
                self.assertTrue(entry["verified"], entry.get("message"))
                self.assertEqual((entry["function"], entry["qualifier"]), ("echo", "live"))
                self.assertEqual(response.status, 200, response.text)
                self.assertEqual(response.json(), {"a": "1"})

    def test_a_wrong_secret_is_rejected_by_lambda_and_is_a_500(self):
        response = curl(self.gateway_for("echo", aws_secret="not-the-secret").url("/fn"))
        self.assertEqual(response.status, 500, response.text)
        self.assertEqual(response.json()["message"], UNEXPECTED)
        entry = self.peers.last_entry()
        self.assertEqual((entry["status"], entry["errorType"]), (403, "InvalidSignatureException"))

    def test_an_unknown_function_is_a_500(self):
        response = curl(self.gateway_for("no-such-function").url("/fn"))
        self.assertEqual(response.status, 500, response.text)
        self.assertEqual(response.json()["message"], UNEXPECTED)
        entry = self.peers.last_entry()
        self.assertTrue(entry["verified"], entry)
        self.assertEqual(entry["status"], 404)

    def test_session_credentials_from_the_environment_are_signed_with_their_token(self):
        gateway = self.start_gateway_with_env(
            lambda_routes(route("fn", ["/fn"], plugins=[
                self.lambda_plugin("echo", aws_key=None, aws_secret=None)])),
            {"AWS_ACCESS_KEY_ID": SESSION_ACCESS_KEY,
             "AWS_SECRET_ACCESS_KEY": SESSION_SECRET_KEY,
             "AWS_SESSION_TOKEN": SESSION_TOKEN})
        response = curl(gateway.url("/fn?a=1"))
        entry = self.peers.last_entry()
        self.assertEqual(entry["headers"].get("x-amz-security-token"), SESSION_TOKEN)
        self.assertTrue(entry["verified"], entry.get("message"))
        self.assertEqual(entry["accessKeyId"], SESSION_ACCESS_KEY)
        self.assertIn("x-amz-security-token", entry["signedHeaders"])
        self.assertEqual(response.status, 200, response.text)
        self.assertNotIn(SESSION_SECRET_KEY, gateway.logs())
        self.assertNotIn(SESSION_TOKEN, gateway.logs())

    def test_a_body_over_the_invoke_limit_is_a_413_and_lambda_is_not_called(self):
        path = os.path.join(self.scratch_dir(), "body.json")
        with open(path, "wb") as f:
            f.write(b'{"pad":"' + b"x" * (7 * 1024 * 1024) + b'"}')
        gateway = self.gateway_for("echo", forward_request_body=True, skip_large_bodies=False)
        for framing in ([], ["-H", "Transfer-Encoding: chunked"]):
            response = curl(gateway.url("/fn"), "-H", "Content-Type: application/json",
                            *framing, "--data-binary", f"@{path}", timeout=30)
            self.assertEqual(response.status, 413, f"{framing}: {response.text[:300]}")
        self.assertEqual(self.peers.entries(), [])

    def test_a_body_under_the_invoke_limit_is_delivered_whole(self):
        path = os.path.join(self.scratch_dir(), "body.txt")
        data = b"y" * (SIX_MIB // 2)
        with open(path, "wb") as f:
            f.write(data)
        gateway = self.gateway_for("echo", forward_request_body=True, skip_large_bodies=False)
        response = curl(gateway.url("/fn"), "-H", "Content-Type: text/plain",
                        "--data-binary", f"@{path}", timeout=30)
        self.assertEqual(response.status, 200, response.text[:300])
        self.assertEqual(response.json()["request_body"], data.decode())


@needs_lambda_peers
class ProxyIntegrationTest(LambdaTestCase):
    def setUp(self):
        super().setUp()
        # One gateway with a route per function: /<function name>.
        self.gateway = self.start_gateway(lambda_routes(*[
            route(name, [f"/{name}"], plugins=[
                self.lambda_plugin(name, is_proxy_integration=True)])
            for name in PROXY_FUNCTIONS]))

    def call(self, function_name):
        return curl(self.gateway.url(f"/{function_name}"))

    def test_status_headers_and_body_come_from_the_function(self):
        response = self.call("proxy-created")
        self.assertEqual(response.status, 201, response.text)
        self.assertEqual(response.text, "created by the function")
        self.assertEqual(response.header("Content-Type"), "text/plain")
        self.assertEqual(response.header("X-Function"), "proxy-created")
        self.assertEqual(int(response.header("Content-Length")), len(response.body))
        self.assertEqual(response.header("x-amzn-RequestId"), self.peers.last_entry()["requestId"])

    def test_a_numeric_string_status_code_is_accepted(self):
        response = self.call("proxy-string-status")
        self.assertEqual(response.status, 202, response.text)
        self.assertEqual(response.text, "accepted")

    def test_a_base64_body_is_decoded(self):
        response = self.call("proxy-base64")
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(response.body, bytes([0x00, 0x01, 0xFE, 0xFF, 0x68, 0x69]))

    def test_multi_value_headers_are_repeated_lines_and_win_over_headers(self):
        response = self.call("proxy-multi-value")
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(response.header_values("X-Multi"), ["one", "two"])
        self.assertEqual(response.header_values("Set-Cookie"), ["a=1", "b=2"])
        self.assertEqual(response.header("X-Single"), "from-headers")
        self.assertEqual(response.text, "multi")

    def test_each_invalid_result_is_a_502_naming_the_rule(self):
        cases = [
            ("proxy-bad-status", "statusCode validation failed"),
            ("proxy-status-out-of-range", "statusCode validation failed"),
            ("proxy-bad-headers", "headers must be a table"),
            ("proxy-bad-body", "body must be a string"),
            ("proxy-bad-base64-flag", "isBase64Encoded must be a boolean"),
        ]
        for function_name, reason in cases:
            with self.subTest(function_name=function_name):
                response = self.call(function_name)
                self.assertEqual(response.status, 502, response.text)
                self.assertEqual(response.json(), bad_gateway(reason))

    def test_a_result_that_is_not_an_object_is_a_502(self):
        response = self.call("proxy-not-an-object")
        self.assertEqual(response.status, 502, response.text)
        answer = response.json()
        self.assertEqual(answer["message"], "Bad Gateway")
        self.assertTrue(answer["error"].startswith(
            "could not JSON decode Lambda function response: "), answer)


class ForwardProxy:
    """A tiny HTTP forward proxy on 127.0.0.1 (stdlib, a thread per connection): CONNECT opens a
    tunnel, an absolute-form request is forwarded in origin form with `Connection: close`. With
    `refuse` every request gets a 403. `requests` holds each request line and its
    Proxy-Authorization as received."""

    def __init__(self, refuse=False):
        proxy = self
        self.refuse = refuse
        self.requests = []

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                proxy._handle(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def _read_head(sock):
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            byte = sock.recv(1)
            if not byte:
                return None
            head += byte
        return head

    @staticmethod
    def _relay(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def _handle(self, client):
        head = self._read_head(client)
        if head is None:
            return
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ")
        headers = [line for line in lines[1:] if line]
        authorization = next((line.split(":", 1)[1].strip() for line in headers
                              if line.lower().startswith("proxy-authorization:")), None)
        self.requests.append({"line": lines[0], "proxy_authorization": authorization})
        if self.refuse:
            client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            parsed = urllib.parse.urlsplit(target)
            upstream = socket.create_connection((parsed.hostname, parsed.port or 80))
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            kept = [line for line in headers
                    if not line.lower().startswith(("proxy-authorization:", "connection:"))]
            upstream.sendall(("\r\n".join([f"{method} {path} {version}", *kept,
                                           "Connection: close", "", ""])).encode("latin-1"))
        back = threading.Thread(target=self._relay, args=(upstream, client), daemon=True)
        back.start()
        self._relay(client, upstream)
        back.join()
        upstream.close()


@needs_lambda_peers
class ProxyUrlTest(LambdaTestCase):
    """proxy_url: the Invoke call goes through an HTTP forward proxy (kong-behavior.md §5.1)."""

    def start_proxy(self, **options):
        proxy = ForwardProxy(**options)
        self.addCleanup(proxy.close)
        return proxy

    def test_a_plain_endpoint_is_called_in_absolute_form_through_the_proxy(self):
        proxy = self.start_proxy()
        gateway = self.start_gateway(lambda_routes(route("fn", ["/fn"], plugins=[
            self.lambda_plugin("echo", proxy_url=f"http://us%40er:p%3Ass@127.0.0.1:{proxy.port}")
        ])))
        response = curl(gateway.url("/fn?a=1"))
        self.assertEqual(response.status, 200, response.text)
        self.assertEqual(response.json(), {"a": "1"})
        self.assertEqual(proxy.requests[0]["line"],
                         f"POST http://127.0.0.1:{self.peers.port}"
                         "/2015-03-31/functions/echo/invocations HTTP/1.1")
        self.assertEqual(proxy.requests[0]["proxy_authorization"],
                         "Basic " + base64.b64encode(b"us@er:p:ss").decode())
        entry = self.peers.last_entry()
        self.assertEqual(entry["target"], "/2015-03-31/functions/echo/invocations")
        self.assertTrue(entry["verified"], entry.get("message"))
        self.assertNotIn("proxy-authorization", entry["headers"])
        self.assertNotIn("p:ss", gateway.logs())

    def test_a_proxy_that_refuses_connect_is_a_500_and_the_log_names_it(self):
        proxy = self.start_proxy(refuse=True)
        gateway = self.start_gateway(lambda_routes(route("fn", ["/fn"], plugins=[
            self.lambda_plugin("echo", host="lambda.invalid", port=443, disable_https=False,
                               proxy_url=f"http://user:hunter2@127.0.0.1:{proxy.port}")
        ])))
        response = curl(gateway.url("/fn"))
        self.assertEqual(response.status, 500, response.text)
        self.assertEqual(response.json()["message"], UNEXPECTED)
        self.assertEqual(proxy.requests[0]["line"], "CONNECT lambda.invalid:443 HTTP/1.1")
        logs = gateway.logs()
        self.assertIn(f"proxy 127.0.0.1:{proxy.port} refused CONNECT", logs)
        self.assertNotIn("hunter2", logs)
        self.assertNotIn(base64.b64encode(b"user:hunter2").decode(), logs)
        self.assertEqual(self.peers.entries(), [])

    def test_an_unreachable_proxy_is_a_500_and_the_log_names_it(self):
        proxy = self.start_proxy()
        port = proxy.port
        proxy.close()
        gateway = self.start_gateway(lambda_routes(route("fn", ["/fn"], plugins=[
            self.lambda_plugin("echo", proxy_url=f"http://127.0.0.1:{port}")])))
        response = curl(gateway.url("/fn"))
        self.assertEqual(response.status, 500, response.text)
        self.assertIn(f"could not connect to proxy 127.0.0.1:{port}", gateway.logs())
