"""The rate-limiting plugin against the real binary (kong-behavior.md §4): header sequences,
exactness under concurrency for the local and redis policies, gateways sharing one Redis, and
Redis going away and coming back. Redis cases start their own redis-server on a free port and
are skipped when it is not installed."""

import concurrent.futures
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import uuid

from harness import GatewayTestCase, curl, free_port, kong_config, route, service

REDIS_SERVER = shutil.which("redis-server")
needs_redis = unittest.skipUnless(REDIS_SERVER, "redis-server is not installed")


def align(period_s, min_left_s):
    """Waits for the next window when less than `min_left_s` remains of the current one."""
    left = period_s - time.time() % period_s
    if left < min_left_s:
        time.sleep(left + 0.02)


def get(port, path, headers=None):
    """One request on its own connection; returns (status, headers dict)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def burst(targets, total, headers=None):
    """Sends `total` requests at once, spread over `targets` [(port, path)]; returns statuses."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=total) as pool:
        futures = [pool.submit(get, *targets[i % len(targets)], headers) for i in range(total)]
        return [future.result()[0] for future in futures]


def rate_limited(name, paths, config):
    return route(name, paths, plugins=[{"name": "rate-limiting", "config": config}])


class Redis:
    """A throwaway redis-server (no persistence) on a free 127.0.0.1 port."""

    def __init__(self, *extra, tls=None):
        self.port = free_port()
        self.extra = list(extra)
        if tls is not None:
            # Later flags win: plain TCP off, TLS on the chosen port.
            self.extra += ["--port", "0", "--tls-port", str(self.port), "--tls-cert-file",
                           tls.server_pem, "--tls-key-file", tls.server_key,
                           "--tls-auth-clients", "no"]
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", *self.extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.02)
        raise AssertionError("redis-server did not start")

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def command(self, *args, db=0, password=None):
        """Runs one command (after AUTH/SELECT) and returns its decoded reply."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            reader = sock.makefile("rb")
            commands = ([("AUTH", password)] if password else []) + [("SELECT", str(db)), args]
            for command in commands:
                sock.sendall(_encode(command))
            replies = [_read_reply(reader) for _ in commands]
            return replies[-1]


def _encode(args):
    out = b"*%d\r\n" % len(args)
    for arg in args:
        data = str(arg).encode()
        out += b"$%d\r\n%s\r\n" % (len(data), data)
    return out


def _read_reply(reader):
    line = reader.readline().rstrip(b"\r\n")
    kind, rest = line[:1], line[1:]
    if kind in (b"+", b"-"):
        return rest.decode()
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        return None if size < 0 else reader.read(size + 2)[:-2].decode()
    if kind == b"*":
        return [_read_reply(reader) for _ in range(int(rest))]
    raise AssertionError(f"unexpected redis reply {line!r}")


class LocalPolicyTest(GatewayTestCase):
    def gateway(self, config, workers=1):
        return self.start_gateway(kong_config(
            service("echo", self.echo.url, [rate_limited("rl", ["/rl"], config)])),
            workers=workers)

    def test_headers_count_down_then_429_with_retry_after(self):
        gateway = self.gateway({"minute": 3, "limit_by": "ip"})
        align(60, 5)
        for remaining in ("2", "1", "0"):
            response = curl(gateway.url("/rl"))
            self.assertEqual(response.status, 200)
            self.assertEqual(response.header("X-RateLimit-Limit-Minute"), "3")
            self.assertEqual(response.header("X-RateLimit-Remaining-Minute"), remaining)
            self.assertEqual(response.header("RateLimit-Remaining"), remaining)
            self.assertTrue(1 <= int(response.header("RateLimit-Reset")) <= 60)
        before = self.echo.request_count
        response = curl(gateway.url("/rl"))
        self.assertEqual(response.status, 429)
        self.assertEqual(response.json()["message"], "API rate limit exceeded")
        self.assertEqual(response.header("X-RateLimit-Remaining-Minute"), "0")
        self.assertEqual(response.header("Retry-After"), response.header("RateLimit-Reset"))
        self.assertEqual(self.echo.request_count, before)

    def test_a_new_second_window_admits_again(self):
        gateway = self.gateway({"second": 2, "limit_by": "ip"})
        align(1, 0.6)
        self.assertEqual([get(gateway.proxy_port, "/rl")[0] for _ in range(3)], [200, 200, 429])
        time.sleep(1 - time.time() % 1 + 0.02)
        self.assertEqual(get(gateway.proxy_port, "/rl")[0], 200)

    def test_100_concurrent_requests_on_two_workers_admit_exactly_10(self):
        gateway = self.gateway({"hour": 10, "limit_by": "ip"}, workers=2)
        align(3600, 10)
        statuses = burst([(gateway.proxy_port, "/rl")], 100)
        self.assertEqual(statuses.count(200), 10)
        self.assertEqual(statuses.count(429), 90)

    def test_counters_survive_a_config_reload(self):
        config = kong_config(service("echo", self.echo.url, [
            rate_limited("rl", ["/rl"], {"hour": 2, "limit_by": "ip"})]))
        gateway = self.start_gateway(config)
        align(3600, 10)
        self.assertEqual([get(gateway.proxy_port, "/rl")[0] for _ in range(2)], [200, 200])
        response = curl(gateway.admin_url("/config"), "-X", "POST", "-H",
                        "Content-Type: application/json", "--data-binary",
                        json.dumps({"config": json.dumps(config)}))
        self.assertEqual(response.status, 201, response.text)
        self.assertEqual(get(gateway.proxy_port, "/rl")[0], 429)

    def test_limit_by_header_and_hidden_headers(self):
        gateway = self.gateway({"hour": 1, "limit_by": "header", "header_name": "X-App",
                                "hide_client_headers": True})
        align(3600, 10)
        status, headers = get(gateway.proxy_port, "/rl", {"X-App": "a"})
        self.assertEqual(status, 200)
        self.assertFalse([name for name in headers if "ratelimit" in name])
        self.assertEqual(get(gateway.proxy_port, "/rl", {"X-App": "a"})[0], 429)
        self.assertEqual(get(gateway.proxy_port, "/rl", {"X-App": "b"})[0], 200)


@needs_redis
class RedisPolicyTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.redis = Redis().start()
        self.addCleanup(self.redis.kill)

    def redis_config(self, fault_tolerant=True, **limits):
        return {**limits, "limit_by": "header", "header_name": "X-Client", "policy": "redis",
                "fault_tolerant": fault_tolerant,
                "redis": {"host": "127.0.0.1", "port": self.redis.port, "timeout": 500}}

    def gateway(self, config, workers=1):
        return self.start_gateway(kong_config(
            service("echo", self.echo.url, [rate_limited("rl", ["/rl"], config)])),
            workers=workers)

    def client(self):
        return {"X-Client": uuid.uuid4().hex}

    def test_headers_and_the_counter_in_redis(self):
        gateway = self.gateway(self.redis_config(minute=3))
        client = self.client()
        align(60, 5)
        remaining = [get(gateway.proxy_port, "/rl", client)[1].get("x-ratelimit-remaining-minute")
                     for _ in range(3)]
        self.assertEqual(remaining, ["2", "1", "0"])
        status, headers = get(gateway.proxy_port, "/rl", client)
        self.assertEqual(status, 429)
        self.assertEqual(headers["retry-after"], headers["ratelimit-reset"])
        keys = self.redis.command("KEYS", f"ratelimit:*:{client['X-Client']}:*:minute")
        self.assertEqual(len(keys), 1)
        self.assertEqual(self.redis.command("GET", keys[0]), "4")  # rejected requests count
        self.assertTrue(0 < self.redis.command("TTL", keys[0]) <= 60)

    def test_100_concurrent_requests_admit_exactly_10(self):
        gateway = self.gateway(self.redis_config(hour=10), workers=2)
        align(3600, 10)
        statuses = burst([(gateway.proxy_port, "/rl")], 100, self.client())
        self.assertEqual(statuses.count(200), 10)
        self.assertEqual(statuses.count(429), 90)

    def test_two_gateways_sharing_redis_admit_the_limit_together(self):
        config = self.redis_config(hour=10)
        first, second = self.gateway(config), self.gateway(config)
        align(3600, 10)
        client = self.client()
        statuses = burst([(first.proxy_port, "/rl"), (second.proxy_port, "/rl")], 60, client)
        self.assertEqual(statuses.count(200), 10)
        one_by_one = [get(gw.proxy_port, "/rl", client)[0] for gw in (first, second)]
        self.assertEqual(one_by_one, [429, 429])

    def test_redis_killed_fault_tolerant_passes_without_headers(self):
        gateway = self.gateway(self.redis_config(hour=100))
        client = self.client()
        status, headers = get(gateway.proxy_port, "/rl", client)
        self.assertEqual((status, headers.get("x-ratelimit-limit-hour")), (200, "100"))
        self.redis.kill()
        for _ in range(20):
            status, headers = get(gateway.proxy_port, "/rl", client)
            self.assertEqual(status, 200)
            self.assertFalse([name for name in headers if "ratelimit" in name])
        # One log line for the outage, not one per request.
        self.assertLessEqual(gateway.logs().count("failed to get usage"), 2)

    def test_redis_killed_not_fault_tolerant_answers_500(self):
        gateway = self.gateway(self.redis_config(fault_tolerant=False, hour=100))
        client = self.client()
        self.assertEqual(get(gateway.proxy_port, "/rl", client)[0], 200)
        self.redis.kill()
        response = curl(gateway.url("/rl"), "-H", f"X-Client: {client['X-Client']}")
        self.assertEqual(response.status, 500)
        self.assertEqual(response.json()["message"], "An unexpected error occurred")
        self.assertIsNone(response.header("X-RateLimit-Limit-Hour"))

    def test_redis_restarted_recovers_without_a_gateway_restart(self):
        gateway = self.gateway(self.redis_config(fault_tolerant=False, hour=100))
        client = self.client()
        self.assertEqual(get(gateway.proxy_port, "/rl", client)[0], 200)
        self.redis.kill()
        self.assertEqual(get(gateway.proxy_port, "/rl", client)[0], 500)
        self.redis.start()
        deadline = time.monotonic() + 5
        status = None
        while time.monotonic() < deadline:
            status, headers = get(gateway.proxy_port, "/rl", client)
            if status == 200:
                break
            time.sleep(0.1)
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("x-ratelimit-remaining-hour"), "99")  # a fresh Redis

    def test_auth_and_database(self):
        self.redis.kill()
        self.redis = Redis("--requirepass", "s3cret").start()
        self.addCleanup(self.redis.kill)
        config = self.redis_config(fault_tolerant=False, hour=5)
        config["redis"].update({"password": "s3cret", "database": 2})
        gateway = self.gateway(config)
        client = self.client()
        self.assertEqual(get(gateway.proxy_port, "/rl", client)[0], 200)
        pattern = f"ratelimit:*:{client['X-Client']}:*"
        self.assertEqual(len(self.redis.command("KEYS", pattern, db=2, password="s3cret")), 1)
        self.assertEqual(self.redis.command("KEYS", pattern, db=0, password="s3cret"), [])


@needs_redis
class RedisSyncRateTest(GatewayTestCase):
    """sync_rate > 0 (kong-behavior.md §4.4): counted in the gateway, pushed to Redis in batches."""

    def setUp(self):
        super().setUp()
        self.redis = Redis().start()
        self.addCleanup(self.redis.kill)

    def gateway(self, sync_rate, workers=1, **limits):
        config = {**limits, "limit_by": "header", "header_name": "X-Client", "policy": "redis",
                  "fault_tolerant": False, "sync_rate": sync_rate,
                  "redis": {"host": "127.0.0.1", "port": self.redis.port, "timeout": 500}}
        return self.start_gateway(kong_config(
            service("echo", self.echo.url, [rate_limited("rl", ["/rl"], config)])),
            workers=workers)

    def calls(self):
        """Redis commands run so far, by name (INFO commandstats)."""
        counts = {}
        for line in self.redis.command("INFO", "commandstats").splitlines():
            if line.startswith("cmdstat_"):
                name, stats = line[len("cmdstat_"):].split(":", 1)
                counts[name] = int(stats.split(",")[0].split("=")[1])
        return counts

    def counter(self, client):
        keys = self.redis.command("KEYS", f"ratelimit:*:{client['X-Client']}:*:hour")
        self.assertEqual(len(keys), 1)
        return self.redis.command("GET", keys[0])

    def test_requests_are_judged_without_a_redis_round_trip_each(self):
        gateway = self.gateway(0.3, workers=2, hour=100)
        client = {"X-Client": uuid.uuid4().hex}
        align(3600, 10)
        self.redis.command("CONFIG", "RESETSTAT")
        remaining = [get(gateway.proxy_port, "/rl", client)[1].get("x-ratelimit-remaining-hour")
                     for _ in range(20)]
        self.assertEqual(remaining, [str(99 - i) for i in range(20)])
        calls = self.calls()
        # One read of the counter per worker at most; no per-request script or INCR.
        self.assertLessEqual(calls.get("get", 0), 2)
        self.assertNotIn("evalsha", calls)
        self.assertNotIn("incr", calls)
        time.sleep(1)
        self.assertEqual(self.counter(client), "20")
        self.assertLessEqual(self.calls().get("incrby", 0), 4)

    def test_two_gateways_converge_on_the_shared_count_after_a_sync(self):
        first, second = self.gateway(0.2, hour=10), self.gateway(0.2, hour=10)
        client = {"X-Client": uuid.uuid4().hex}
        align(3600, 10)
        statuses = [get(first.proxy_port, "/rl", client)[0] for _ in range(4)]
        statuses += [get(second.proxy_port, "/rl", client)[0] for _ in range(3)]
        self.assertEqual(statuses, [200] * 7)
        time.sleep(1)
        self.assertEqual(self.counter(client), "7")
        status, headers = get(first.proxy_port, "/rl", client)
        self.assertEqual((status, headers.get("x-ratelimit-remaining-hour")), (200, "2"))
        self.assertEqual([get(first.proxy_port, "/rl", client)[0] for _ in range(3)],
                         [200, 200, 429])
        time.sleep(1)
        self.assertEqual(self.counter(client), "10")
        self.assertEqual(get(second.proxy_port, "/rl", client)[0], 429)

    def test_redis_down_keeps_counting_locally_and_catches_up(self):
        gateway = self.gateway(0.2, hour=100)
        client = {"X-Client": uuid.uuid4().hex}
        align(3600, 10)
        self.assertEqual(get(gateway.proxy_port, "/rl", client)[0], 200)
        self.redis.kill()
        self.assertEqual([get(gateway.proxy_port, "/rl", client)[0] for _ in range(3)],
                         [200] * 3)
        time.sleep(0.5)
        self.assertIn("failed to sync", gateway.logs())
        self.redis.start()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not self.redis.command(
                "KEYS", f"ratelimit:*:{client['X-Client']}:*"):
            time.sleep(0.1)
        # A fresh Redis: the deltas kept since the outage (and perhaps the first one) arrive.
        self.assertIn(self.counter(client), ("3", "4"))


@needs_redis
class RedisTlsTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.tls = self.tls_files()
        self.redis = Redis(tls=self.tls).start()
        self.addCleanup(self.redis.kill)

    def gateway(self, **redis):
        config = {"hour": 5, "limit_by": "ip", "policy": "redis", "fault_tolerant": False,
                  "redis": {"host": "127.0.0.1", "port": self.redis.port, "ssl": True, **redis}}
        return self.start_gateway(kong_config(
            service("echo", self.echo.url, [rate_limited("rl", ["/rl"], config)])))

    def test_tls_without_verification(self):
        status, headers = get(self.gateway().proxy_port, "/rl")
        self.assertEqual((status, headers.get("x-ratelimit-remaining-hour")), (200, "4"))

    def test_verification_rejects_an_untrusted_certificate(self):
        self.assertEqual(get(self.gateway(ssl_verify=True).proxy_port, "/rl")[0], 500)

    def test_verification_with_a_trusted_ca_and_server_name(self):
        previous = os.environ.get("SSL_CERT_FILE")
        os.environ["SSL_CERT_FILE"] = self.tls.ca_pem  # OpenSSL's default trust store
        try:
            gateway = self.gateway(ssl_verify=True, server_name="localhost")
        finally:
            if previous is None:
                del os.environ["SSL_CERT_FILE"]
            else:
                os.environ["SSL_CERT_FILE"] = previous
        self.assertEqual(get(gateway.proxy_port, "/rl")[0], 200)


if __name__ == "__main__":
    unittest.main()


REDIS_CLI = shutil.which("redis-cli")


@unittest.skipUnless(REDIS_SERVER and REDIS_CLI, "redis-server/redis-cli are not installed")
class RedisClusterPolicyTest(GatewayTestCase):
    """`redis.cluster_nodes`: a real three-node Redis Cluster (no replicas), one per test class.
    Each request's keys carry one hash tag, so they share a slot; different identifiers spread
    over the shards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.directory = tempfile.mkdtemp(prefix="portico-redis-cluster-")
        cls.nodes = []
        try:
            for index in range(3):
                config_file = os.path.join(cls.directory, f"nodes-{index}.conf")
                # The bus port defaults to port + 10000, which may not exist: pick one.
                cls.nodes.append(Redis("--cluster-enabled", "yes", "--cluster-config-file",
                                       config_file, "--cluster-port", str(free_port()),
                                       "--dir", cls.directory).start())
            subprocess.run([REDIS_CLI, "--cluster", "create",
                            *[f"127.0.0.1:{node.port}" for node in cls.nodes],
                            "--cluster-replicas", "0", "--cluster-yes"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while not all("cluster_state:ok" in node.command("CLUSTER", "INFO")
                          for node in cls.nodes):
                if time.monotonic() > deadline:
                    raise AssertionError("the redis cluster did not come up")
                time.sleep(0.05)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for node in cls.nodes:
            node.kill()
        shutil.rmtree(cls.directory, ignore_errors=True)
        super().tearDownClass()

    def gateway(self, seeds, workers=1, **settings):
        config = {"limit_by": "header", "header_name": "X-Client", "policy": "redis",
                  "fault_tolerant": False,
                  "redis": {"cluster_nodes": [{"ip": "127.0.0.1", "port": node.port}
                                              for node in seeds], "timeout": 500},
                  **settings}
        return self.start_gateway(kong_config(
            service("echo", self.echo.url, [rate_limited("rl", ["/rl"], config)])),
            workers=workers)

    def counters(self, client):
        """{node port: {key: value}} of the client's keys, from each node's own slots."""
        found = {}
        for node in self.nodes:
            for key in node.command("KEYS", f"ratelimit:*{client}*"):
                found.setdefault(node.port, {})[key] = node.command("GET", key)
        return found

    def test_limits_hold_for_identifiers_on_every_shard(self):
        gateway = self.gateway(self.nodes, workers=2, minute=3, hour=5)
        align(3600, 10)
        align(60, 5)
        shards = set()
        for client in [uuid.uuid4().hex for _ in range(8)]:
            statuses = [get(gateway.proxy_port, "/rl", {"X-Client": client})[0]
                        for _ in range(5)]
            self.assertEqual(statuses, [200, 200, 200, 429, 429])
            found = self.counters(client)
            # Both periods' keys of one identifier live on one node, tagged.
            self.assertEqual(len(found), 1, found)
            (keys,) = found.values()
            self.assertEqual(sorted(keys.values()), ["5", "5"])
            self.assertTrue(all(f":{client}}}:" in key and "ratelimit:{" in key for key in keys))
            shards.update(found)
        self.assertGreater(len(shards), 1)  # 8 random identifiers: all on one shard is rare

    def test_one_seed_node_is_enough(self):
        gateway = self.gateway(self.nodes[1:2], hour=4)
        align(3600, 10)
        clients = [uuid.uuid4().hex for _ in range(8)]
        shards = set()
        for client in clients:
            statuses = burst([(gateway.proxy_port, "/rl")], 10, {"X-Client": client})
            self.assertEqual(statuses.count(200), 4)
            shards.update(self.counters(client))
        self.assertGreater(len(shards), 1)

    def test_sync_rate_flushes_into_the_cluster(self):
        gateway = self.gateway(self.nodes[:1], workers=2, hour=100, sync_rate=0.2)
        align(3600, 10)
        clients = [uuid.uuid4().hex for _ in range(9)]
        for client in clients:
            for _ in range(7):
                self.assertEqual(get(gateway.proxy_port, "/rl", {"X-Client": client})[0], 200)
        time.sleep(0.8)
        shards = set()
        for client in clients:
            found = self.counters(client)
            self.assertEqual([list(keys.values()) for keys in found.values()], [["7"]])
            shards.update(found)
        self.assertGreater(len(shards), 1)
