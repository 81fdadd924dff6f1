#!/usr/bin/env python3
"""Counts the user-space instructions a proxy executes per request, under valgrind's callgrind.

    instruction_count.py --name NAME --url URL --seconds S --connections C --core N \
        --client-core M --workdir DIR -- COMMAND [ARG...]

Starts COMMAND under callgrind pinned to core N, waits until URL answers, warms it up with wrk,
zeroes the counters, loads it with wrk (pinned to core M) for S seconds and dumps the counters.
Prints one line: `NAME INSTRUCTIONS REQUESTS`. Unlike CPU time, the count does not move with the
machine's speed or its neighbours, so two proxies compare to within a percent on a noisy machine;
it leaves out the kernel, which does the same socket work for either proxy.
"""

import argparse
import glob
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

WARMUP_SECONDS = 2
STARTUP_SECONDS = 60


def wait_until_answering(url, process):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"instruction_count: the proxy exited during startup ({url})")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"instruction_count: {url} did not answer within {STARTUP_SECONDS} s")


def run_wrk(url, seconds, connections, core):
    output = subprocess.run(
        ["taskset", "-c", str(core), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
        check=True, capture_output=True, text=True).stdout
    match = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    if match is None:
        raise SystemExit(f"instruction_count: no request count in wrk's output:\n{output}")
    return int(match.group(1))


def callgrind_control(option, pid):
    subprocess.run(["callgrind_control", option, str(pid)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def dumped_instructions(out_file):
    # Each dump is a part file (out.1, out.2, …); the newest holds the counts since the zeroing.
    parts = sorted(glob.glob(f"{out_file}.*"), key=os.path.getmtime)
    if not parts:
        raise SystemExit("instruction_count: callgrind wrote no dump")
    with open(parts[-1], encoding="utf-8", errors="replace") as dump:
        for line in dump:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise SystemExit(f"instruction_count: no totals in {parts[-1]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--core", type=int, required=True)
    parser.add_argument("--client-core", type=int, required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to measure")

    os.makedirs(args.workdir, exist_ok=True)
    out_file = os.path.join(args.workdir, "callgrind.out")
    for stale in glob.glob(f"{out_file}*"):
        os.remove(stale)
    with open(os.path.join(args.workdir, "valgrind.log"), "w") as log:
        process = subprocess.Popen(
            ["taskset", "-c", str(args.core), "valgrind", "--tool=callgrind",
             f"--callgrind-out-file={out_file}", *command],
            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_answering(args.url, process)
        run_wrk(args.url, WARMUP_SECONDS, args.connections, args.client_core)
        callgrind_control("--zero", process.pid)
        requests = run_wrk(args.url, args.seconds, args.connections, args.client_core)
        callgrind_control("--dump", process.pid)
        instructions = dumped_instructions(out_file)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    print(args.name, instructions, requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
