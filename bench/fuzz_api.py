"""Fuzz the public API with schemathesis against its own OpenAPI document, on a live gunicorn.

    .venv/bin/python bench/fuzz_api.py [--requests 10000] [--max-examples 300] [--database-url URL]

1. A throw-away instance and database (`flask db upgrade`), served by `gunicorn -w 2`
   (RATELIMIT_ENABLED=0, so the fuzzer reaches the handlers instead of 429s) with an access log
   that records only status, method and path.
2. `st run http://…/api/v1/openapi.json --checks not_a_server_error,response_schema_conformance
   --max-examples N` (every operation in the document, all phases: coverage, fuzzing,
   stateful), repeated with a new seed until the server has answered at least REQUESTS requests.
   bench/fuzz_hooks.py (SCHEMATHESIS_HOOKS) turns some generated cases into JSON nested ~2,000
   deep and puts Unicode digits ('²', '٣') into body fields, query and path parameters.
3. Prints the totals: requests the server answered (counted from its access log), test cases
   schemathesis generated, 5xx answers, and the failures schemathesis reports (server errors,
   responses that do not match the documented schema). Exits 1 on any of them.

Needs schemathesis 4 (in the dev extra; `pip install -e '.[fuzz]'` also installs it).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from crash_safety import BIN, Deployment, Gunicorn, SchemaLag, add_init_option  # noqa: E402

CHECKS = "not_a_server_error,response_schema_conformance"
# Status first: a fuzzed path may hold a line break, which gunicorn writes as it is.
ACCESS_FORMAT = "%(s)s %(m)s %(U)s"
ACCESS_LINE = re.compile(r"^(\d{3}) ([A-Z]+) (/\S*)")


def st_command() -> str | None:
    found = BIN / "st"
    if found.exists():
        return str(found)
    return shutil.which("st")


def read_access_log(path: Path) -> tuple[Counter, Counter]:
    """(status counts, "METHOD /path" counts) of API requests, the schema downloads left out."""
    statuses, operations = Counter(), Counter()
    if not path.exists():
        return statuses, operations
    for line in path.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.match(line)
        if not match:
            continue  # the rest of a path that held a line break
        status, method, target = match.groups()
        if not target.startswith("/api/v1") or target == "/api/v1/openapi.json":
            continue
        statuses[int(status)] += 1
        # Group path parameters (tickets) so the table stays short.
        operations[f"{method} " + re.sub(r"^(/api/v1/(complaints|gratifications))/.+$", r"\1/{ticket}", target)] += 1
    return statuses, operations


def classify(failure: dict) -> str:
    text = f"{failure.get('type', '')} {failure.get('title', '')}".lower()
    if "server error" in text or "servererror" in text:
        return "server_error"
    if "schema" in text:
        return "schema_mismatch"
    return "other"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000, help="keep fuzzing until the server answered this many")
    parser.add_argument("--max-examples", type=int, default=300, help="schemathesis --max-examples per operation and run")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--st-workers", default="2", help="schemathesis concurrent workers")
    parser.add_argument("--database-url", help="PostgreSQL URL (postgresql://…); default SQLite in a temp dir")
    parser.add_argument("--max-runs", type=int, default=30)
    add_init_option(parser)
    args = parser.parse_args(argv)

    st = st_command()
    if st is None:
        print("skipped: schemathesis is not installed (.venv/bin/pip install -e '.[fuzz]')")
        return 0

    deployment = Deployment(args.database_url)
    access_log = deployment.workdir / "access.log"
    server = None
    failures: dict[tuple, dict] = {}
    generated = 0
    runs = 0
    began = time.monotonic()
    statuses, operations = Counter(), Counter()
    try:
        try:
            deployment.migrate(args.init)
        except SchemaLag as lag:
            print(f"cannot run: {lag}")
            return 2
        server = Gunicorn(deployment.env, deployment.workdir, name="fuzz",
                          extra_args=("--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT)).start()
        server.wait_ready()
        url = f"http://127.0.0.1:{server.port}/api/v1/openapi.json"
        print(f"# schemathesis against {url}: gunicorn -w 2, {deployment.backend}, checks {CHECKS}, "
              f"--max-examples {args.max_examples} per operation and run, until >= {args.requests} requests", flush=True)
        while runs < args.max_runs:
            statuses, _ops = read_access_log(access_log)
            if sum(statuses.values()) >= args.requests:
                break
            report = deployment.workdir / f"st-{runs}.json"
            seed = args.seed + runs
            done = subprocess.run(
                [st, "run", url, "--checks", CHECKS, "--max-examples", str(args.max_examples), "--seed", str(seed),
                 "--workers", args.st_workers, "--generation-database", "none", "--no-color",
                 "--report", "json", "--report-json-path", str(report), "--request-timeout", "30"],
                # st keeps a .schemathesis/ cache in its working directory: the throw-away one, not the repo.
                cwd=deployment.workdir, capture_output=True, text=True,
                # Deep JSON and Unicode digits on top of what the document describes (bench/fuzz_hooks.py).
                env={**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "fuzz_hooks.py")})
            runs += 1
            if not report.exists():
                print(done.stdout[-4000:], done.stderr[-2000:])
                print("FAILED: schemathesis did not write its report")
                return 1
            data = json.loads(report.read_text())
            generated += data["test_cases"]["generated"]
            for failure in data.get("failures", []):
                key = (failure.get("code"), failure.get("title"), tuple(failure.get("operations", [])))
                known = failures.setdefault(key, {**failure, "count": 0})
                known["count"] += failure.get("count", 1)
            for error in data.get("errors", []):
                key = ("error", str(error)[:200], ())
                failures.setdefault(key, {"type": "error", "title": str(error)[:200], "count": 0})["count"] += 1
            statuses, _ops = read_access_log(access_log)
            print(f"run {runs} (seed {seed}): {data['test_cases']['generated']} test cases, "
                  f"{len(data.get('failures', []))} failure kinds, exit {done.returncode}; "
                  f"server answered {sum(statuses.values())} API requests so far", flush=True)
            if data.get("failures"):
                print(done.stdout[-6000:], flush=True)
    finally:
        if server is not None:
            server.stop()
        statuses, operations = read_access_log(access_log)
        deployment.close()

    total = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    kinds = Counter()
    for failure in failures.values():
        kinds[classify(failure)] += failure["count"]
    print("requests by operation:")
    rare = 0
    for op, n in operations.most_common():
        if n >= 10:
            print(f"  {op:<40} {n:7d}")
        else:
            rare += n
    if rare:
        print(f"  {'(undocumented methods and probes)':<40} {rare:7d}")
    print(f"answers by status: {dict(sorted(statuses.items()))}")
    for failure in failures.values():
        print(f"  FAILURE {failure.get('code', '')} {failure.get('title')} on {', '.join(failure.get('operations', []))}"
              f" (x{failure['count']})")
    print(f"requests={total} test_cases={generated} runs={runs} server_errors_5xx={server_errors} "
          f"schemathesis_server_errors={kinds['server_error']} schema_mismatches={kinds['schema_mismatch']} "
          f"other_failures={kinds['other']} seconds={time.monotonic() - began:.0f}")
    ok = total >= args.requests and server_errors == 0 and not failures
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
