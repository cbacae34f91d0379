"""A fresh install is complete after `flask --app wsgi db upgrade` (run as an operator runs it: a new
process, the real `flask` executable, in the first test; the others upgrade in a new app in this
process, as test_readme_commands.py and the cron and `make run` tests run the real executable): the
reports the README gives next build at once, each in a new app over that instance
(test_readme_commands.py runs them as real processes too)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from portal import PROJECT_ROOT
from support import PG_URL, PgSchema, flask_in_process

FLASK = str(Path(sys.executable).parent / "flask")


@pytest.fixture
def fresh_install(tmp_path, backend):
    """The environment of a new deployment: an empty instance folder, no database yet."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "FLASK_APP")}
    env["PORTAL_INSTANCE_PATH"] = str(tmp_path / "instance")
    schema = None
    if backend == "postgresql":
        schema = PgSchema(PG_URL)
        env["DATABASE_URL"] = schema.url
    yield env
    if schema is not None:
        schema.drop()


def flask(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([FLASK, "--app", "wsgi", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def flask_app(monkeypatch):
    """`flask --app wsgi ARGS` as a new app in this process (support.flask_in_process): a Python
    start per report costs two seconds, and test_readme_commands.py runs `reports build` of every
    channel as a real process."""
    def run(env, *args) -> subprocess.CompletedProcess:
        result = flask_in_process(monkeypatch, env, *args)
        return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)
    return run


def last_month() -> str:
    today = date.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def test_reports_build_right_after_db_upgrade(fresh_install, flask_app):
    upgrade = flask(fresh_install, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    assert "kalender hari kerja dibangun" in upgrade.stdout
    again = flask_app(fresh_install, "db", "upgrade")  # `make run` upgrades at every start (test_make_run.py)
    assert again.returncode == 0, again.stderr
    period = last_month()
    # The gratification report is offered per month and semester, WBS per semester only.
    semester = f"{period[:4]}-S{1 if int(period[5:]) <= 6 else 2}"
    for channel, code in (("complaints", period), ("gratification", period), ("wbs", semester)):
        done = flask_app(fresh_install, "reports", "build", "--channel", channel, "--period", code)
        assert done.returncode == 0, (channel, done.stdout, done.stderr)
        assert json.loads(done.stdout)["channel"] == channel


def test_skm_report_builds_right_after_db_upgrade(fresh_install, flask_app):
    """No survey answered yet: a clear empty SKM report (CONTRACT.md keys present), not an error."""
    assert flask_app(fresh_install, "db", "upgrade").returncode == 0
    done = flask_app(fresh_install, "reports", "build", "--channel", "skm", "--period", "2026-S1")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["channel"] == "skm"
    assert report["summary"]["respondents"] == 0
    assert {"nrr", "ikm", "mutu"} <= set(report["summary"])
    assert report["summary"]["ikm"] is None and report["summary"]["mutu"] is None
    csv_out = flask_app(fresh_install, "reports", "build", "--channel", "skm", "--period", "2026-10", "--format", "csv")
    assert csv_out.returncode == 0, csv_out.stderr
    assert "Belum ada responden" in csv_out.stdout


def test_conflict_of_interest_monev_builds_right_after_db_upgrade(fresh_install, flask_app):
    """The "coi" channel on an empty register: zero declarations and no mapped position, per semester."""
    assert flask_app(fresh_install, "db", "upgrade").returncode == 0
    done = flask_app(fresh_install, "reports", "build", "--channel", "coi", "--period", "2026-S2")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["channel"] == "coi" and report["period"]["code"] == "2026-S2"
    assert report["summary"]["declarations"] == 0 and report["summary"]["positions_mapped"] == 0
    assert [r["declared"] for r in report["tables"]["pernyataan"]["rows"]] == [0, 0]


def test_perception_report_builds_right_after_db_upgrade(fresh_install, flask_app):
    """The "perception" channel with the installed IPAK (6) and IPKP (8) statements and no answer yet."""
    assert flask_app(fresh_install, "db", "upgrade").returncode == 0
    done = flask_app(fresh_install, "reports", "build", "--channel", "perception", "--period", "2026-S2")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["channel"] == "perception" and report["summary"]["respondents"] == 0
    assert report["summary"]["ipak"] == {"respondents": 0, "index": None, "converted": None}
    assert [len(report["tables"][s]["rows"]) for s in ("ipak", "ipkp")] == [6, 8]
    assert "Belum ada responden survei persepsi" in " ".join(report["notes"])
