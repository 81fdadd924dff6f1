#!/usr/bin/env python3
"""Counts test results for tools/test; prints `PASSED FAILED SKIPPED` (three integers).

    count_results.py bazel LOG TESTLOGS   targets in a `bazel test` log, cases from their test.xml
    count_results.py summary LOG           the last `N passed, N failed[, N skipped]` line of a log
"""

import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

TARGET_LINE = re.compile(
    r"^(//\S+)\s+(?:\(cached\)\s+)?(PASSED|FLAKY|FAILED TO BUILD|FAILED|TIMEOUT|NO STATUS|"
    r"INCOMPLETE|SKIPPED)\b")
SUMMARY_LINE = re.compile(r"(\d+) passed, (\d+) failed(?:, (\d+) skipped)?")


def xml_counts(path):
    """(passed, failed, skipped) from the <testcase> elements of one JUnit XML file."""
    passed = failed = skipped = 0
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None or case.get("status") == "notrun":
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def bazel_counts(log_path, testlogs):
    totals = [0, 0, 0]
    with open(log_path, encoding="utf-8", errors="replace") as log:
        targets = [m.groups() for m in map(TARGET_LINE.match, log) if m]
    for label, status in targets:
        if status == "SKIPPED":
            totals[2] += 1
            continue
        package, _, name = label[2:].partition(":")
        xmls = glob.glob(os.path.join(testlogs, package, name, "**", "test.xml"), recursive=True)
        counts = [0, 0, 0]
        for path in xmls:
            try:
                counts = [a + b for a, b in zip(counts, xml_counts(path))]
            except ET.ParseError:
                counts[1] += 1
        # A target that failed without a failing case (a crash, a sanitizer report at exit,
        # a timeout, a build failure) still counts as one failure.
        if status not in ("PASSED", "FLAKY") and counts[1] == 0:
            counts[1] += 1
        if status in ("PASSED", "FLAKY") and sum(counts) == 0:
            counts[0] += 1
        if status not in ("PASSED", "FLAKY"):
            print(f"  {label}: {status}", file=sys.stderr)
        totals = [a + b for a, b in zip(totals, counts)]
    return totals


def summary_counts(log_path):
    with open(log_path, encoding="utf-8", errors="replace") as log:
        matches = [m for m in map(SUMMARY_LINE.search, log) if m]
    if not matches:
        return None
    passed, failed, skipped = matches[-1].groups()
    return [int(passed), int(failed), int(skipped or 0)]


def main(argv):
    if len(argv) == 4 and argv[1] == "bazel":
        counts = bazel_counts(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "summary":
        counts = summary_counts(argv[2])
        if counts is None:
            print(f"  no summary line in {argv[2]}", file=sys.stderr)
            counts = [0, 1, 0]
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(*counts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
