"""`make bench`: run every benchmark script in bench/ (or only those named), one after another.

    .venv/bin/python bench/run_all.py [complaint_submit kdf_params …]

A benchmark is a bench/*.py with a `__main__` guard; helper modules (bare_app.py, this file,
names starting with "_") are not run. Exits non-zero when any benchmark does.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELPERS = {"run_all.py", "bare_app.py", "table.py"}  # table.py runs the others itself (make bench-table)


def benchmarks() -> list[Path]:
    found = []
    for path in sorted(HERE.glob("*.py")):
        if path.name in HELPERS or path.name.startswith("_"):
            continue
        if 'if __name__ == "__main__"' in path.read_text(encoding="utf-8"):
            found.append(path)
    return found


def main(names: list[str]) -> int:
    scripts = benchmarks()
    if names:
        wanted = {n.removesuffix(".py") for n in names}
        unknown = wanted - {p.stem for p in scripts}
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {[p.stem for p in scripts]}")
            return 2
        scripts = [p for p in scripts if p.stem in wanted]
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        began = time.monotonic()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"--- {script.name}: exit {code}, {time.monotonic() - began:.0f} s", flush=True)
        if code:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
