"""Issue 20's "Done means" table in one command: every figure beside its baseline and its goal.

    .venv/bin/python bench/table.py                       # SQLite, medians of 5 rounds
    .venv/bin/python bench/table.py --database-url postgresql://postgres@127.0.0.1:5432/test   # SQLite and PostgreSQL
    .venv/bin/python bench/table.py --quick               # fewer rounds, shorter windows, no slow baselines
    make bench-table [ARGS="--quick"]

1. Builds the dataset of ROWS complaints once and keeps it (bench/report_build.py's loader: SQLite
   DATA_DIR/complaints-1m.db, on PostgreSQL the schema bench_1m); later runs reuse it.
2. Finds the bench/*.py that print each figure (the `RESULT {json}` lines of bench/_result.py; a
   script provides a figure when its source names the figure's key) and runs each once per backend as
   a subprocess, with the options it has: --database-url, --rows/--data-dir (the kept dataset),
   --rounds (else it is run ROUNDS times and the median taken), --quick/--seconds in quick mode.
3. Prints the table (Markdown, ready for the issue's closing note): per backend the figure (median),
   its baseline from the same run, the goal and whether it is met; a figure no script printed is
   "not measured" with the reason. The scripts' own output goes to DATA_DIR/logs/.

The machine's load changes absolute figures; the baselines and ratios come from the same run.
Exit status 0, or 1 with --strict when a goal is missed or a figure is not measured.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

NOT_BENCHES = {"table.py", "run_all.py", "bare_app.py", "report_build.py"}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    goal: str  # as the issue writes it
    ok: object  # value -> bool
    unit: str
    group: str = ""  # a script naming this prefix (f"public_ratio_{page}") provides the figure

    def met(self, value) -> bool:
        return bool(self.ok(value))


def _le(limit):
    return lambda v: v <= limit


def _lt(limit):
    return lambda v: v < limit


def _ge(limit):
    return lambda v: v >= limit


FIGURES = [
    Figure("approval_25k_s", "approval of a month with 25k complaints", "< 10 s", _lt(10), "s"),
    Figure("approval_submissions_p99_ms", "… complaint submissions during it: p99", "< 1 s", _lt(1000), "ms"),
    Figure("approval_submissions_non201", "… complaint submissions during it: not 201", "0", lambda v: v == 0, ""),
    Figure("backoffice_ticket_ms", "back office at 1M: exact ticket search", "≤ 20 ms", _le(20), "ms", "backoffice_"),
    Figure("backoffice_search_hit_ms", "back office: text search (1 row in 7)", "≤ 100 ms", _le(100), "ms",
           "backoffice_"),
    Figure("backoffice_search_miss_ms", "back office: text search (no match)", "≤ 100 ms", _le(100), "ms",
           "backoffice_"),
    Figure("backoffice_overdue_ms", "back office: overdue filter", "≤ 50 ms", _le(50), "ms", "backoffice_"),
    Figure("backoffice_service_ms", "back office: service filter", "≤ 50 ms", _le(50), "ms", "backoffice_"),
    Figure("backoffice_last_page_ms", "back office: last page", "≤ 50 ms", _le(50), "ms", "backoffice_"),
    Figure("backoffice_dashboard_ms", "back office: dashboard", "≤ 50 ms", _le(50), "ms", "backoffice_"),
    Figure("backoffice_draft_ms", "back office: draft preparation + its page", "≤ 500 ms", _le(500), "ms",
           "backoffice_"),
    Figure("public_ratio_home", "public / ÷ bare hello", "≥ 0.5", _ge(0.5), "×", "public_ratio_"),
    Figure("public_ratio_form", "public /pengaduan/baru ÷ bare hello", "≥ 0.5", _ge(0.5), "×", "public_ratio_"),
    Figure("public_ratio_list", "public /laporan ÷ bare hello", "≥ 0.5", _ge(0.5), "×", "public_ratio_"),
    Figure("public_ratio_report", "public /laporan/<id> ÷ bare hello", "≥ 0.5", _ge(0.5), "×", "public_ratio_"),
    Figure("submit_ratio", "complaint submissions ÷ bare insert", "≥ 0.5", _ge(0.5), "×"),
    Figure("rss_after_10k_mb", "worker RSS after 10,000 mixed requests", "≤ 120 MB", _le(120), "MB"),
    Figure("wbs_tips_per_s", "WBS tips/s at 16 clients", "≥ 45", _ge(45), "/s"),
    Figure("wbs_errors", "WBS errors", "0", lambda v: v == 0, ""),
]
# Who is expected to print a figure no script names yet (for the "not measured" reason).
EXPECTED_FROM = {"approval_": "bench/publish.py", "backoffice_": "bench/backoffice.py",
                 "public_ratio_": "the public pages bench", "submit_ratio": "bench/complaint_submit.py",
                 "rss_after_10k_mb": "the memory bench", "wbs_": "bench/wbs_submit.py"}
RESULT = re.compile(r"^RESULT (\{.*\})\s*$")


@dataclass
class Run:
    """One bench script on one backend: its command, figures collected and what went wrong."""
    script: Path
    backend: str
    commands: list[str] = field(default_factory=list)
    values: dict[str, list[dict]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def providers(figures: list[Figure]) -> dict[str, list[Path]]:
    """figure key -> the bench scripts whose source names it (or its group's prefix in an f-string)."""
    found: dict[str, list[Path]] = {f.key: [] for f in figures}
    for path in sorted(HERE.glob("*.py")):
        if path.name in NOT_BENCHES or path.name.startswith("_"):
            continue
        source = path.read_text(encoding="utf-8")
        if "RESULT" not in source and "_result" not in source:
            continue
        for f in figures:
            if f'"{f.key}"' in source or f"'{f.key}'" in source or (f.group and f'f"{f.group}{{' in source):
                found[f.key].append(path)
    return found


def options_of(script: Path) -> set[str]:
    return set(re.findall(r'add_argument\(\s*"(--[a-z0-9-]+)"', script.read_text(encoding="utf-8")))


def command_for(script: Path, backend: str, args) -> tuple[list[str], bool]:
    """(argv, whether the script takes --rounds itself)."""
    have = options_of(script)
    argv = [sys.executable, str(script)]
    if backend == "postgresql":
        if "--database-url" not in have:
            raise LookupError(f"{script.name} has no --database-url")
        argv += ["--database-url", args.database_url]
    if "--rows" in have and "--data-dir" in have:
        argv += ["--rows", str(args.rows), "--data-dir", str(args.data_dir)]
    takes_rounds = "--rounds" in have
    if takes_rounds:
        argv += ["--rounds", str(args.rounds)]
    if args.no_slow_baselines and "--no-baseline" in have:
        argv += ["--no-baseline"]
    if args.quick:
        if "--quick" in have:
            argv += ["--quick"]
        elif "--seconds" in have:
            argv += ["--seconds", "3"]
    return argv, takes_rounds


def run_script(script: Path, backend: str, args, log_dir: Path) -> Run:
    run = Run(script, backend)
    try:
        argv, takes_rounds = command_for(script, backend, args)
    except LookupError as exc:
        run.problems.append(str(exc))
        return run
    times = 1 if takes_rounds else args.rounds
    log = log_dir / f"{script.stem}-{backend}.log"
    t0 = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        for i in range(times):
            shown = " ".join(shlex.quote(a) for a in [os.path.relpath(argv[0], ROOT), os.path.relpath(argv[1], ROOT)]
                             + argv[2:])
            run.commands.append(shown)
            print(f"  [{backend}] {shown}" + (f"   (run {i + 1}/{times})" if times > 1 else ""), flush=True)
            out.write(f"$ {shown}\n")
            out.flush()
            try:
                proc = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                      timeout=args.timeout)
            except subprocess.TimeoutExpired as exc:
                output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
                out.write(output)
                run.problems.append(f"{script.name} timed out after {args.timeout} s")
                break
            out.write(proc.stdout)
            for line in proc.stdout.splitlines():
                match = RESULT.match(line)
                if match:
                    try:
                        item = json.loads(match.group(1))
                    except ValueError:
                        continue
                    run.values.setdefault(item.get("figure", ""), []).append(item)
            if proc.returncode != 0:
                tail = [line for line in proc.stdout.splitlines() if line.strip()][-1:] or ["(no output)"]
                run.problems.append(f"{script.name} exited {proc.returncode}: {tail[0][:160]}")
                if not any(run.values.values()):
                    break
    run.seconds = time.perf_counter() - t0
    return run


def median_of(items: list[dict], name: str):
    numbers = [i[name] for i in items if isinstance(i.get(name), (int, float))]
    return statistics.median(numbers) if numbers else None


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "×":
        return f"{value:.2f}"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def cell(figure: Figure, items: list[dict] | None, reason: str) -> tuple[str, str, str]:
    """(value, baseline, verdict) cells of one figure on one backend."""
    if not items:
        return "not measured", "", reason
    value, baseline = median_of(items, "value"), median_of(items, "baseline")
    if value is None:
        return "not measured", "", "RESULT without a value"
    unit = items[0].get("unit") or figure.unit
    ratio = median_of(items, "ratio")
    if figure.unit == "×" and unit not in ("×", "ratio") and ratio is not None:
        # A ratio figure whose script printed the rates (req/s) beside each other: judged on the ratio.
        shown = f"{fmt(ratio, figure.unit)} ({fmt(value)} {unit})"
        base = f"{fmt(baseline)} {unit}" if baseline is not None else "–"
        value = ratio
    else:
        shown = f"{fmt(value, figure.unit)} {unit if unit not in ('×', 'count', '') else ''}".strip()
        base = f"{fmt(baseline, figure.unit)}" if baseline is not None else "–"
    runs = f" (median of {len(items)} runs)" if len(items) > 1 else ""
    return shown + runs, base, "met" if figure.met(value) else "**missed**"


def main() -> int:
    from report_build import DEFAULT_DATA_DIR, ensure_dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="also on PostgreSQL (kept schema bench_<rows> in this database)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"],
                        help="default: sqlite, or both when --database-url is given")
    parser.add_argument("--rows", type=int, default=1_000_000, help="complaints in the kept dataset")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where the kept dataset lives")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per figure (medians); at least 5 for the issue")
    parser.add_argument("--quick", action="store_true", help="2 rounds, short windows, no slow baselines")
    parser.add_argument("--no-slow-baselines", action="store_true",
                        help="skip baselines that take minutes (the old approval in one write transaction)")
    parser.add_argument("--only", default="", help="comma-separated bench names to run (e.g. backoffice,publish)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per bench script run")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed or not measured")
    args = parser.parse_args()
    if args.quick and args.rounds == 5:
        args.rounds = 2
    backend = args.backend or ("both" if args.database_url else "sqlite")
    backends = ["sqlite", "postgresql"] if backend == "both" else [backend]
    if "postgresql" in backends and not args.database_url:
        parser.error("--backend postgresql needs --database-url")

    started = datetime.now(timezone.utc)
    log_dir = Path(args.data_dir) / "logs" / started.strftime("%Y%m%dT%H%M%SZ")
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"bench/table.py: {args.rows:,} complaints, backends {', '.join(backends)}, "
          f"{args.rounds} rounds{' (quick)' if args.quick else ''}; logs in {log_dir}", flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    for b in backends:  # built once, kept: every later run (and every script) reuses it
        ensure_dataset(args.rows, args.data_dir, args.database_url if b == "postgresql" else None)

    found = providers(FIGURES)
    only = {n.strip().removesuffix(".py") for n in args.only.split(",") if n.strip()}
    scripts = sorted({p for paths in found.values() for p in paths if not only or p.stem in only})
    runs: dict[tuple[str, str], Run] = {}
    for script in scripts:
        for b in backends:
            print(f"{script.name} on {b} ...", flush=True)
            runs[(script.stem, b)] = run = run_script(script, b, args, log_dir)
            print(f"  {run.seconds:.0f} s; figures: {', '.join(sorted(run.values)) or 'none'}"
                  + (f"; problems: {'; '.join(run.problems)}" if run.problems else ""), flush=True)

    print()
    print(f"## Issue 20, done means — {args.rows:,} complaints, {started:%Y-%m-%d %H:%M} UTC, "
          f"load average {os.getloadavg()[0]:.1f} at the end on {os.cpu_count()} CPUs")
    print()
    header = "| figure | goal |" + "".join(f" {b} | baseline (same run) | |" for b in backends)
    print(header)
    print("|---|---|" + "---|---|---|" * len(backends))
    missed = 0
    for figure in FIGURES:
        row, first_reason = f"| {figure.label} | {figure.goal} |", None
        for b in backends:
            items, reason = None, ""
            sources = [p for p in found[figure.key] if not only or p.stem in only]
            if not sources:
                expected = next((v for k, v in EXPECTED_FROM.items() if figure.key.startswith(k)), "a bench")
                reason = f"no bench/*.py prints RESULT {figure.key} yet (expected from {expected})"
            for path in sources:
                run = runs.get((path.stem, b))
                if run and run.values.get(figure.key):
                    items = run.values[figure.key]
                    break
                if run:
                    reason = "; ".join(run.problems) or f"{path.name} printed no RESULT {figure.key}"
            value, baseline, verdict = cell(figure, items, reason)
            missed += verdict != "met"
            if not items and b != backends[0] and verdict == first_reason:
                verdict = "(as above)" if len(backends) == 1 else "(same reason)"
            if b == backends[0]:
                first_reason = verdict
            row += f" {value} | {baseline} | {verdict} |"
        print(row)
    print()
    print("Commands (run from the repository root):")
    print(f"  {' '.join(shlex.quote(a) for a in ['.venv/bin/python', 'bench/table.py'] + sys.argv[1:])}")
    for run in runs.values():
        for command in dict.fromkeys(run.commands):
            print(f"  {command}")
    notes = {}
    for figure in FIGURES:
        for b in backends:
            for path in found[figure.key]:
                items = runs.get((path.stem, b), Run(path, b)).values.get(figure.key)
                if items and items[0].get("note"):
                    notes.setdefault(figure.key, []).append(f"[{b}] {items[-1]['note']}")
    if notes:
        print("Notes (the last run's):")
        for key, lines in notes.items():
            print(f"  {key}: {' | '.join(lines)}")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
