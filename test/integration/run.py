#!/usr/bin/env python3
"""Runs the integration tests and ends with one line: `integration: N passed, N failed,
N skipped`. Exit status 0 only when nothing failed.

    python3 test/integration/run.py                 # every test_*.py here
    python3 test/integration/run.py -k smuggling    # tests whose name contains "smuggling"
    python3 test/integration/run.py test_routing    # one module (or module.Class.test)
"""

import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", dest="patterns", action="append",
                        help="only tests whose name contains this (repeatable)")
    parser.add_argument("names", nargs="*", help="modules, classes or tests to run")
    args = parser.parse_args()

    sys.path.insert(0, HERE)
    import harness  # noqa: E402  (needs HERE on sys.path)

    if not os.access(harness.PORTICO_BIN, os.X_OK):
        print(f"no gateway binary at {harness.PORTICO_BIN} (bazel build //:portico)")
        print("integration: 0 passed, 1 failed")
        return 1

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [f"*{p}*" for p in args.patterns]
    if args.names:
        suite = loader.loadTestsFromNames(args.names)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    test_ids = _test_ids(suite)  # the runner empties the suite as it goes
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)

    # A test whose subtests failed several times, or a class whose setUpClass failed (no test of
    # it ran), counts as one failure; a test is counted once whatever happened to it.
    failed_ids = {_test_id(test) for test, _ in result.failures + result.errors}
    failed_ids |= {_test_id(test) for test in result.unexpectedSuccesses}
    skipped = len({_test_id(test) for test, _ in result.skipped} - failed_ids)
    failed = len(failed_ids)
    passed = max(result.testsRun - len(failed_ids & test_ids) - skipped, 0)
    line = f"integration: {passed} passed, {failed} failed"
    print(line + (f", {skipped} skipped" if skipped else ""))
    return 0 if failed == 0 else 1


def _test_id(test):
    """The id of the test itself, for a subtest too (a _SubTest wraps its test_case)."""
    return getattr(test, "test_case", test).id()


def _test_ids(suite):
    ids = set()
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            ids |= _test_ids(item)
        else:
            ids.add(item.id())
    return ids


if __name__ == "__main__":
    sys.exit(main())
