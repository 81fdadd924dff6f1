"""WebSocket through the gateway (docs/architecture.md "Protocol upgrades"): the handshake is an
ordinary routed request (plugins apply, X-Forwarded-* are added, Upgrade is passed on); a 101
from the upstream turns both connections into a byte tunnel. Both ends are a real WebSocket
implementation: Debian's python3-websockets (10.x, asyncio API), installed by tools/setup."""

import asyncio
import base64
import http
import json
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import unittest

from harness import GatewayTestCase, RawConnection, curl, free_port, kong_config, route, service

try:
    import websockets
except ImportError:  # python3 is not Debian's interpreter: use the package tools/setup installed
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import websockets
    except ImportError:
        websockets = None

needs_websockets = unittest.skipUnless(websockets is not None,
                                       "needs python3-websockets (run tools/setup)")

MIB = 1 << 20
TIMEOUT_S = 10


class WebSocketUpstream:
    """A websockets server on its own thread and event loop. It records each handshake's path
    and headers and each connection's close code. Handlers, by path (after the gateway's
    strip_path):

      /echo...             sends every message back
      /chatter/<n>...      sends "push <i>" n times while it echoes "echo <message>"
      /close-on-message... closes with code 4000 on the first message
      /hold...             reads until the connection ends
      /refuse/<status>...  refuses the handshake with that status (body "refused")
    """

    def __init__(self, ssl_context=None):
        self._ssl = ssl_context
        self.handshakes = []
        self.closes = []
        self._closed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()
        self._server = None
        self.port = None

    def start(self):
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the WebSocket upstream did not start")
        return self

    def stop(self):
        async def shutdown():
            self._server.close()
            await self._server.wait_closed()
        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def url(self):
        scheme = "https" if self._ssl else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def wait_for_close(self, count=1, timeout=TIMEOUT_S):
        """The close codes of the first `count` connections that ended (None on timeout)."""
        with self._closed:
            if not self._closed.wait_for(lambda: len(self.closes) >= count, timeout):
                return None
            return list(self.closes)

    def _run(self):
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(websockets.serve(
            self._handle, "127.0.0.1", 0, process_request=self._process_request,
            max_size=None, ping_interval=None, ssl=self._ssl))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def _process_request(self, path, headers):
        self.handshakes.append((path, {name.lower(): value for name, value in headers.raw_items()}))
        if path.startswith("/refuse/"):
            status = int(path.split("/")[2])
            return http.HTTPStatus(status), [("X-Refused", "yes")], b"refused\n"
        return None

    async def _handle(self, ws):
        path = ws.path
        try:
            if path.startswith("/echo"):
                async for message in ws:
                    await ws.send(message)
            elif path.startswith("/chatter/"):
                await self._chatter(ws, int(path.split("/")[2]))
            elif path.startswith("/close-on-message"):
                await ws.recv()
                await ws.close(4000, "bye")
            else:
                async for _ in ws:
                    pass
        except websockets.ConnectionClosed:
            pass
        finally:
            await ws.wait_closed()
            with self._closed:
                self.closes.append(ws.close_code)
                self._closed.notify_all()

    @staticmethod
    async def _chatter(ws, count):
        async def push():
            for i in range(count):
                await ws.send(f"push {i}")

        async def echo():
            async for message in ws:
                await ws.send(f"echo {message}")

        pusher = asyncio.ensure_future(push())
        await echo()
        await pusher


class ScriptedUpstream:
    """Answers the first request on its port with `answer` (raw bytes), then echoes every byte
    it receives; records what it received."""

    def __init__(self, answer):
        self.answer = answer
        self.received = b""
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self._listener.close()
        self._thread.join(5)

    def _serve(self):
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        with conn:
            while b"\r\n\r\n" not in self.received:
                data = conn.recv(65536)
                if not data:
                    return
                self.received += data
            conn.sendall(self.answer)
            while data := conn.recv(65536):
                self.received += data
                conn.sendall(data)


def run(coroutine, timeout=TIMEOUT_S):
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


def connect(url, **options):
    return websockets.connect(url, max_size=None, ping_interval=None, open_timeout=5,
                              close_timeout=5, **options)


def handshake(path, extra_headers=""):
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET {path} HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra_headers}\r\n"
            ).encode()


def client_frame(payload, opcode=0x1):
    """One masked frame, as a client must send it (RFC 6455 §5.2); payload under 126 bytes."""
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


def read_server_frame(conn):
    """(opcode, payload) of one unmasked frame with a payload under 126 bytes."""
    first, second = struct.unpack("!BB", conn._read_exact(2))
    return first & 0x0F, conn._read_exact(second & 0x7F)


@needs_websockets
class WebSocketTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.ws = WebSocketUpstream().start()
        self.addCleanup(self.ws.stop)

    def gateway_for(self, path, read_timeout=None, plugins=None, **conf):
        fields = {"read_timeout": read_timeout} if read_timeout else {}
        ws_route = route("ws", ["/ws"], strip_path=True, plugins=plugins or [])
        return self.start_gateway(kong_config(
            service("ws", self.ws.url + path, [ws_route], **fields),
            service("plain", self.echo.url, [route("plain", ["/plain"])]),
            **conf.pop("top_level", {})), conf=conf or None)

    def ws_url(self, gateway, path):
        return f"ws://127.0.0.1:{gateway.proxy_port}{path}"

    def test_text_and_binary_messages_are_echoed_through_a_strip_path_route(self):
        gateway = self.gateway_for("/echo")

        async def session():
            async with connect(self.ws_url(gateway, "/ws/room?x=1")) as ws:
                await ws.send("hello")
                text = await ws.recv()
                await ws.send(bytes(range(256)))
                binary = await ws.recv()
                return text, binary
        self.assertEqual(run(session()), ("hello", bytes(range(256))))
        self.assertEqual(self.ws.handshakes[0][0], "/echo/room?x=1")

    def test_a_1_mib_message_crosses_both_ways(self):
        gateway = self.gateway_for("/echo")
        message = os.urandom(MIB)

        async def session():
            async with connect(self.ws_url(gateway, "/ws")) as ws:
                await ws.send(message)
                return await ws.recv()
        self.assertEqual(run(session()), message)

    def test_many_messages_flow_both_ways_at_once(self):
        count = 2000
        gateway = self.gateway_for(f"/chatter/{count}")

        async def session():
            async with connect(self.ws_url(gateway, "/ws")) as ws:
                async def send():
                    for i in range(count):
                        await ws.send(f"m{i}" * 50)
                sender = asyncio.ensure_future(send())
                pushes, echoes = [], []
                while len(pushes) < count or len(echoes) < count:
                    message = await ws.recv()
                    (pushes if message.startswith("push ") else echoes).append(message)
                await sender
                return pushes, echoes
        pushes, echoes = run(session(), timeout=30)
        self.assertEqual(pushes, [f"push {i}" for i in range(count)])
        self.assertEqual(echoes, [f"echo {f'm{i}' * 50}" for i in range(count)])

    def test_the_101_carries_the_upgrade_headers_and_the_handshake_is_logged_once(self):
        log_path = os.path.join(self.scratch_dir(), "access.log")
        gateway = self.gateway_for("/echo", proxy_access_log=log_path)
        with RawConnection(gateway.proxy_port) as conn:
            conn.send(handshake("/ws"))
            head = conn.read_head()
        self.assertEqual(head.status, 101)
        self.assertEqual(head.header("Upgrade"), "websocket")
        self.assertEqual(head.header("Connection"), "upgrade")
        self.assertIsNotNone(head.header("Sec-WebSocket-Accept"))
        self.assertIsNone(head.header("Content-Length"))
        self.assertIsNone(head.header("Transfer-Encoding"))
        deadline = time.monotonic() + 5
        lines = []
        while time.monotonic() < deadline and not lines:
            time.sleep(0.1)
            if os.path.exists(log_path):
                with open(log_path, encoding="utf-8") as f:
                    lines = [json.loads(line) for line in f if line.strip()]
        self.assertEqual([(line["status"], line["path"]) for line in lines], [(101, "/ws")])
        self.assertEqual(lines[0]["upstream_status"], 101)

    def test_a_frame_sent_along_with_the_handshake_reaches_the_upstream(self):
        gateway = self.gateway_for("/echo")
        with RawConnection(gateway.proxy_port) as conn:
            conn.send(handshake("/ws") + client_frame(b"eager"))
            self.assertEqual(conn.read_head().status, 101)
            self.assertEqual(read_server_frame(conn), (0x1, b"eager"))

    def test_a_client_close_closes_the_upstream_side(self):
        gateway = self.gateway_for("/hold")

        async def session():
            async with connect(self.ws_url(gateway, "/ws")) as ws:
                await ws.send("hi")
                await ws.close(4001, "done")
        run(session())
        self.assertEqual(self.ws.wait_for_close(), [4001])

    def test_a_client_that_drops_its_connection_ends_the_upstream_connection(self):
        gateway = self.gateway_for("/hold")
        with RawConnection(gateway.proxy_port) as conn:
            conn.send(handshake("/ws"))
            self.assertEqual(conn.read_head().status, 101)
        self.assertEqual(self.ws.wait_for_close(), [1006])

    def test_an_upstream_close_closes_the_client(self):
        gateway = self.gateway_for("/close-on-message")

        async def session():
            async with connect(self.ws_url(gateway, "/ws")) as ws:
                await ws.send("bye?")
                try:
                    await ws.recv()
                except websockets.ConnectionClosed as closed:
                    return closed.rcvd.code, closed.rcvd.reason
                return None
        self.assertEqual(run(session()), (4000, "bye"))

    def test_a_refused_handshake_is_an_ordinary_response_on_a_connection_that_stays_usable(self):
        gateway = self.gateway_for("/refuse")
        for status in (403, 200):
            with self.subTest(status=status):
                with RawConnection(gateway.proxy_port) as conn:
                    conn.send(handshake(f"/ws/{status}") + b"GET /plain/after HTTP/1.1\r\n"
                              b"Host: gw\r\n\r\n")
                    refused = conn.read_response()
                    self.assertEqual(refused.status, status)
                    self.assertEqual(refused.body, b"refused\n")
                    self.assertEqual(refused.header("X-Refused"), "yes")
                    self.assertIsNone(refused.header("Upgrade"))
                    after = conn.read_response()
                    self.assertEqual(after.status, 200)
                    self.assertEqual(after.json()["uri"], "/after")

    def test_the_websocket_client_sees_the_refusal_status(self):
        gateway = self.gateway_for("/refuse")

        async def session():
            async with connect(self.ws_url(gateway, "/ws/403")):
                pass
        with self.assertRaises(websockets.exceptions.InvalidStatusCode) as raised:
            run(session())
        self.assertEqual(raised.exception.status_code, 403)

    def test_a_jwt_protected_route_refuses_a_handshake_without_a_token(self):
        gateway = self.gateway_for(
            "/echo", plugins=[{"name": "jwt"}],
            top_level={"consumers": [{"username": "alice", "jwt_secrets": [
                {"key": "alice-key", "secret": "alice-secret"}]}]})

        async def session():
            async with connect(self.ws_url(gateway, "/ws")):
                pass
        with self.assertRaises(websockets.exceptions.InvalidStatusCode) as raised:
            run(session())
        self.assertEqual(raised.exception.status_code, 401)
        self.assertEqual(self.ws.handshakes, [])

    def test_a_jwt_protected_route_tunnels_a_handshake_with_a_valid_token(self):
        from test_jwt import NODE, LIBRARIES, mint
        if not (NODE and LIBRARIES):
            self.skipTest("needs node and test/integration/node_modules (run tools/setup)")
        gateway = self.gateway_for(
            "/echo", plugins=[{"name": "jwt"}],
            top_level={"consumers": [{"username": "alice", "jwt_secrets": [
                {"key": "alice-key", "secret": "alice-secret"}]}]})
        token = mint(("HS256", "alice-secret", {"iss": "alice-key"}))

        async def session():
            async with connect(self.ws_url(gateway, "/ws"),
                               extra_headers={"Authorization": f"Bearer {token}"}) as ws:
                await ws.send("authorised")
                return await ws.recv()
        self.assertEqual(run(session()), "authorised")
        self.assertEqual(self.ws.handshakes[0][1]["x-consumer-username"], "alice")

    def test_the_handshake_arrives_with_forwarded_headers_and_the_upgrade(self):
        gateway = self.gateway_for("/echo")

        async def session():
            async with connect(self.ws_url(gateway, "/ws/chat")) as ws:
                await ws.send("x")
                await ws.recv()
        run(session())
        headers = self.ws.handshakes[0][1]
        self.assertEqual(headers["x-forwarded-for"], "127.0.0.1")
        self.assertEqual(headers["x-real-ip"], "127.0.0.1")
        self.assertEqual(headers["x-forwarded-proto"], "http")
        self.assertEqual(headers["x-forwarded-host"], "127.0.0.1")
        self.assertEqual(headers["x-forwarded-port"], str(gateway.proxy_port))
        self.assertEqual(headers["x-forwarded-path"], "/ws/chat")
        self.assertEqual(headers["x-forwarded-prefix"], "/ws")
        self.assertEqual(headers["upgrade"], "websocket")
        self.assertEqual(headers["connection"], "keep-alive, Upgrade")
        self.assertIn("sec-websocket-key", headers)

    def test_an_idle_tunnel_closes_after_the_services_read_timeout(self):
        gateway = self.gateway_for("/echo", read_timeout=600)

        async def session():
            async with connect(self.ws_url(gateway, "/ws")) as ws:
                # Traffic keeps it open past the timeout...
                for _ in range(6):
                    await asyncio.sleep(0.2)
                    await ws.send("ping")
                    await ws.recv()
                # ...and silence ends it.
                started = time.monotonic()
                try:
                    await ws.recv()
                except websockets.ConnectionClosed:
                    return time.monotonic() - started
                return None
        idle = run(session())
        self.assertIsNotNone(idle)
        self.assertGreater(idle, 0.4)
        self.assertLess(idle, 3)

    def test_an_open_tunnel_is_closed_at_the_drain_timeout(self):
        gateway = self.gateway_for("/echo", drain_timeout="1s")
        with RawConnection(gateway.proxy_port, timeout=10) as conn:
            conn.send(handshake("/ws"))
            self.assertEqual(conn.read_head().status, 101)
            started = time.monotonic()
            gateway.send_signal(signal.SIGTERM)
            conn.send(client_frame(b"still open"))
            self.assertEqual(read_server_frame(conn), (0x1, b"still open"))
            self.assertTrue(conn.is_closed(timeout=8))
            self.assertGreater(time.monotonic() - started, 0.8)
        self.assertEqual(gateway.wait(10), 0)

    def test_wss_through_a_tls_listener_to_a_tls_upstream(self):
        files = self.tls_files()
        tls_upstream = WebSocketUpstream(files.server_context()).start()
        self.addCleanup(tls_upstream.stop)
        tls_port = free_port()
        self.start_gateway(
            kong_config(service("wss", tls_upstream.url + "/echo", [route("wss", ["/wss"])])),
            conf={"proxy_listen": f"127.0.0.1:{free_port()}, 127.0.0.1:{tls_port} ssl",
                  "ssl_cert": files.server_pem, "ssl_cert_key": files.server_key})
        client_tls = ssl.create_default_context(cafile=files.ca_pem)
        message = os.urandom(MIB)

        async def session():
            async with connect(f"wss://localhost:{tls_port}/wss", ssl=client_tls) as ws:
                await ws.send(message)
                return await ws.recv()
        self.assertEqual(run(session()), message)
        self.assertEqual(tls_upstream.handshakes[0][1]["x-forwarded-proto"], "https")


@needs_websockets
class BalancedWebSocketTest(GatewayTestCase):
    """A WebSocket over an upstream of targets: an open tunnel counts for least-connections
    until it closes, as Kong counts the connection until its log phase."""

    def test_an_open_tunnel_keeps_least_connections_away_from_its_target(self):
        targets = [WebSocketUpstream().start() for _ in range(2)]
        for target in targets:
            self.addCleanup(target.stop)
        gateway = self.start_gateway(kong_config(
            service("ws", "http://backend/hold", [route("ws", ["/ws"], strip_path=True)],
                    retries=0),
            upstreams=[{"name": "backend", "algorithm": "least-connections",
                        "targets": [{"target": f"127.0.0.1:{t.port}"} for t in targets]}]))

        async def while_a_tunnel_is_open():
            async with connect(f"ws://127.0.0.1:{gateway.proxy_port}/ws"):
                held = next(t for t in targets if t.handshakes)
                other = next(t for t in targets if t is not held)
                before = len(other.handshakes)
                # Plain requests (the target answers them with an error): each finishes before the
                # next, so only the tunnel's count tells the targets apart.
                for _ in range(4):
                    await asyncio.get_running_loop().run_in_executor(
                        None, curl, gateway.url("/ws/plain"))
                return len(held.handshakes), len(other.handshakes) - before
        self.assertEqual(run(while_a_tunnel_is_open()), (1, 4))


class ScriptedUpstreamTest(GatewayTestCase):
    """Upstreams that answer with exact bytes."""

    def gateway_for(self, answer):
        upstream = ScriptedUpstream(answer)
        self.addCleanup(upstream.stop)
        return upstream, self.start_gateway(kong_config(
            service("s", upstream.url, [route("r", ["/"])], retries=0)))

    def test_bytes_the_upstream_sends_with_its_101_reach_the_client_after_it(self):
        upstream, gateway = self.gateway_for(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"\r\n\x81\x05early")
        with RawConnection(gateway.proxy_port) as conn:
            conn.send(handshake("/"))
            self.assertEqual(conn.read_head().status, 101)
            self.assertEqual(read_server_frame(conn), (0x1, b"early"))
            conn.send(b"raw bytes")
            self.assertEqual(conn._read_exact(9), b"raw bytes")

    def test_a_101_to_a_request_that_asked_for_no_upgrade_is_a_bad_gateway(self):
        _, gateway = self.gateway_for(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"\r\n")
        with RawConnection(gateway.proxy_port) as conn:
            conn.send(b"GET / HTTP/1.1\r\nHost: gw\r\n\r\n")
            self.assertEqual(conn.read_response().status, 502)


class UpgradesThatAreNotTunnelledTest(GatewayTestCase):
    """Only a WebSocket handshake (HTTP/1.1 GET) is tunnelled, as Kong passes Upgrade only for
    websocket; h2c and HTTP/1.0 go as ordinary requests without their Upgrade."""

    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(kong_config(
            service("plain", self.echo.url, [route("plain", ["/"])])))

    def test_an_h2c_upgrade_is_sent_as_a_plain_request_and_the_connection_stays_http(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(b"GET /h2c HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                      b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
                      b"GET /next HTTP/1.1\r\nHost: gw\r\n\r\n")
            first = conn.read_response()
            second = conn.read_response()
        self.assertEqual(first.status, 200)
        sent = {name.lower() for name, _ in self.echo.requests[0].header_list}
        self.assertFalse(sent & {"upgrade", "http2-settings"}, sent)
        self.assertEqual(second.json()["uri"], "/next")

    def test_an_http_1_0_websocket_handshake_is_sent_as_a_plain_request(self):
        with RawConnection(self.gateway.proxy_port) as conn:
            conn.send(handshake("/old").replace(b"HTTP/1.1", b"HTTP/1.0"))
            response = conn.read_response()
        self.assertEqual(response.status, 200)
        self.assertNotIn("upgrade", self.echo.last_request().headers)
        self.assertEqual(self.echo.last_request().headers["connection"], "keep-alive")


if __name__ == "__main__":
    unittest.main()
