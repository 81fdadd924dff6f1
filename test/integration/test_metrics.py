"""GET /metrics (Prometheus text format, Kong's prometheus exporter names under `portico_`) and
GET /status/ready on the admin and status listeners, against a known mix of requests: exact
counter values and histogram counts after it, scraped and parsed."""

import math
import re
import socket
import unittest

from harness import GatewayTestCase, curl, free_port, kong_config, route, service
from hybrid import HybridTestCase, http_request, wait_until
from test_jwt import mint

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')
UNESCAPE = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


class Metrics:
    """A parsed exposition page: samples by name and label set, and each family's TYPE."""

    def __init__(self, text):
        self.text = text
        self.types = {}
        self.samples = {}
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                _, _, name, kind = line.split(" ")
                self.types[name] = kind
            elif line.startswith("#") or not line:
                continue
            else:
                name, labels, value = self._parse_sample(line)
                self.samples[(name, labels)] = float(value)

    @staticmethod
    def _parse_sample(line):
        match = SAMPLE.match(line)
        if match is None:
            raise AssertionError(f"not a sample line: {line!r}")
        name, raw_labels, value = match.groups()
        labels = []
        rest = raw_labels or ""
        while rest:
            label = LABEL.match(rest)
            if label is None:
                raise AssertionError(f"bad labels in {line!r}")
            value_text = re.sub(r"\\[\\\"n]", lambda m: UNESCAPE[m.group(0)], label.group(2))
            labels.append((label.group(1), value_text))
            rest = rest[label.end():]
        return name, frozenset(labels), value

    def value(self, name, **labels):
        return self.samples.get((name, frozenset(labels.items())))

    def series(self, name):
        """[(labels dict, value)] of one sample name."""
        return [(dict(labels), value) for (n, labels), value in self.samples.items() if n == name]

    def buckets(self, name, **labels):
        """The cumulative (le, count) pairs of one histogram series, in page order."""
        out = []
        for line in self.text.splitlines():
            if not line.startswith(name + "_bucket{"):
                continue
            sample_name, sample_labels, value = self._parse_sample(line)
            fields = dict(sample_labels)
            le = fields.pop("le")
            if fields == labels:
                out.append((le, float(value)))
        return out


def scrape(port):
    response = curl(f"http://127.0.0.1:{port}/metrics")
    if response.status != 200:
        raise AssertionError(f"GET /metrics answered {response.status}: {response.text[:200]}")
    return response, Metrics(response.text)


def raw_exchange(port, request):
    """Sends `request` (which asks to close) and returns every byte of the response."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while True:
            piece = sock.recv(65536)
            if not piece:
                return data
            data += piece


class MetricsTest(GatewayTestCase):
    """One gateway, two routes to the echo upstream, one to a dead upstream."""

    def setUp(self):
        super().setUp()
        self.status_port = free_port()
        self.gateway = self.start_gateway(
            kong_config(
                service("echo", self.echo.url, [route("alpha", ["/alpha"]),
                                                route("beta", ["/beta"])]),
                service("dead", f"http://127.0.0.1:{self.closed_port()}",
                        [route("down", ["/down"])], retries=0)),
            conf={"status_listen": f"127.0.0.1:{self.status_port}"})

    def send_known_mix(self):
        for _ in range(3):
            self.assertEqual(curl(self.gateway.url("/alpha")).status, 200)
        for _ in range(2):
            self.assertEqual(curl(self.gateway.url("/beta/x")).status, 200)
        self.assertEqual(curl(self.gateway.url("/nope")).status, 404)
        self.assertEqual(curl(self.gateway.url("/down")).status, 502)

    def scrape_after(self, total_requests):
        """Scrapes until every request is counted (a worker records a request just after its
        last byte leaves, so a scrape may run a moment ahead of it)."""
        def counted():
            _, metrics = scrape(self.gateway.admin_port)
            requests = sum(v for _, v in metrics.series("portico_http_requests_total"))
            return requests >= total_requests
        self.assertTrue(wait_until(counted, 5.0), "requests never all counted")
        return scrape(self.gateway.admin_port)

    def test_requests_are_counted_by_service_route_code_and_source(self):
        self.send_known_mix()
        response, metrics = self.scrape_after(7)
        self.assertEqual(response.header("Content-Type"), CONTENT_TYPE)
        self.assertEqual(metrics.types["portico_http_requests_total"], "counter")
        requests = "portico_http_requests_total"
        self.assertEqual(metrics.value(requests, service="echo", route="alpha", code="200",
                                       source="service", consumer=""), 3)
        self.assertEqual(metrics.value(requests, service="echo", route="beta", code="200",
                                       source="service", consumer=""), 2)
        self.assertEqual(metrics.value(requests, service="", route="", code="404", source="kong",
                                       consumer=""), 1)
        self.assertEqual(metrics.value(requests, service="dead", route="down", code="502",
                                       source="kong", consumer=""), 1)
        self.assertEqual(len(metrics.series(requests)), 4)
        self.assertEqual(metrics.value("portico_nginx_requests_total",
                                       node_id=self.node_id(), subsystem="http"), 7)

    def test_latency_histograms_count_each_request_in_cumulative_buckets(self):
        self.send_known_mix()
        _, metrics = self.scrape_after(7)
        for name in ("portico_request_latency_ms", "portico_upstream_latency_ms",
                     "portico_kong_latency_ms"):
            self.assertEqual(metrics.types[name], "histogram")
        expected_requests = {("echo", "alpha"): 3, ("echo", "beta"): 2, ("dead", "down"): 1,
                             ("", ""): 1}
        for (svc, rte), count in expected_requests.items():
            with self.subTest(service=svc, route=rte):
                for name in ("portico_request_latency_ms", "portico_kong_latency_ms"):
                    self.assertEqual(metrics.value(name + "_count", service=svc, route=rte), count)
                    buckets = metrics.buckets(name, service=svc, route=rte)
                    counts = [value for _, value in buckets]
                    self.assertEqual(counts, sorted(counts), "buckets must be cumulative")
                    self.assertEqual(buckets[-1], ("+Inf", count))
                    self.assertIsNotNone(metrics.value(name + "_sum", service=svc, route=rte))
        # Kong's buckets: 25 ms up to 60 s for request and upstream latency, 1 ms up to 1 s for
        # the gateway's own.
        les = [le for le, _ in metrics.buckets("portico_request_latency_ms", service="echo",
                                               route="alpha")]
        self.assertEqual(les, ["25", "50", "80", "100", "250", "400", "700", "1000", "2000",
                               "5000", "10000", "30000", "60000", "+Inf"])
        les = [le for le, _ in metrics.buckets("portico_kong_latency_ms", service="echo",
                                               route="alpha")]
        self.assertEqual(les[0], "1")
        self.assertEqual(les[-2:], ["1000", "+Inf"])
        # Only the requests an upstream answered have an upstream latency.
        self.assertEqual(metrics.value("portico_upstream_latency_ms_count", service="echo",
                                       route="alpha"), 3)
        self.assertEqual(metrics.value("portico_upstream_latency_ms_count", service="echo",
                                       route="beta"), 2)
        self.assertIsNone(metrics.value("portico_upstream_latency_ms_count", service="dead",
                                        route="down"))

    def test_bandwidth_counts_request_and_response_bytes(self):
        request = b"GET /beta/bytes HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"
        response = raw_exchange(self.gateway.proxy_port, request)
        self.assertTrue(response.startswith(b"HTTP/1.1 200"), response[:100])
        _, metrics = self.scrape_after(1)
        self.assertEqual(metrics.types["portico_bandwidth_bytes"], "counter")
        self.assertEqual(metrics.value("portico_bandwidth_bytes", service="echo", route="beta",
                                       direction="ingress", consumer=""), len(request))
        self.assertEqual(metrics.value("portico_bandwidth_bytes", service="echo", route="beta",
                                       direction="egress", consumer=""), len(response))

    def test_connections_and_config_gauges(self):
        self.send_known_mix()
        _, metrics = self.scrape_after(7)
        node_id = self.node_id()
        connections = "portico_nginx_connections_total"
        self.assertEqual(metrics.value(connections, node_id=node_id, subsystem="http",
                                       state="accepted"), 7)
        self.assertEqual(metrics.value(connections, node_id=node_id, subsystem="http",
                                       state="handled"), 7)
        self.assertEqual(metrics.value(connections, node_id=node_id, subsystem="http",
                                       state="total"), 7)
        self.assertIsNotNone(metrics.value(connections, node_id=node_id, subsystem="http",
                                           state="active"))
        config_hash = curl(self.gateway.admin_url("/status")).json()["configuration_hash"]
        self.assertTrue(math.isclose(metrics.value("portico_config_hash"),
                                     int(config_hash, 16), rel_tol=1e-12))
        self.assertEqual(metrics.value("portico_config_version"), 1)
        self.assertGreater(metrics.value("portico_config_last_reload_timestamp_seconds"), 1.6e9)
        self.assertEqual(metrics.value("portico_node_info", node_id=node_id, version="0.1.0"), 1)
        self.assertEqual(metrics.value("portico_datastore_reachable"), 1)

    def test_every_family_has_help_and_type_before_its_samples(self):
        self.send_known_mix()
        response, metrics = self.scrape_after(7)
        declared = set()
        for line in response.text.splitlines():
            if line.startswith("# HELP "):
                declared.add(line.split(" ")[2])
            elif line and not line.startswith("#"):
                name = SAMPLE.match(line).group(1)
                family = name
                if name not in metrics.types:
                    family = re.sub(r"_(bucket|sum|count)$", "", name)
                    self.assertEqual(metrics.types.get(family), "histogram", line)
                self.assertIn(family, declared, line)

    def test_the_status_listener_serves_status_ready_and_metrics_only(self):
        self.send_known_mix()
        self.scrape_after(7)
        response, metrics = scrape(self.status_port)
        self.assertEqual(response.header("Content-Type"), CONTENT_TYPE)
        self.assertEqual(metrics.value("portico_http_requests_total", service="echo",
                                       route="alpha", code="200", source="service",
                                       consumer=""), 3)
        ready = curl(f"http://127.0.0.1:{self.status_port}/status/ready")
        self.assertEqual((ready.status, ready.json()), (200, {"message": "ready"}))
        self.assertEqual(curl(f"http://127.0.0.1:{self.status_port}/status").status, 200)
        for path in ("/", "/services", "/config", "/routes/alpha"):
            self.assertEqual(curl(f"http://127.0.0.1:{self.status_port}{path}").status, 404, path)
        self.assertEqual(curl(f"http://127.0.0.1:{self.status_port}/config", "-X", "POST",
                              "--data", "x").status, 404)

    def test_ready_on_the_admin_listener_once_started(self):
        ready = curl(self.gateway.admin_url("/status/ready"))
        self.assertEqual((ready.status, ready.json()), (200, {"message": "ready"}))

    def node_id(self):
        return curl(self.gateway.admin_url("/")).json()["node_id"]


class PerConsumerMetricsTest(GatewayTestCase):
    """Kong's prometheus plugin in a user's kong.yml: accepted, and its per_consumer labels the
    requests it covers with the authenticated consumer, also when a later plugin rejected them."""

    def test_a_per_consumer_prometheus_plugin_labels_its_routes_requests(self):
        jwt = {"name": "jwt"}
        per_consumer = {"name": "prometheus", "config": {"per_consumer": True}}
        one_a_minute = {"name": "rate-limiting", "config": {"minute": 1}}
        gateway = self.start_gateway(kong_config(
            service("echo", self.echo.url, [route("alpha", ["/alpha"],
                                                  plugins=[jwt, per_consumer, one_a_minute]),
                                            route("beta", ["/beta"], plugins=[jwt])]),
            consumers=[{"username": "alice",
                        "jwt_secrets": [{"key": "alice-key", "secret": "alice-secret"}]}]))
        token = mint(("HS256", "alice-secret", {"iss": "alice-key"}))
        bearer = ("-H", f"Authorization: Bearer {token}")
        self.assertEqual(curl(gateway.url("/alpha"), *bearer).status, 200)
        self.assertEqual(curl(gateway.url("/alpha"), *bearer).status, 429)
        self.assertEqual(curl(gateway.url("/beta"), *bearer).status, 200)
        self.assertEqual(curl(gateway.url("/alpha")).status, 401)

        def counted():
            _, metrics = scrape(gateway.admin_port)
            return sum(v for _, v in metrics.series("portico_http_requests_total")) >= 4
        self.assertTrue(wait_until(counted, 5.0), "requests never all counted")
        _, metrics = scrape(gateway.admin_port)
        requests = "portico_http_requests_total"
        self.assertEqual(metrics.value(requests, service="echo", route="alpha", code="200",
                                       source="service", consumer="alice"), 1)
        self.assertEqual(metrics.value(requests, service="echo", route="alpha", code="429",
                                       source="kong", consumer="alice"), 1)
        self.assertEqual(metrics.value(requests, service="echo", route="beta", code="200",
                                       source="service", consumer=""), 1)
        self.assertEqual(metrics.value(requests, service="echo", route="alpha", code="401",
                                       source="kong", consumer=""), 1)


class MultiWorkerMetricsTest(GatewayTestCase):
    def test_counts_from_every_worker_add_up(self):
        gateway = self.start_gateway(
            kong_config(service("echo", self.echo.url, [route("all", ["/"])])), workers=2)
        for _ in range(20):
            self.assertEqual(curl(gateway.url("/")).status, 200)

        def counted():
            _, metrics = scrape(gateway.admin_port)
            return metrics.value("portico_http_requests_total", service="echo", route="all",
                                 code="200", source="service", consumer="") == 20
        self.assertTrue(wait_until(counted, 5.0))
        _, metrics = scrape(gateway.admin_port)
        self.assertEqual(metrics.value("portico_request_latency_ms_count", service="echo",
                                       route="all"), 20)


class ReadinessTest(GatewayTestCase):
    def test_an_empty_config_is_not_ready_until_one_is_posted(self):
        gateway = self.start_gateway(kong_config())
        not_ready = curl(gateway.admin_url("/status/ready"))
        self.assertEqual(not_ready.status, 503)
        self.assertEqual(not_ready.json(),
                         {"message": "no configuration available (empty configuration present)"})
        posted = curl(gateway.admin_url("/config"), "-H", "Content-Type: application/json",
                      "--data", '{"_format_version": "3.0", "services": [{"name": "s", '
                      '"url": "http://127.0.0.1:1", "routes": [{"paths": ["/"]}]}]}')
        self.assertEqual(posted.status, 201, posted.text)
        ready = curl(gateway.admin_url("/status/ready"))
        self.assertEqual((ready.status, ready.json()), (200, {"message": "ready"}))
        _, metrics = scrape(gateway.admin_port)
        # The empty kong.yml at start, then the posted config.
        self.assertEqual(metrics.value("portico_config_version"), 2)


class HybridReadinessTest(HybridTestCase):
    def test_a_data_plane_without_its_control_plane_is_not_ready(self):
        dp = self.start_data_plane(None, address=f"127.0.0.1:{self.closed_port()}", workers=1)
        status, body = http_request(dp.admin_port, "GET", "/status/ready")
        self.assertEqual(status, 503)
        self.assertIn(b"no configuration available", body)
        _, metrics = scrape(dp.admin_port)
        self.assertEqual(metrics.value("portico_control_plane_connected"), 0)

    def test_a_data_plane_is_ready_once_synced_and_both_sides_report_it(self):
        cp = self.start_control_plane(
            kong_config(service("echo", self.echo.url, [route("r", ["/"])])))
        dp = self.start_data_plane(cp, workers=1)
        self.assertTrue(wait_until(
            lambda: http_request(dp.admin_port, "GET", "/status/ready")[0] == 200, 10.0))
        self.assertEqual(http_request(cp.admin_port, "GET", "/status/ready")[0], 200)
        _, dp_metrics = scrape(dp.admin_port)
        self.assertEqual(dp_metrics.value("portico_control_plane_connected"), 1)
        dp_id = dp.node_id()
        config_hash = cp.config_hash()

        def reported():
            _, metrics = scrape(cp.admin_port)
            values = [value for labels, value in metrics.series("portico_data_plane_config_hash")
                      if labels["node_id"] == dp_id]
            return len(values) == 1 and math.isclose(values[0], int(config_hash, 16),
                                                     rel_tol=1e-12)
        self.assertTrue(wait_until(reported, 10.0))


if __name__ == "__main__":
    unittest.main()
