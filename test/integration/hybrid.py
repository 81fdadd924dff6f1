"""Hybrid mode in the integration tests: a control plane (`portico control-plane`) and its data
planes (`portico start` with role = data_plane), each a harness.Gateway with its own folder, plus
the certificates of a cluster (a CA per call, node certificates it signs).

    class T(HybridTestCase):
        def test_x(self):
            cp = self.start_control_plane(kong_config(...))
            dp = self.start_data_plane(cp)
            self.wait_for_sync(dp, cp.config_hash())
"""

import http.client
import json
import os
import subprocess
import time
from dataclasses import dataclass

from harness import Gateway, GatewayError, GatewayTestCase, free_port, kong_config


def wait_until(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def http_request(port, method, path, body=None, headers=None, timeout=3.0):
    """One request on a new connection to 127.0.0.1:port: (status, body bytes); (0, b"") when
    the connection fails."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        connection.close()


def get_json(port, path):
    status, body = http_request(port, "GET", path)
    if status != 200:
        raise GatewayError(f"GET {path} on port {port} answered {status}: {body[:200]!r}")
    return json.loads(body)


class _ClusterNode(Gateway):
    def config_hash(self):
        return get_json(self.admin_port, "/status")["configuration_hash"]

    def node_id(self):
        return get_json(self.admin_port, "/")["node_id"]

    def restart(self, timeout=20.0):
        """Starts the process again on the same folder, ports and prefix (after stop())."""
        if getattr(self, "_log", None):
            self._log.close()
        return self.start(timeout)

    def get(self, path, timeout=3.0):
        return http_request(self.proxy_port, "GET", path, timeout=timeout)[0]

    def post_config(self, config):
        """POST /config with the config as JSON; returns (status, body)."""
        return http_request(self.admin_port, "POST", "/config", json.dumps(config).encode(),
                            {"Content-Type": "application/json"})


class StandaloneGateway(_ClusterNode):
    """`portico start` on its own kong.yml (watched), with the cluster nodes' helpers."""


class ControlPlane(_ClusterNode):
    """`portico control-plane`: serves its kong.yml to data planes on 127.0.0.1:cluster_port,
    plaintext unless `tls` (a NodeCertificate) is given. No proxy listener."""

    command = "control-plane"

    def __init__(self, config, tls=None, conf=None):
        self.cluster_port = free_port()
        settings = {"cluster_listen": f"127.0.0.1:{self.cluster_port}", "proxy_listen": "off"}
        settings.update(tls.settings() if tls else {"cluster_plaintext": "on"})
        super().__init__(config, {**settings, **(conf or {})})

    @property
    def cluster_address(self):
        return f"127.0.0.1:{self.cluster_port}"

    def data_planes(self):
        return get_json(self.admin_port, "/clustering/data-planes")["data"]

    def data_plane(self, node_id):
        return next((node for node in self.data_planes() if node["id"] == node_id), None)


class DataPlane(_ClusterNode):
    """`portico start` with role = data_plane, connected to `control_plane_address`. Its own
    kong.yml is an empty config that it must ignore."""

    def __init__(self, control_plane_address, tls=None, conf=None, workers=2):
        settings = {"role": "data_plane", "cluster_control_plane": control_plane_address}
        settings.update(tls.settings() if tls else {"cluster_plaintext": "on"})
        super().__init__(kong_config(), {**settings, **(conf or {})}, workers)


# --- certificates -----------------------------------------------------------------------------

@dataclass
class NodeCertificate:
    cert: str
    key: str
    ca: str  # the CA this node trusts for its peer

    def settings(self):
        return {"cluster_cert": self.cert, "cluster_cert_key": self.key,
                "cluster_ca_cert": self.ca}


class CertificateAuthority:
    """A private CA made with the openssl CLI; `issue` signs a certificate for localhost and
    127.0.0.1 usable by a server and by a client (the cluster's mutual TLS)."""

    def __init__(self, directory, name):
        self._directory = directory
        self.cert = os.path.join(directory, f"{name}-ca.pem")
        self._key = os.path.join(directory, f"{name}-ca.key")
        _openssl("req", "-x509", *_EC_KEY, "-days", "30", "-subj", f"/CN=Portico {name} CA",
                 "-keyout", self._key, "-out", self.cert,
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def issue(self, name, trusted_ca=None):
        """A node certificate signed by this CA; the node trusts `trusted_ca` (default: this CA's
        certificate) to verify its peer."""
        cert = os.path.join(self._directory, f"{name}.pem")
        key = os.path.join(self._directory, f"{name}.key")
        csr = os.path.join(self._directory, f"{name}.csr")
        extensions = os.path.join(self._directory, f"{name}.ext")
        _openssl("req", "-new", *_EC_KEY, "-subj", f"/CN={name}", "-keyout", key, "-out", csr)
        with open(extensions, "w", encoding="ascii") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                    "keyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth,clientAuth\n")
        _openssl("x509", "-req", "-in", csr, "-CA", self.cert, "-CAkey", self._key,
                 "-set_serial", "0x" + os.urandom(8).hex(), "-days", "30",
                 "-extfile", extensions, "-out", cert)
        return NodeCertificate(cert, key, trusted_ca or self.cert)


_EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


# --- the base test case -----------------------------------------------------------------------

class HybridTestCase(GatewayTestCase):
    """GatewayTestCase with control planes and data planes: each is stopped after the test (exit
    code 0 after SIGTERM) and its log printed when the test fails."""

    def start_control_plane(self, config, tls=None, conf=None):
        return self._track(ControlPlane(config, tls, conf)).start()

    def start_data_plane(self, control_plane, tls=None, conf=None, workers=2, address=None):
        """A started data plane of `control_plane` (or of `address`, a host:port)."""
        address = address or control_plane.cluster_address
        return self._track(DataPlane(address, tls, conf, workers)).start()

    def start_standalone(self, config, workers=2):
        return self._track(StandaloneGateway(config, None, workers)).start()

    def _track(self, gateway):
        self._gateways.append(gateway)
        self.addCleanup(self._stop_gateway, gateway)
        return gateway

    def wait_for_hash(self, gateway, config_hash, timeout=5.0):
        if not wait_until(lambda: gateway.config_hash() == config_hash, timeout):
            self.fail(f"configuration_hash of {gateway.dir} is {gateway.config_hash()}, "
                      f"not {config_hash}, after {timeout} s")

    def wait_for_route(self, data_plane, path, timeout=5.0, status=200):
        """Until `status` comes back on 8 new connections in a row: a data plane's workers each
        take the new snapshot, and connections spread over them."""
        def served_everywhere():
            return all(data_plane.get(path) == status for _ in range(8))
        if not wait_until(served_everywhere, timeout):
            self.fail(f"GET {path} on the data plane {data_plane.dir} does not answer {status} "
                      f"after {timeout} s (last: {data_plane.get(path)})")
