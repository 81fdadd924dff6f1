"""The container image and Kubernetes manifests (Dockerfile, configs/kubernetes/): every manifest
parses and references what exists — container ports are the listeners of the ConfigMap's
portico.conf, probes name declared ports and paths Portico serves, mounts name declared volumes,
Services and budgets select pods and target their ports, the grace period covers the drain — and
the edge, sidecar and hybrid configs run on the real binary (the hybrid one with the certificates
make-cluster-certs.sh makes), their probe paths answering on their status listeners."""

import glob
import math
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

from harness import PORTICO_BIN, REPO_ROOT, Gateway, free_port, kong_config, run_cli
from hybrid import (ControlPlane, DataPlane, HybridTestCase, NodeCertificate, http_request,
                    wait_until)

try:
    import yaml
except ImportError:  # tools/setup installs python3-yaml
    yaml = None

KUBERNETES = os.path.join(REPO_ROOT, "configs", "kubernetes")
IMAGE_CONFIG = os.path.join(KUBERNETES, "image")
LAYOUTS = ("edge", "sidecar", "hybrid")
DOCKERFILE = os.path.join(REPO_ROOT, "Dockerfile")
DOCKERIGNORE = os.path.join(REPO_ROOT, ".dockerignore")
CONF_LOADER = os.path.join(REPO_ROOT, "source", "server", "conf_loader.cc")
MAKE_CERTS = os.path.join(KUBERNETES, "hybrid", "make-cluster-certs.sh")

# The probe paths Portico serves on its status listener: liveness and readiness.
LIVENESS_PATH = "/status"
READINESS_PATH = "/status/ready"
# What Kubernetes assumes when a pod spec leaves it out; Portico's drain_timeout default.
DEFAULT_GRACE_SECONDS = 30
DEFAULT_DRAIN = "30s"
# Packages every Debian image has (Essential or required by apt itself).
BASE_PACKAGES = {"libc6", "libgcc-s1"}
# The files make-cluster-certs.sh writes into each Secret's folder.
CLUSTER_SECRET_KEYS = {"tls.crt", "tls.key", "ca.crt"}

needs_yaml = unittest.skipUnless(yaml, "needs PyYAML (python3-yaml; tools/setup installs it)")


# --- reading the files ------------------------------------------------------------------------

def manifests(layout):
    """[(file name, document)] of every manifest in configs/kubernetes/<layout>/."""
    documents = []
    for path in sorted(glob.glob(os.path.join(KUBERNETES, layout, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            documents += [(os.path.basename(path), doc) for doc in yaml.safe_load_all(f) if doc]
    return documents


def of_kind(documents, kind):
    return [doc for _, doc in documents if doc["kind"] == kind]


def parse_conf(text):
    """kong.conf text -> {key: value}, as conf_loader.cc reads it ('#' starts a comment unless
    escaped; keys are case-insensitive)."""
    settings = {}
    for line in text.splitlines():
        line = re.sub(r"(?<!\\)#.*", "", line).strip()
        if line:
            key, _, value = line.partition("=")
            settings[key.strip().lower()] = value.strip()
    return settings


def listen_addresses(value):
    """'0.0.0.0:8000 reuseport, 127.0.0.1:8443 ssl' -> [('0.0.0.0', 8000), ...]; 'off' -> []."""
    if not value or value.lower() == "off":
        return []
    addresses = []
    for entry in value.split(","):
        host, _, port = entry.split()[0].rpartition(":")
        addresses.append((host.strip("[]"), int(port)))
    return addresses


def is_loopback(host):
    return host == "localhost" or host.startswith("127.") or host == "::1"


def duration_seconds(value):
    """conf_loader's durations: '500ms', '20s', '2m', '60' (seconds)."""
    for suffix, scale in (("ms", 0.001), ("s", 1), ("m", 60)):
        if value.endswith(suffix):
            return int(value[:-len(suffix)]) * scale
    return int(value)


def cpu_cores(quantity):
    text = str(quantity)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


def pod_specs(documents):
    """[(workload name, pod spec)] of the Deployments."""
    return [(doc["metadata"]["name"], doc["spec"]["template"]["spec"])
            for doc in of_kind(documents, "Deployment")]


def is_portico(container):
    return container["image"].rsplit("/", 1)[-1].split(":")[0] == "portico"


def portico_containers(documents):
    """[(workload name, pod spec, container)] of every Portico container."""
    return [(name, spec, container) for name, spec in pod_specs(documents)
            for container in spec["containers"] if is_portico(container)]


def declared_ports(container):
    """{name or number: containerPort} of a container's ports, by both keys."""
    ports = {}
    for port in container.get("ports", []):
        ports[port["containerPort"]] = port["containerPort"]
        if "name" in port:
            ports[port["name"]] = port["containerPort"]
    return ports


def mounted_file(spec, container, path):
    """(volume, key) holding the file at `path` in the container, or (None, None)."""
    volumes = {volume["name"]: volume for volume in spec.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        prefix = mount["mountPath"].rstrip("/") + "/"
        if path.startswith(prefix):
            return volumes.get(mount["name"]), path[len(prefix):]
    return None, None


def writable_mount(spec, container, directory):
    """The emptyDir volume mounted at `directory` (or above it), or None."""
    volumes = {volume["name"]: volume for volume in spec.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        inside = (directory + "/").startswith(mount["mountPath"].rstrip("/") + "/")
        volume = volumes.get(mount["name"], {})
        if inside and "emptyDir" in volume and not mount.get("readOnly"):
            return volume
    return None


def conf_path(container):
    args = container.get("args", [])
    return args[args.index("-c") + 1] if "-c" in args else None


def portico_settings(documents, spec, container):
    """The settings of the portico.conf the container starts with (from its ConfigMap), and that
    ConfigMap."""
    volume, key = mounted_file(spec, container, conf_path(container))
    config_maps = {doc["metadata"]["name"]: doc for doc in of_kind(documents, "ConfigMap")}
    config_map = config_maps[volume["configMap"]["name"]]
    return parse_conf(config_map["data"][key]), config_map


def pre_stop_sleep(container):
    """Seconds a container's preStop `sleep N` (exec or the sleep action) waits; 0 without one."""
    pre_stop = container.get("lifecycle", {}).get("preStop", {})
    if "sleep" in pre_stop:
        return pre_stop["sleep"]["seconds"]
    command = pre_stop.get("exec", {}).get("command", [])
    return int(command[1]) if len(command) == 2 and command[0] == "sleep" else 0


def probes(container):
    """[(kind, httpGet)] of a container's HTTP probes."""
    return [(kind, container[kind]["httpGet"])
            for kind in ("startupProbe", "readinessProbe", "livenessProbe")
            if "httpGet" in container.get(kind, {})]


def listeners_by_port(settings):
    """{port: kong.conf key} of every listener in the settings."""
    keys = ["proxy_listen", "admin_listen", "status_listen"]
    if settings.get("role") == "control_plane":
        keys.append("cluster_listen")
    return {port: key for key in keys for _, port in listen_addresses(settings.get(key, ""))}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def keys_portico_reads():
    source = read(CONF_LOADER)
    # The defaults' keys ({"key", "value"}, the value maybe on the next line) and every lookup.
    return set(re.findall(r'\{"([a-z_]+)",\s*"', source)) | set(
        re.findall(r'settings\["([a-z_]+)"\]', source))


def dockerfile_instructions():
    """[(INSTRUCTION, arguments)] with continuation lines joined and comments dropped."""
    lines = [line for line in read(DOCKERFILE).splitlines() if not line.lstrip().startswith("#")]
    text = re.sub(r"\\\n", " ", "\n".join(lines))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
            for line in text.splitlines() if line.strip()]


def final_stage(instructions):
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def apt_packages(run_arguments):
    """The packages an `apt-get install` in a RUN names."""
    packages = []
    for command in run_arguments.split("&&"):
        words = command.split()
        if "apt-get" in words and "install" in words:
            packages += [word for word in words[words.index("install") + 1:]
                         if not word.startswith("-")]
    return packages


def image_settings():
    return parse_conf(read(os.path.join(IMAGE_CONFIG, "portico.conf")))


def ignored_by_dockerignore(path):
    """Whether .dockerignore keeps `path` (relative to the root) out of the build context: a
    small reading of its rules (last match wins; a rule also covers what is under it)."""
    with open(DOCKERIGNORE, encoding="utf-8") as f:
        rules = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    ignored = False
    for rule in rules:
        negated = rule.startswith("!")
        pattern = rule.lstrip("!").strip("/")
        if pattern == "*" or path == pattern or path.startswith(pattern + "/"):
            ignored = not negated
    return ignored


# The runtimes of a sanitizer build (which tools/test tests) that a release build does not link.
SANITIZER_RUNTIMES = re.compile(r"^lib(asan|ubsan|lsan|tsan)\.so")


def needed_library_packages():
    """{library: Debian package} for each library the binary links directly (readelf NEEDED),
    through ldd's resolution and dpkg's file index."""
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]",
                        subprocess.run(["readelf", "-d", PORTICO_BIN], capture_output=True,
                                       text=True, check=True).stdout)
    needed = [library for library in needed if not SANITIZER_RUNTIMES.match(library)]
    resolved = dict(re.findall(r"^\s*(\S+) => (\S+)", subprocess.run(
        ["ldd", PORTICO_BIN], capture_output=True, text=True, check=True).stdout, re.M))
    packages = {}
    for library in needed:
        path = resolved.get(library) or os.path.join("/lib64", library)
        owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                               text=True, check=False)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True,
                                   check=False)
        packages[library] = owner.stdout.split(":")[0] if owner.returncode == 0 else None
    return packages


# --- the static checks ------------------------------------------------------------------------

@needs_yaml
class ManifestTest(unittest.TestCase):
    def setUp(self):
        self.layouts = {layout: manifests(layout) for layout in LAYOUTS}

    def all_portico_containers(self):
        for layout, documents in self.layouts.items():
            for name, spec, container in portico_containers(documents):
                yield layout, documents, name, spec, container

    def test_every_layout_has_a_deployment_a_service_and_a_config_map_that_parse(self):
        for layout, documents in self.layouts.items():
            with self.subTest(layout=layout):
                for kind in ("Deployment", "Service", "ConfigMap"):
                    self.assertTrue(of_kind(documents, kind), f"{layout} has no {kind}")
                for file_name, doc in documents:
                    for field in ("apiVersion", "kind", "metadata"):
                        self.assertIn(field, doc, f"{layout}/{file_name}")
                    self.assertTrue(doc["metadata"].get("name"), f"{layout}/{file_name}")
                self.assertTrue(portico_containers(documents), f"{layout} runs no Portico")

    def test_container_ports_are_the_listeners_of_the_portico_conf(self):
        for layout, documents, name, spec, container in self.all_portico_containers():
            with self.subTest(workload=name):
                settings, _ = portico_settings(documents, spec, container)
                listeners = listeners_by_port(settings)
                ports = {port["containerPort"] for port in container["ports"]}
                admin = listen_addresses(settings.get("admin_listen", ""))
                self.assertTrue(admin and all(is_loopback(host) for host, _ in admin),
                                f"{name}: the admin API must stay on loopback, not {admin}")
                published = {port for port, key in listeners.items() if key != "admin_listen"}
                self.assertEqual(ports, published, f"{name}: container ports vs {listeners}")
                for key in ("proxy_listen", "status_listen", "cluster_listen"):
                    for host, port in listen_addresses(settings.get(key, "")):
                        self.assertFalse(is_loopback(host), f"{name}: {key} {host}:{port} is "
                                         "unreachable from the kubelet and Services")

    def test_probes_ask_declared_status_ports_for_paths_portico_serves(self):
        for layout, documents, name, spec, container in self.all_portico_containers():
            with self.subTest(workload=name):
                settings, _ = portico_settings(documents, spec, container)
                listeners = listeners_by_port(settings)
                found = dict(probes(container))
                self.assertEqual(found.get("readinessProbe", {}).get("path"), READINESS_PATH)
                self.assertEqual(found.get("livenessProbe", {}).get("path"), LIVENESS_PATH)
                for kind, probe in found.items():
                    port = declared_ports(container).get(probe["port"])
                    self.assertIsNotNone(port, f"{name} {kind}: undeclared port {probe['port']}")
                    self.assertEqual(listeners.get(port), "status_listen",
                                     f"{name} {kind}: port {port} is not the status listener")

    def test_volume_mounts_name_declared_volumes_and_volumes_existing_config_maps(self):
        for layout, documents in self.layouts.items():
            config_maps = {doc["metadata"]["name"]: doc for doc in of_kind(documents, "ConfigMap")}
            for name, spec in pod_specs(documents):
                volumes = {volume["name"]: volume for volume in spec.get("volumes", [])}
                mounted = set()
                for container in spec["containers"]:
                    for mount in container.get("volumeMounts", []):
                        with self.subTest(workload=name, mount=mount["name"]):
                            self.assertIn(mount["name"], volumes)
                            mounted.add(mount["name"])
                for volume in volumes.values():
                    with self.subTest(workload=name, volume=volume["name"]):
                        self.assertIn(volume["name"], mounted, "declared but never mounted")
                        if "configMap" in volume:
                            self.assertIn(volume["configMap"]["name"], config_maps)
                        if "secret" in volume:
                            self.assertTrue(volume["secret"]["secretName"].startswith(
                                "portico-cluster-"), "only make-cluster-certs.sh's Secrets")

    def test_files_the_portico_conf_names_are_in_its_volumes(self):
        file_keys = ("declarative_config", "cluster_cert", "cluster_cert_key", "cluster_ca_cert")
        for layout, documents, name, spec, container in self.all_portico_containers():
            with self.subTest(workload=name):
                settings, _ = portico_settings(documents, spec, container)
                config_maps = {doc["metadata"]["name"]: doc
                               for doc in of_kind(documents, "ConfigMap")}
                for key in file_keys:
                    if not settings.get(key):
                        continue
                    volume, file_key = mounted_file(spec, container, settings[key])
                    self.assertIsNotNone(volume, f"{name}: {key} {settings[key]} is not mounted")
                    if "configMap" in volume:
                        self.assertIn(file_key,
                                      config_maps[volume["configMap"]["name"]]["data"], key)
                    else:
                        self.assertIn(file_key, CLUSTER_SECRET_KEYS, key)
                if settings.get("role") == "data_plane":
                    self.assertNotIn("declarative_config", settings,
                                     "a data plane takes its config from the control plane")

    def test_portico_conf_keys_are_ones_portico_reads(self):
        known = keys_portico_reads()
        self.assertIn("status_listen", known)
        for layout, documents, name, spec, container in self.all_portico_containers():
            settings, _ = portico_settings(documents, spec, container)
            self.assertEqual(set(settings) - known, set(), name)
        self.assertEqual(set(image_settings()) - known, set(), "configs/kubernetes/image")

    def test_the_prefix_is_a_writable_volume_and_the_root_file_system_read_only(self):
        for layout, documents, name, spec, container in self.all_portico_containers():
            with self.subTest(workload=name):
                settings, _ = portico_settings(documents, spec, container)
                security = container.get("securityContext", {})
                self.assertTrue(security.get("readOnlyRootFilesystem"))
                self.assertFalse(security.get("allowPrivilegeEscalation", True))
                self.assertTrue(spec.get("securityContext", {}).get("runAsNonRoot"))
                self.assertIsNotNone(writable_mount(spec, container, settings["prefix"]),
                                     f"{name}: prefix {settings['prefix']} needs an emptyDir")
                self.assertNotIn("command", container, "the image's ENTRYPOINT is portico")
                self.assertIn(container["args"][0], ("start", "control-plane"))

    def test_services_and_budgets_select_pods_and_target_their_ports(self):
        for layout, documents in self.layouts.items():
            pods = [doc["spec"]["template"] for doc in of_kind(documents, "Deployment")]
            selectors = [(doc, doc["spec"]["selector"]) for doc in of_kind(documents, "Service")]
            selectors += [(doc, doc["spec"]["selector"]["matchLabels"])
                          for doc in of_kind(documents, "PodDisruptionBudget")]
            for doc, selector in selectors:
                with self.subTest(layout=layout, object=doc["metadata"]["name"]):
                    chosen = [pod for pod in pods
                              if selector.items() <= pod["metadata"]["labels"].items()]
                    self.assertTrue(chosen, f"selector {selector} matches no pod")
                    if doc["kind"] != "Service":
                        continue
                    for port in doc["spec"]["ports"]:
                        target = port.get("targetPort", port["port"])
                        self.assertTrue(any(target in declared_ports(container)
                                            for pod in chosen
                                            for container in pod["spec"]["containers"]),
                                        f"targetPort {target} is no container port")
            for doc in of_kind(documents, "Deployment"):
                with self.subTest(layout=layout, deployment=doc["metadata"]["name"]):
                    labels = doc["spec"]["template"]["metadata"]["labels"]
                    self.assertLessEqual(doc["spec"]["selector"]["matchLabels"].items(),
                                         labels.items())

    def test_grace_period_outlasts_the_pre_stop_sleep_and_the_drain(self):
        for layout, documents, name, spec, container in self.all_portico_containers():
            with self.subTest(workload=name):
                settings, _ = portico_settings(documents, spec, container)
                drain = duration_seconds(settings.get("drain_timeout", DEFAULT_DRAIN))
                stopping = pre_stop_sleep(container) + drain
                grace = spec.get("terminationGracePeriodSeconds", DEFAULT_GRACE_SECONDS)
                self.assertGreater(grace, stopping, f"{name}: SIGKILL would cut the drain short")
                # Containers beside Portico get SIGTERM with it: an application it proxies to
                # must serve until Portico's drain is over.
                for other in spec["containers"]:
                    if other is not container:
                        self.assertGreaterEqual(pre_stop_sleep(other), stopping, other["name"])
                        self.assertGreater(grace, pre_stop_sleep(other), other["name"])

    def test_worker_count_is_the_cpu_limit(self):
        for layout, documents, name, spec, container in self.all_portico_containers():
            with self.subTest(workload=name):
                settings, _ = portico_settings(documents, spec, container)
                limit = container["resources"]["limits"]["cpu"]
                self.assertIn("memory", container["resources"]["limits"])
                self.assertIn("cpu", container["resources"]["requests"])
                self.assertEqual(settings.get("nginx_worker_processes"),
                                 str(max(1, math.ceil(cpu_cores(limit)))),
                                 "'auto' counts the node's cores, not the container's")

    def test_every_kong_yml_passes_portico_config_parse(self):
        image_kong_yml = os.path.join(IMAGE_CONFIG, "kong.yml")
        texts = [(os.path.relpath(image_kong_yml, REPO_ROOT), read(image_kong_yml))]
        for layout, documents in self.layouts.items():
            for doc in of_kind(documents, "ConfigMap"):
                texts += [(f"{layout}: {doc['metadata']['name']}/{key}", text)
                          for key, text in doc["data"].items() if key.endswith((".yml", ".yaml"))]
        self.assertGreaterEqual(len(texts), 4)
        with tempfile.TemporaryDirectory(prefix="portico-it-k8s-") as directory:
            for label, text in texts:
                with self.subTest(config=label):
                    path = os.path.join(directory, "kong.yml")
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text)
                    done = run_cli("config", "parse", path)
                    self.assertEqual(done.returncode, 0, done.stderr)
                    self.assertIn("parse successful", done.stdout)


class DockerfileTest(unittest.TestCase):
    def setUp(self):
        self.instructions = dockerfile_instructions()
        self.final = final_stage(self.instructions)

    def arguments(self, name, stage=None):
        return [args for instruction, args in (stage or self.instructions) if instruction == name]

    def test_builds_on_bookworm_and_runs_on_bookworm_slim(self):
        froms = self.arguments("FROM")
        self.assertRegex(froms[0], r"^debian:bookworm AS build$")
        self.assertEqual(froms[-1], "debian:bookworm-slim")
        self.assertTrue(any(re.search(r"bazel build -c opt .*//:portico", run)
                            for run in self.arguments("RUN")))

    def test_exposed_ports_are_the_image_listeners_and_cover_the_manifests(self):
        exposed = {int(port) for args in self.arguments("EXPOSE", self.final)
                   for port in args.split()}
        settings = image_settings()
        listeners = {port for key in ("proxy_listen", "admin_listen", "status_listen")
                     for _, port in listen_addresses(settings[key])}
        cluster_port = int(re.search(r'\{"cluster_listen",\s*"[^"]*:(\d+)"\}',
                                     read(CONF_LOADER)).group(1))
        self.assertEqual(exposed, listeners | {cluster_port})
        if yaml:
            for layout in LAYOUTS:
                for name, _, container in portico_containers(manifests(layout)):
                    for port in container["ports"]:
                        self.assertIn(port["containerPort"], exposed, name)

    def test_runs_portico_start_in_the_foreground_as_a_non_root_user(self):
        self.assertEqual(self.arguments("STOPSIGNAL", self.final), ["SIGTERM"])
        self.assertEqual(self.arguments("ENTRYPOINT", self.final), ['["/usr/local/bin/portico"]'])
        self.assertEqual(self.arguments("CMD", self.final),
                         ['["start", "-c", "/etc/portico/portico.conf"]'])
        user = self.arguments("USER", self.final)[-1]
        self.assertRegex(user, r"^[1-9]\d*:[1-9]\d*$", "numeric, so runAsNonRoot can check it")
        self.assertTrue(any("/out/portico /usr/local/bin/portico" in copy
                            for copy in self.arguments("COPY", self.final)))
        settings = image_settings()
        self.assertEqual(settings["declarative_config"], "/etc/portico/kong.yml")
        self.assertTrue(any(settings["prefix"] in run for run in self.arguments("RUN", self.final)),
                        "the image makes the prefix for its user")
        if yaml:
            uid = int(user.split(":")[0])
            for layout in LAYOUTS:
                for name, spec in pod_specs(manifests(layout)):
                    self.assertEqual(spec["securityContext"]["runAsUser"], uid, name)

    def test_copied_sources_exist_and_are_in_the_build_context(self):
        for args in self.arguments("COPY"):
            if args.startswith("--from"):
                continue
            for source in args.split()[:-1]:
                with self.subTest(source=source):
                    self.assertTrue(os.path.exists(os.path.join(REPO_ROOT, source)))
                    self.assertFalse(ignored_by_dockerignore(source), ".dockerignore drops it")
        for kept_out in ("bazel-bin", ".git", ".run", "test/integration/node_modules"):
            self.assertTrue(ignored_by_dockerignore(kept_out), kept_out)

    @unittest.skipUnless(shutil.which("dpkg") and shutil.which("readelf")
                         and os.access(PORTICO_BIN, os.X_OK), "needs dpkg, readelf and the binary")
    def test_runtime_stage_installs_a_package_for_every_library_the_binary_links(self):
        installed = set(BASE_PACKAGES)
        for run in self.arguments("RUN", self.final):
            installed |= set(apt_packages(run))
        for library, package in needed_library_packages().items():
            with self.subTest(library=library):
                self.assertIsNotNone(package, f"no Debian package owns {library}")
                self.assertIn(package, installed)


# --- the configs on the real binary -----------------------------------------------------------

@needs_yaml
class RunningManifestTest(HybridTestCase):
    """Starts each layout's Portico on its ConfigMap's portico.conf and kong.yml, with loopback
    addresses, free ports and a temporary prefix in place of the pod's."""

    LOCALISED = {"prefix", "declarative_config", "proxy_listen", "admin_listen", "status_listen",
                 "cluster_listen", "cluster_control_plane", "cluster_cert", "cluster_cert_key",
                 "cluster_ca_cert"}

    def workload(self, layout, name):
        documents = manifests(layout)
        for workload, spec, container in portico_containers(documents):
            if workload == name:
                settings, config_map = portico_settings(documents, spec, container)
                return spec, container, settings, config_map
        raise AssertionError(f"no Portico workload {name} in {layout}")

    def overrides(self, settings):
        """The settings the harness does not set itself, plus a status listener on a free port;
        and {manifest port: local port} for the status listener."""
        conf = {key: value for key, value in settings.items() if key not in self.LOCALISED}
        ports = {}
        status = listen_addresses(settings.get("status_listen", ""))
        if status:
            local = free_port()
            conf["status_listen"] = f"127.0.0.1:{local}"
            ports[status[0][1]] = local
        return conf, ports

    def start(self, gateway, ports, settings):
        self._track(gateway).start()
        for address, local in ((settings.get("proxy_listen"), gateway.proxy_port),
                               (settings.get("admin_listen"), gateway.admin_port)):
            for _, port in listen_addresses(address or ""):
                ports[port] = local
        return gateway

    def assert_probes_answer(self, container, ports, gateway):
        """GETs each probe's path on the local port of the probe's listener."""
        for kind, probe in probes(container):
            port = ports[declared_ports(container)[probe["port"]]]
            with self.subTest(probe=kind, path=probe["path"]):
                status = self.get_status(port, probe["path"])
                if status == 0:
                    self.skipTest(f"nothing listens on status_listen (127.0.0.1:{port}): this "
                                  "binary does not serve the status listener yet")
                if status == 404 and probe["path"] == READINESS_PATH:
                    self.skipTest(f"GET {READINESS_PATH} answers 404: the readiness endpoint "
                                  "has not landed in this binary yet")
                self.assertEqual(status, 200, f"GET {probe['path']}\n{gateway.log_tail()}")

    @staticmethod
    def get_status(port, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def test_edge_config_starts_and_its_probe_paths_answer(self):
        spec, container, settings, config_map = self.workload("edge", "portico-edge")
        conf, ports = self.overrides(settings)
        gateway = self.start(Gateway(config_map["data"]["kong.yml"], conf), ports, settings)
        self.assertEqual(http_request(gateway.proxy_port, "GET", "/nothing")[0], 404)
        self.assert_probes_answer(container, ports, gateway)

    def test_sidecar_config_asks_for_a_token_and_its_probe_paths_answer(self):
        spec, container, settings, config_map = self.workload("sidecar", "example-app")
        conf, ports = self.overrides(settings)
        gateway = self.start(Gateway(config_map["data"]["kong.yml"], conf), ports, settings)
        self.assertEqual(http_request(gateway.proxy_port, "GET", "/")[0], 401)
        self.assert_probes_answer(container, ports, gateway)

    def test_hybrid_configs_sync_over_make_cluster_certs_mutual_tls(self):
        certs = self.scratch_dir()
        made = subprocess.run(["bash", MAKE_CERTS, certs, "default", "localhost"],
                              capture_output=True, text=True, check=False)
        self.assertEqual(made.returncode, 0, made.stderr)

        cp_spec, cp_container, cp_settings, cp_map = self.workload("hybrid",
                                                                   "portico-control-plane")
        conf, cp_ports = self.overrides(cp_settings)
        control_plane = ControlPlane(cp_map["data"]["kong.yml"],
                                     self.node_certificate(certs, cp_spec, cp_container,
                                                           cp_settings), conf)
        cp_ports[listen_addresses(cp_settings["cluster_listen"])[0][1]] = control_plane.cluster_port
        self.start(control_plane, cp_ports, cp_settings)

        dp_spec, dp_container, dp_settings, _ = self.workload("hybrid", "portico-data-plane")
        conf, dp_ports = self.overrides(dp_settings)
        host, port = dp_settings["cluster_control_plane"].rsplit(":", 1)
        self.assertEqual(host, cp_map["metadata"]["name"], "data planes dial the Service")
        self.assertIn(int(port), cp_ports, "the control plane's cluster port")
        data_plane = DataPlane(f"localhost:{cp_ports[int(port)]}",
                               self.node_certificate(certs, dp_spec, dp_container, dp_settings),
                               conf)
        self.start(data_plane, dp_ports, dp_settings)
        self.wait_for_hash(data_plane, control_plane.config_hash(), timeout=10)
        self.assert_probes_answer(cp_container, cp_ports, control_plane)
        self.assert_probes_answer(dp_container, dp_ports, data_plane)

    def test_a_restarted_container_starts_over_the_pid_file_its_last_run_left(self):
        """A container restarted in its pod (killed, OOM, failed liveness) keeps its emptyDir
        prefix, and the new Portico has the pid the old pid file names: 1, as its first
        process. Here the pid file names the starting process itself."""
        gateway = self._track(Gateway(kong_config()))
        pid_file = os.path.join(gateway.prefix, "pids", "portico.pid")
        os.makedirs(os.path.dirname(pid_file))
        log = open(gateway.log_path, "ab")
        self.addCleanup(log.close)
        gateway.process = subprocess.Popen(
            ["sh", "-c", 'echo $$ >"$1"; shift; exec "$@"', "sh", pid_file, PORTICO_BIN,
             "start", "-c", gateway.conf_path],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.assertTrue(wait_until(lambda: gateway.is_ready() or not gateway.running(), 10))
        self.assertTrue(gateway.running(), gateway.logs())

    @staticmethod
    def node_certificate(certs, spec, container, settings):
        """The files make-cluster-certs.sh wrote for the Secret the container mounts where its
        portico.conf looks for them."""
        paths = []
        for key in ("cluster_cert", "cluster_cert_key", "cluster_ca_cert"):
            volume, file_key = mounted_file(spec, container, settings[key])
            folder = volume["secret"]["secretName"][len("portico-cluster-"):]
            paths.append(os.path.join(certs, folder, file_key))
        return NodeCertificate(*paths)


if __name__ == "__main__":
    unittest.main()
