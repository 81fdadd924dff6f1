"""Process lifecycle: graceful stop, reload with a new or a broken kong.yml, and the
`portico config parse` / `stop` / `reload` commands (kong-behavior.md §7)."""

import os
import signal
import threading
import time
import unittest

from harness import (Gateway, GatewayError, GatewayTestCase, curl, kong_config, route, run_cli,
                     service, start_cli, to_yaml)

BROKEN_YML = '_format_version: "3.0"\nservices:\n  - name: broken\n    routes: [ {paths: [1\n'
INVALID_YML = ('_format_version: "3.0"\nservices:\n  - name: bad\n    url: http://127.0.0.1:1\n'
               '    routes:\n      - name: r\n        paths: ["no-slash"]\n')


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


class ShutdownTest(GatewayTestCase):
    def test_sigterm_lets_an_in_flight_request_finish_then_exits_0(self):
        gateway = self.start_gateway(kong_config(service("e", self.echo.url, [route("r", ["/"])])))
        result = {}
        client = threading.Thread(
            target=lambda: result.update(response=curl(gateway.url("/sleep/1500"))))
        client.start()
        self.assertTrue(self.echo.wait_for_requests(1), "the request never reached the upstream")
        gateway.send_signal(signal.SIGTERM)
        client.join(15)
        self.assertEqual(result["response"].status, 200)
        self.assertEqual(gateway.wait(10), 0)

    def test_sigterm_on_an_idle_gateway_exits_0_promptly(self):
        gateway = self.start_gateway(kong_config())
        started = time.monotonic()
        self.assertEqual(gateway.stop(), 0)
        self.assertLess(time.monotonic() - started, 5)

    def test_portico_stop_with_the_prefix_stops_the_gateway(self):
        gateway = self.start_gateway(kong_config())
        # `stop` waits until the gateway is gone, so the gateway must be reaped meanwhile.
        stopper = start_cli("stop", "-p", gateway.prefix)
        self.assertEqual(gateway.wait(10), 0)
        _, stderr = stopper.communicate(timeout=10)
        self.assertEqual(stopper.returncode, 0, stderr)


class ReloadTest(GatewayTestCase):
    """Explicit reloads; the file watch is off so that only the signal can have loaded the file."""

    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(
            kong_config(service("e", self.echo.url, [route("old", ["/old"])])),
            conf={"declarative_config_watch": "off"})
        self.assertEqual(curl(self.gateway.url("/old")).status, 200)

    def new_config(self):
        return kong_config(service("e", self.echo.url, [route("new", ["/new"])]))

    def test_sighup_loads_a_changed_kong_yml(self):
        self.gateway.write_config(self.new_config())
        self.gateway.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: curl(self.gateway.url("/new")).status == 200),
                        "the new route was not served after SIGHUP")
        self.assertEqual(curl(self.gateway.url("/old")).status, 404)
        self.assertTrue(self.gateway.running())

    def test_portico_reload_with_the_prefix_loads_a_changed_kong_yml(self):
        self.gateway.write_config(self.new_config())
        done = run_cli("reload", "-p", self.gateway.prefix)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(wait_until(lambda: curl(self.gateway.url("/new")).status == 200))

    def test_a_broken_kong_yml_on_sighup_keeps_the_old_config_serving(self):
        for text in (BROKEN_YML, INVALID_YML):
            self.gateway.write_config(text)
            self.gateway.send_signal(signal.SIGHUP)
            time.sleep(1.0)
            self.assertTrue(self.gateway.running(), "the gateway died on a bad reload")
            self.assertEqual(curl(self.gateway.url("/old")).status, 200)
        self.gateway.write_config(self.new_config())
        self.gateway.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: curl(self.gateway.url("/new")).status == 200),
                        "a good config after a bad one was not loaded")


class FileWatchTest(GatewayTestCase):
    def setUp(self):
        super().setUp()
        self.gateway = self.start_gateway(
            kong_config(service("e", self.echo.url, [route("old", ["/old"])])))
        self.assertEqual(curl(self.gateway.url("/old")).status, 200)

    def test_an_edited_kong_yml_is_served_without_a_signal(self):
        self.gateway.write_config(
            kong_config(service("e", self.echo.url, [route("new", ["/new"])])))
        self.assertTrue(wait_until(lambda: curl(self.gateway.url("/new")).status == 200),
                        "the edited kong.yml was not picked up")
        self.assertEqual(curl(self.gateway.url("/old")).status, 404)

    def test_a_file_renamed_over_kong_yml_is_served(self):
        replacement = self.gateway.kong_yml + ".new"
        with open(replacement, "w", encoding="utf-8") as f:
            f.write(to_yaml(kong_config(service("e", self.echo.url, [route("new", ["/new"])]))))
        os.rename(replacement, self.gateway.kong_yml)
        self.assertTrue(wait_until(lambda: curl(self.gateway.url("/new")).status == 200),
                        "a kong.yml replaced by rename was not picked up")

    def test_a_broken_edit_keeps_the_old_config_serving(self):
        self.gateway.write_config(BROKEN_YML)
        time.sleep(1.0)
        self.assertTrue(self.gateway.running())
        self.assertEqual(curl(self.gateway.url("/old")).status, 200)
        self.assertIn("reload refused", self.gateway.log_tail())


class ConfigMapWatchTest(GatewayTestCase):
    """Kubernetes updates a mounted ConfigMap by pointing the volume's `..data` link at a new
    folder; kong.yml itself is a link through `..data` whose own path never changes."""

    def publish(self, volume, version, config):
        folder = os.path.join(volume, f"..v{version}")
        os.mkdir(folder)
        with open(os.path.join(folder, "kong.yml"), "w", encoding="utf-8") as f:
            f.write(to_yaml(config))
        staged = os.path.join(volume, "..data_tmp")
        os.symlink(f"..v{version}", staged)
        os.rename(staged, os.path.join(volume, "..data"))

    def test_a_config_map_update_is_served(self):
        volume = self.scratch_dir()
        old = kong_config(service("e", self.echo.url, [route("old", ["/old"])]))
        self.publish(volume, 1, old)
        os.symlink("..data/kong.yml", os.path.join(volume, "kong.yml"))
        gateway = self.start_gateway(old, conf={"declarative_config":
                                                os.path.join(volume, "kong.yml")})
        self.assertEqual(curl(gateway.url("/old")).status, 200)
        self.publish(volume, 2, kong_config(service("e", self.echo.url, [route("new", ["/new"])])))
        self.assertTrue(wait_until(lambda: curl(gateway.url("/new")).status == 200),
                        "the ConfigMap update was not picked up")


class ConfigCommandTest(GatewayTestCase):
    def write(self, name, text):
        path = os.path.join(self.scratch_dir(), name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_config_parse_accepts_a_valid_file(self):
        path = self.write("good.yml", to_yaml(
            kong_config(service("e", "http://127.0.0.1:9/", [route("r", ["/r"])]))))
        done = run_cli("config", "parse", path)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("parse successful", done.stdout)

    def test_config_parse_rejects_an_invalid_file(self):
        done = run_cli("config", "parse", self.write("bad.yml", INVALID_YML))
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("Error: Failed parsing:", done.stderr)

    def test_config_parse_rejects_broken_yaml(self):
        done = run_cli("config", "parse", self.write("broken.yml", BROKEN_YML))
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("Error:", done.stderr)

    def test_config_init_writes_a_file_that_parses(self):
        path = os.path.join(self.scratch_dir(), "kong.yml")
        self.assertEqual(run_cli("config", "init", path).returncode, 0)
        done = run_cli("config", "parse", path)
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_start_refuses_a_broken_kong_yml(self):
        gateway = Gateway(BROKEN_YML)
        self.addCleanup(gateway.cleanup)
        with self.assertRaises(GatewayError):
            gateway.start(timeout=10)
        self.assertIsNotNone(gateway.exit_code, "the gateway neither started nor exited")
        self.assertNotEqual(gateway.exit_code, 0)


if __name__ == "__main__":
    unittest.main()
