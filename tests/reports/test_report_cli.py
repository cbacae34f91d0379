"""`flask --app wsgi reports build` (CONTRACT.md) and the channel registry."""
from __future__ import annotations

import csv
import io
import json

import pytest

import portal.reports as reports
from portal.reports import CONTRACT_CHANNELS, Column, Report, Table, register, registry
from portal.reports.periods import MONTH

import report_dataset


def run(runner, *args):
    return runner.invoke(args=["reports", "build", *args])


def test_json_output(app, runner):
    report_dataset.load(app)
    result = run(runner, "--channel", "complaints", "--period", "2026-10", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["channel"] == "complaints"
    assert data["period"]["code"] == "2026-10" and data["period"]["label"] == "Oktober 2026"
    assert data["received"] == 20 and data["summary"]["received"] == 20
    assert data["table_order"] == ["t1", "t1_status", "t2", "t3", "t4", "t5", "t6", "t7"]
    # JSON is the default format.
    assert json.loads(run(runner, "--channel", "complaints", "--period", "2026-10").output) == data


def test_semester_json_received_is_the_sum_of_its_months(app, runner):
    report_dataset.load(app)
    semester = json.loads(run(runner, "--channel", "complaints", "--period", "2026-S2").output)
    months = [json.loads(run(runner, "--channel", "complaints", "--period", f"2026-{m:02d}").output)
              for m in range(7, 13)]
    assert semester["received"] == sum(m["received"] for m in months) > 0
    assert semester["period"]["label"] == "Semester II 2026"
    assert "trend" in semester["tables"] and "months" in semester["tables"]


def test_csv_output(app, runner):
    cases = report_dataset.load(app)
    result = run(runner, "--channel", "complaints", "--period", "2026-10", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert "Oktober 2026" in rows[0][0]
    sections = [row[0] for row in rows if row and row[0].startswith("[")]
    assert [s.split("]")[0] + "]" for s in sections] == ["[t1]", "[t1_status]", "[t2]", "[t3]", "[t4]", "[t5]", "[t6]", "[t7]"]
    # The T1 section: header, one row per channel, then the total row.
    at = next(i for i, row in enumerate(rows) if row and row[0].startswith("[t1]"))
    header = rows[at + 1]
    assert header[:4] == ["Kode kanal", "Kanal", "Saldo awal", "Masuk"]
    total = next(row for row in rows[at + 2:] if row[1] == "Jumlah")
    assert total[2:] == ["16", "20", "18", "11", "10", "4", "22"]  # verified: every outcome (issue 13)
    t6 = next(i for i, row in enumerate(rows) if row and row[0].startswith("[t6]"))
    listed = {row[0] for row in rows[t6 + 2:] if row and row[0].startswith("PGD-")}
    assert {c.ticket for c in cases if c.privacy == "open" and c.submitted_on.month == 10} == listed


@pytest.mark.parametrize("period, message", [
    ("2026-13", "bulan harus 01–12"),
    ("2026-S3", "semester harus S1 atau S2"),
    ("abc", "tidak dikenali"),
])
def test_bad_period_exits_2(runner, period, message):
    result = run(runner, "--channel", "complaints", "--period", period)
    assert result.exit_code == 2
    assert "--period" in result.output and message in result.output


def test_unknown_channel_exits_2(runner):
    result = run(runner, "--channel", "parking", "--period", "2026-10")
    assert result.exit_code == 2
    assert "--channel" in result.output and "tidak dikenal" in result.output and "complaints" in result.output


def test_every_contract_channel_builds_a_semester_report(runner):
    for channel in CONTRACT_CHANNELS:
        result = run(runner, "--channel", channel, "--period", "2026-S1", "--format", "json")
        assert result.exit_code == 0, (channel, result.output)
        assert json.loads(result.output)["channel"] == channel


def test_wbs_refuses_a_monthly_report_with_a_clear_message(runner):
    result = run(runner, "--channel", "wbs", "--period", "2026-10")
    assert result.exit_code == 2
    assert "semester" in result.output.lower()


def test_bad_format_and_missing_options_exit_2(runner):
    assert run(runner, "--channel", "complaints", "--period", "2026-10", "--format", "xml").exit_code == 2
    assert run(runner, "--channel", "complaints").exit_code == 2


def test_emptied_calendar_is_built_again_by_the_report(app, runner):
    from portal.extensions import db
    from portal.models import CalendarDay

    report_dataset.load(app)
    before = json.loads(run(runner, "--channel", "complaints", "--period", "2026-10").output)
    with app.app_context():
        db.session.execute(CalendarDay.__table__.delete())
        db.session.commit()
    result = run(runner, "--channel", "complaints", "--period", "2026-10")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"] == before["summary"]


@pytest.fixture
def dummy_channel():
    """A channel registered the way gratification/WBS modules will register theirs."""
    reports.registry()  # load the built-in modules first

    @register("dummy-wbs", "Uji", kinds=("semester",))
    def build(period):
        table = Table("counts", "Jumlah", [Column("what", "Apa"), Column("n", "Jumlah")], [{"what": "masuk", "n": "< 3"}])
        return Report("dummy-wbs", period, f"Uji {period.label}", 2, {"received": 2}, [table])

    yield
    reports._REGISTRY.pop("dummy-wbs")


def test_registry_is_open_to_other_channels(runner, dummy_channel):
    result = run(runner, "--channel", "dummy-wbs", "--period", "2026-S1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["received"] == 2 and data["tables"]["counts"]["rows"] == [{"what": "masuk", "n": "< 3"}]
    csv_out = run(runner, "--channel", "dummy-wbs", "--period", "2026-S1", "--format", "csv").output
    assert "masuk,< 3" in csv_out
    monthly = run(runner, "--channel", "dummy-wbs", "--period", "2026-10")
    assert monthly.exit_code == 2 and "hanya tersedia semester" in monthly.output
    assert MONTH in registry()["complaints"].kinds
