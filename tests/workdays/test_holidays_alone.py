"""portal.workdays loads only Indonesia from the `holidays` package (its other ~300 countries cost each worker
~7 MB, issue 20): the holidays it reads must be the whole package's, date for date and name for name."""
from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from portal import workdays
mine = {y: {str(d): list(h) for d, h in workdays.package_holidays(y).items()} for y in range(2019, 2037)}
alone = sorted(m for m in sys.modules if m.startswith("holidays.countries."))
import holidays.countries  # the real package now: every country, Indonesia already loaded
whole = {}
for y in range(2019, 2037):
    public = holidays.country_holidays("ID", years=y, categories=("public",), language="id")
    government = holidays.country_holidays("ID", years=y, categories=("government",), language="id")
    days = {str(d): [n, workdays.SOURCE_CUTI_BERSAMA] for d, n in government.items()}
    days.update({str(d): [n, workdays.SOURCE_NATIONAL] for d, n in public.items()})
    whole[y] = dict(sorted(days.items()))
print(json.dumps({"mine": mine, "whole": whole, "alone": alone,
                  "countries": len([m for m in sys.modules if m.startswith("holidays.countries.")])}))
"""


def test_the_holidays_read_are_the_whole_packages_and_no_other_country_is_loaded():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    found = json.loads(done.stdout)
    assert found["alone"] == ["holidays.countries.indonesia"]
    assert found["countries"] > 100  # the real package, imported afterwards, still has every country
    assert found["mine"] == found["whole"]
    assert sum(len(days) for days in found["mine"].values()) > 18 * 10
