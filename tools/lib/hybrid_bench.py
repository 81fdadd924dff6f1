#!/usr/bin/env python3
"""The measurements of tools/bench's hybrid scenario; tools/bench starts and stops the processes.

    hybrid_bench.py propagation --cp-admin PORT --cp-config FILE --upstream URL --dp PORT ...
                                [--pushes N] [--file-pushes N] [--streak K] [--pause S]
        Makes the control plane publish a new config N times by POST /config, then --file-pushes
        times by rewriting its kong.yml. Version i has a single route, /v<i>; a data plane serves
        it once GET /v<i> answers 200 (404 before). For each push it polls every data plane on a
        new connection per request (connections spread over the workers) until K requests in a
        row answer 200, and takes the moment the first of them was answered. The push's time runs
        from just before the POST is sent (or the file written) to the last data plane's moment.
        Prints one line per trigger: `TRIGGER COUNT P50_MS P99_MS MAX_MS TRIGGER_P50_MS`, where
        TRIGGER_P50_MS is the median time the POST took to answer (0 for file writes).

    hybrid_bench.py big-config --upstream URL --out FILE [--routes N] [--services N]
                               [--consumers N]
        Writes a kong.yml with N routes spread over the services and N consumers that each hold
        one HS256 jwt credential.

    hybrid_bench.py post --admin PORT --file FILE --pid PID
        POSTs FILE to /config and prints `STATUS SECONDS HWM_BEFORE_KIB HWM_AFTER_KIB RSS_KIB`:
        VmHWM of PID before and after, and VmRSS after.

    hybrid_bench.py storm --admin PORT --upstream URL --out FILE [--interval S] [--once]
        POSTs two small configs in turn (a plain route /, then the same with a second route) every
        S seconds until SIGTERM, posts the first one last, and writes `POSTS FAILED P50_MS MAX_MS`
        to FILE. With --once, posts the first one and exits.
"""

import argparse
import math
import os
import signal
import socket
import statistics
import sys
import time

HTTP_TIMEOUT = 10.0


def request(port, method, path, body=b"", content_type="text/yaml", timeout=HTTP_TIMEOUT):
    """One request on a new connection to 127.0.0.1:port; returns the status (0 when the
    connection fails) once the whole answer has been read (the server closes)."""
    head = (f"{method} {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n"
            f"User-Agent: portico-bench\r\n")
    if body:
        head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(head.encode("ascii") + b"\r\n" + body)
            answer = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
    except OSError:
        return 0
    status = answer.split(b"\r\n", 1)[0].split(b" ")
    return int(status[1]) if len(status) > 1 and status[1].isdigit() else 0


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def proc_status_kib(pid, field):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


# --- propagation ------------------------------------------------------------------------------

def version_config(upstream, version):
    return (f'_format_version: "3.0"\nservices:\n  - name: up\n    url: {upstream}\n'
            f'    routes:\n      - name: v\n        paths: ["/v{version}"]\n').encode("ascii")


def wait_served(dp_ports, path, streak, started, timeout):
    """Seconds from `started` until every data plane has answered 200 on `streak` new connections
    in a row, counted at the first of them; None when one has not within `timeout`."""
    pending = {port: [0, 0.0] for port in dp_ports}  # port: [200s in a row, when the first came]
    served = 0.0
    while pending:
        for port in list(pending):
            ok = request(port, "GET", path, timeout=2.0) == 200
            now = time.perf_counter()
            run = pending[port]
            if not ok:
                run[0] = 0
                continue
            if run[0] == 0:
                run[1] = now
            run[0] += 1
            if run[0] >= streak:
                served = max(served, run[1] - started)
                del pending[port]
        if pending and time.perf_counter() - started > timeout:
            return None
    return served


def propagation(args):
    dp_ports = args.dp
    # The starting version, untimed: every data plane has connected and serves it.
    if request(args.cp_admin, "POST", "/config", version_config(args.upstream, 0)) != 201:
        print("hybrid_bench: the control plane refused POST /config", file=sys.stderr)
        return 1
    if wait_served(dp_ports, "/v0", args.streak, time.perf_counter(), 30.0) is None:
        print("hybrid_bench: the data planes do not serve the control plane's config after 30 s",
              file=sys.stderr)
        return 1
    results = []
    version = 0
    for trigger, count in (("post", args.pushes), ("file", args.file_pushes)):
        times, trigger_times = [], []
        for i in range(count):
            version += 1
            body = version_config(args.upstream, version)
            time.sleep(args.pause)
            started = time.perf_counter()
            if trigger == "post":
                status = request(args.cp_admin, "POST", "/config", body)
                trigger_times.append(time.perf_counter() - started)
                if status != 201:
                    print(f"hybrid_bench: POST /config {version} answered {status}",
                          file=sys.stderr)
                    return 1
            else:
                with open(args.cp_config, "wb") as f:
                    f.write(body)
            served = wait_served(dp_ports, f"/v{version}", args.streak, started, args.timeout)
            if served is None:
                print(f"hybrid_bench: push {i + 1} ({trigger}) not served everywhere after "
                      f"{args.timeout} s", file=sys.stderr)
                return 1
            times.append(served)
        results.append((trigger, times, trigger_times))
    for trigger, times, trigger_times in results:
        if not times:
            continue
        ms = [t * 1000 for t in times]
        trigger_ms = statistics.median(trigger_times) * 1000 if trigger_times else 0.0
        print(f"{trigger} {len(ms)} {statistics.median(ms):.2f} {percentile(ms, 0.99):.2f} "
              f"{max(ms):.2f} {trigger_ms:.2f}")
    return 0


# --- snapshot build ---------------------------------------------------------------------------

def big_config(args):
    lines = ['_format_version: "3.0"', "services:"]
    per_service = math.ceil(args.routes / args.services)
    for s in range(args.services):
        lines += [f"  - name: s{s}", f"    url: {args.upstream}", "    routes:"]
        for r in range(s * per_service, min(args.routes, (s + 1) * per_service)):
            lines += [f"      - name: r{r}", f'        paths: ["/s{s}/r{r}"]']
    lines.append("consumers:")
    for c in range(args.consumers):
        lines += [f"  - username: c{c}", "    jwt_secrets:",
                  f"      - key: key-{c}", "        algorithm: HS256",
                  f'        secret: "{os.urandom(16).hex()}"']
    with open(args.out, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    return 0


def post(args):
    with open(args.file, "rb") as f:
        body = f.read()
    hwm_before = proc_status_kib(args.pid, "VmHWM")
    started = time.perf_counter()
    status = request(args.admin, "POST", "/config", body, timeout=120.0)
    seconds = time.perf_counter() - started
    print(status, f"{seconds:.3f}", hwm_before, proc_status_kib(args.pid, "VmHWM"),
          proc_status_kib(args.pid, "VmRSS"))
    return 0


# --- reload storm -----------------------------------------------------------------------------

def storm_configs(upstream):
    plain = (f'_format_version: "3.0"\nservices:\n  - name: up\n    url: {upstream}\n'
             f'    routes:\n      - name: r\n        paths: ["/"]\n')
    extra = plain + '      - name: storm\n        paths: ["/storm"]\n'
    return plain.encode("ascii"), extra.encode("ascii")


def storm(args):
    plain, extra = storm_configs(args.upstream)
    if args.once:
        return 0 if request(args.admin, "POST", "/config", plain) == 201 else 1
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    latencies, failed = [], 0
    next_post = time.monotonic()
    while not stopping:
        body = extra if len(latencies) % 2 == 0 else plain
        started = time.perf_counter()
        if request(args.admin, "POST", "/config", body) != 201:
            failed += 1
        latencies.append(time.perf_counter() - started)
        next_post += args.interval
        time.sleep(max(0.0, next_post - time.monotonic()))
    if request(args.admin, "POST", "/config", plain) != 201:
        failed += 1
    ms = [t * 1000 for t in latencies] or [0.0]
    with open(args.out, "w", encoding="ascii") as f:
        f.write(f"{len(latencies)} {failed} {statistics.median(ms):.2f} {max(ms):.2f}\n")
    return 0


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("propagation")
    p.add_argument("--cp-admin", type=int, required=True)
    p.add_argument("--cp-config", required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--dp", type=int, action="append", required=True)
    p.add_argument("--pushes", type=int, default=100)
    p.add_argument("--file-pushes", type=int, default=10)
    p.add_argument("--streak", type=int, default=8)
    p.add_argument("--pause", type=float, default=0.05, help="seconds between pushes")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds a push may take")
    p.set_defaults(run=propagation)

    p = commands.add_parser("big-config")
    p.add_argument("--upstream", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--routes", type=int, default=10000)
    p.add_argument("--services", type=int, default=100)
    p.add_argument("--consumers", type=int, default=10000)
    p.set_defaults(run=big_config)

    p = commands.add_parser("post")
    p.add_argument("--admin", type=int, required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.set_defaults(run=post)

    p = commands.add_parser("storm")
    p.add_argument("--admin", type=int, required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--out")
    p.add_argument("--interval", type=float, default=0.1)
    p.add_argument("--once", action="store_true")
    p.set_defaults(run=storm)

    args = parser.parse_args()
    if args.command == "storm" and not args.once and not args.out:
        parser.error("storm needs --out unless --once")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
