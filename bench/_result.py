"""The benches' machine-readable figures (issue 20's one-command table, bench/table.py):

    RESULT {"figure": "<key>", "value": <number>, "baseline": <number or null>, "ratio": <number or null>,
            "unit": "ms", "backend": "sqlite", "note": "<short>"}

one line per figure, beside the human-readable lines. `ratio` is value ÷ baseline when both are known."""
from __future__ import annotations

import json


def result(figure: str, value, *, unit: str, backend: str, baseline=None, note: str = "", ratio=None) -> None:
    if ratio is None and value is not None and baseline:
        ratio = value / baseline
    line = {"figure": figure, "value": _round(value), "baseline": _round(baseline), "ratio": _round(ratio, 4),
            "unit": unit, "backend": backend, "note": note}
    print("RESULT " + json.dumps(line, ensure_ascii=False), flush=True)


def _round(number, digits: int = 3):
    return None if number is None else round(float(number), digits)
