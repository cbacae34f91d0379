"""Complaint report figures: the SQL aggregates against an independent recount of hand-made cases."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import CalendarDay
from portal.reports import build_report
from portal.reports.aggregate import median, median_by_offset
from portal.reports.complaints import public_summary
from portal.reports.periods import Period
from portal.workflow import COMPLAINTS

import report_dataset

MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2026-03", "2026-01"]
BALANCE = ("opening", "received", "verified", "in_process", "completed", "dropped", "closing")


@pytest.fixture
def seeded(app):
    return report_dataset.load(app)


def build(app, code):
    with app.app_context():
        return build_report("complaints", Period.parse(code))


def test_october_by_hand(app, seeded):
    """A few figures counted by hand from the case list, to anchor the recount itself."""
    data = build(app, "2026-10").as_dict()
    s = data["summary"]
    # Verified in October: 14 verified into Terdisposisi (pending-then-verified no longer: it was
    # verified into Tertunda on 23 September), plus 5 verified straight into Arsip, Bukan Kewenangan
    # or Tertunda (archived-oct, legacy-archived-oct, oct-archived, oct-notauth, oct-pending): 18.
    assert (s["opening"], s["received"], s["verified"], s["completed"], s["dropped"], s["closing"]) == (
        16, 20, 18, 10, 4, 22)
    assert s["in_process"] == 11
    assert data["received"] == 20
    status = data["tables"]["t1_status"]["total"]
    assert {k: status[k] for k in COMPLAINTS.statuses} == {
        "unverified": 8, "dispositioned": 4, "in_progress": 7, "pending": 3,
        "completed": 9, "not_authority": 1, "archived": 3, "closed": 1}
    assert s["completion_rate"] == 27.8  # 10 / (16 + 20)
    assert s["ratings"] == 10 and s["mean_rating"] == 3.0
    assert s["rating_distribution"] == {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2}
    t6 = [row["ticket"] for row in data["tables"]["t6"]["rows"]]
    assert len(t6) == 18


@pytest.mark.parametrize("code", MONTHS)
def test_monthly_figures_match_recount(app, seeded, code):
    period = Period.parse(code)
    with app.app_context():
        expected = report_dataset.recount(seeded, period)
        report = build_report("complaints", period)
    data = json.loads(report.to_json())

    # T1 per channel, overall, and the status at the end of the period.
    t1 = {row["channel"]: row for row in data["tables"]["t1"]["rows"]}
    t1_status = {row["channel"]: row for row in data["tables"]["t1_status"]["rows"]}
    for channel, row in t1.items():
        want = expected["per_channel"].get(channel)
        if want is None:
            assert all(row[k] == 0 for k in BALANCE), channel
            continue
        assert {k: row[k] for k in BALANCE} == {k: want[k] for k in BALANCE}, channel
        assert {k: t1_status[channel][k] for k in COMPLAINTS.statuses} == want["status"], channel
    assert set(expected["per_channel"]) <= set(t1)  # unknown channel codes get their own row
    total = expected["total"]
    assert {k: data["tables"]["t1"]["total"][k] for k in BALANCE} == {k: total[k] for k in BALANCE}
    assert {k: data["summary"][k] for k in BALANCE} == {k: total[k] for k in BALANCE}
    assert data["received"] == total["received"]
    # The balance identity.
    s = data["summary"]
    assert s["closing"] == s["opening"] + s["received"] - s["completed"] - s["dropped"]

    # T2: service × problem of the received.
    t2 = data["tables"]["t2"]
    got = {(row["service"], p): row[p] for row in t2["rows"] for p in (c["key"] for c in t2["columns"][2:-1])}
    assert {k: v for k, v in got.items() if v} == expected["t2"]
    assert t2["total"]["total"] == total["received"]

    # T4: timeliness against the workflow's SLAs.
    t4 = {row["measure"]: row for row in data["tables"]["t4"]["rows"]}
    for measure in ("verification", "first_response", "completion"):
        assert {k: t4[measure][k] for k in ("total", "on_time", "late", "pct")} == expected["t4"][measure], measure
    assert s["mean_workdays_to_complete"] == expected["t4"]["mean"]
    assert s["median_workdays_to_complete"] == expected["t4"]["median"]
    assert t4["completion"]["total"] == s["completed"]

    # T5 and T7.
    assert s["completion_rate"] == expected["t5"]
    assert data["tables"]["t5"]["total"]["rate"] == expected["t5"]
    assert {"count": s["ratings"], "mean": s["mean_rating"], "distribution": s["rating_distribution"]} == expected["t7"]
    assert data["tables"]["t7"]["total"]["count"] == expected["t7"]["count"]

    # T6: the public list.
    rows = [{k: row[k] for k in ("ticket", "submitted_on", "follow_ups", "status")}
            for row in data["tables"]["t6"]["rows"]]
    assert rows == expected["t6"]


def test_sla_values_come_from_the_workflow(app, seeded, monkeypatch):
    from dataclasses import replace

    # The workflow is a frozen dataclass: patch its dict's entry in place, restored afterwards.
    original = COMPLAINTS.statuses["unverified"]
    monkeypatch.setitem(COMPLAINTS.statuses, "unverified", replace(original, sla_days=1))
    data = build(app, "2026-10").as_dict()
    assert data["summary"]["sla_workdays"]["verification"] == 1
    t4 = {row["measure"]: row for row in data["tables"]["t4"]["rows"]}
    assert t4["verification"]["sla_workdays"] == 1
    with app.app_context():
        expected = report_dataset.recount(seeded, Period.parse("2026-10"))
    assert {k: t4["verification"][k] for k in ("total", "on_time", "late", "pct")} == expected["t4"]["verification"]
    assert t4["verification"]["late"] > 0


def test_admin_sla_override_is_used(app, seeded):
    from portal.models import SlaSetting

    with app.app_context():
        db.session.add(SlaSetting(channel="complaints", status="in_progress", days=10, basis="SK Kepala Dinas (uji)"))
        db.session.commit()
    with app.app_context():
        data = build_report("complaints", Period.parse("2026-10")).as_dict()
        expected = report_dataset.recount(seeded, Period.parse("2026-10"))
    t4 = {row["measure"]: row for row in data["tables"]["t4"]["rows"]}
    assert t4["completion"]["sla_workdays"] == 10 == data["summary"]["sla_workdays"]["completion"]
    assert {k: t4["completion"][k] for k in ("total", "on_time", "late", "pct")} == expected["t4"]["completion"]
    assert 0 < t4["completion"]["late"] < t4["completion"]["total"]
    assert "SK Kepala Dinas (uji)" in data["tables"]["t4"]["note"]


def test_semester_aggregates_its_months(app, seeded):
    with app.app_context():
        semester = build_report("complaints", Period.parse("2026-S2"))
        months = [build_report("complaints", m) for m in Period.parse("2026-S2").months()]
        previous = build_report("complaints", Period.parse("2026-S1"))
    data = json.loads(semester.to_json())
    assert data["received"] == sum(m.received for m in months)
    s = data["summary"]
    for key in ("received", "verified", "completed", "dropped"):
        assert s[key] == sum(m.summary[key] for m in months), key
    assert s["opening"] == months[0].summary["opening"]
    assert s["closing"] == months[-1].summary["closing"]
    # Status at the semester's end: the closing cases as in December's report.
    end_status = data["tables"]["t1_status"]["total"]
    december = months[-1].as_dict()["tables"]["t1_status"]["total"]
    for code in ("unverified", "pending", "dispositioned", "in_progress"):
        assert end_status[code] == december[code], code
    by_month = data["tables"]["months"]
    assert [r["period"] for r in by_month["rows"]] == [m.period.code for m in months]
    for row, month in zip(by_month["rows"], months):
        assert {k: row[k] for k in ("opening", "received", "verified", "completed", "dropped", "closing")} == {
            k: month.summary[k] for k in ("opening", "received", "verified", "completed", "dropped", "closing")}
    assert by_month["total"]["received"] == data["received"]
    # Ratings and timeliness over the semester are those of its months together.
    assert s["ratings"] == sum(m.summary["ratings"] for m in months)
    t4_total = sum(m.table("t4").rows[2]["total"] for m in months)
    assert semester.table("t4").rows[2]["total"] == t4_total
    # Trend against the first semester.
    trend = {row["figure"]: row for row in data["tables"]["trend"]["rows"]}
    assert trend["received"]["current"] == data["received"]
    assert trend["received"]["previous"] == previous.received
    assert trend["received"]["change"] == data["received"] - previous.received
    assert trend["completion_rate"]["previous"] == previous.summary["completion_rate"]
    assert data["period"] == {"code": "2026-S2", "kind": "semester", "label": "Semester II 2026",
                              "start": "2026-07-01", "end": "2026-12-31"}
    assert "t6" not in data["tables"]


def test_semester_recount(app, seeded):
    """The semester's own balance is the recount over July–December as one period."""
    period = Period.parse("2026-S2")
    with app.app_context():
        expected = report_dataset.recount(seeded, period)
        data = build_report("complaints", period).as_dict()
    assert {k: data["summary"][k] for k in BALANCE} == {k: expected["total"][k] for k in BALANCE}
    assert data["summary"]["median_workdays_to_complete"] == expected["t4"]["median"]


def test_report_dict_has_stable_keys(app, seeded):
    empty = build(app, "2021-01").as_dict()  # before any case: nothing at all
    full = build(app, "2026-10").as_dict()
    assert empty.keys() == full.keys()
    assert empty["summary"].keys() == full["summary"].keys()
    assert empty["tables"].keys() == full["tables"].keys()
    for key in full["tables"]:
        assert [c["key"] for c in empty["tables"][key]["columns"]] == [c["key"] for c in full["tables"][key]["columns"]]
    assert empty["received"] == 0
    assert empty["summary"]["completion_rate"] is None
    assert empty["summary"]["median_workdays_to_complete"] is None
    assert empty["tables"]["t6"]["rows"] == []
    # Every catalogue channel has a row, even with nothing in it.
    assert {"web", "lapor", "whatsapp"} <= {row["channel"] for row in empty["tables"]["t1"]["rows"]}
    json.dumps(full)  # serialisable as is


def test_period_label_and_title(app, seeded):
    data = build(app, "2026-10").as_dict()
    assert data["period"]["label"] == "Oktober 2026"
    assert "Oktober 2026" in data["title"]
    assert data["channel"] == "complaints"


def test_calendar_that_stops_before_the_period_is_extended_with_the_same_figures(app, seeded):
    whole = build(app, "2026-10").as_dict()
    with app.app_context():
        db.session.execute(CalendarDay.__table__.delete().where(CalendarDay.day >= Period.parse("2026-10").start))
        db.session.commit()
    assert build(app, "2026-10").as_dict()["summary"] == whole["summary"]
    with app.app_context():
        assert db.session.get(CalendarDay, Period.parse("2026-10").end) is not None


# --- Median ----------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [[5], [3, 9], [7, 1, 4], [10, 2, 8, 4], [1, 1, 2, 9, 9], [6, 6, 6, 1, 2, 3]])
def test_median_in_sql_for_odd_and_even_counts(app, days):
    """Working-day indexes of chosen calendar rows stand in for durations."""
    import statistics

    with app.app_context():
        rows = db.session.execute(select(CalendarDay.day, CalendarDay.workday_index).order_by(CalendarDay.day)).all()
        first = rows[0][1]
        # Pick one calendar day per wanted value (index - first == value); duplicates via UNION ALL.
        by_value = {}
        for day, index in rows:
            by_value.setdefault(index - first, day)
        from sqlalchemy import literal, union_all

        parts = [select((CalendarDay.workday_index - literal(first)).label("x")).where(CalendarDay.day == by_value[v])
                 for v in days]
        stmt = union_all(*parts)
        want = float(statistics.median(days))
        assert median(select(stmt.subquery().c.x), len(days)) == want
        assert median_by_offset(stmt.subquery(), len(days)) == want  # the portable path, on every backend
        assert median(select(stmt.subquery().c.x), 0) is None


def test_median_of_the_report_odd_month(app, seeded):
    """September has an odd number of completions, October an even one."""
    with app.app_context():
        sept = report_dataset.recount(seeded, Period.parse("2026-09"))
        octo = report_dataset.recount(seeded, Period.parse("2026-10"))
    assert sept["t4"]["completion"]["total"] % 2 == 1
    assert octo["t4"]["completion"]["total"] % 2 == 0
    assert build(app, "2026-09").summary["median_workdays_to_complete"] == sept["t4"]["median"]
    assert build(app, "2026-10").summary["median_workdays_to_complete"] == octo["t4"]["median"]


# --- Public list -----------------------------------------------------------------------------


def test_public_summary_redacts_numbers_and_addresses():
    text = public_summary("Hubungi 0812-3456-7890 / NIK 3604015203900099 / budi@example.org", "x")
    assert "0812" not in text and "3604015203900099" not in text and "example.org" not in text
    assert public_summary("Antrean jam 08.00 hari Senin", "x") == "Antrean jam 08.00 hari Senin"
    # Commas, colons or underscores between the groups do not get a NIK through (issue 13).
    for split in ("3604,0152,0390,0099", "3604:0152:0390:0099", "3604_0152_0390_0099", "3604, 0152, 0390"):
        assert "3604" not in public_summary(f"NIK {split}", "x"), split
    assert public_summary(None, "Pelayanan lambat") == "Pelayanan lambat"
    long = public_summary("a" * 500, "x")
    assert len(long) == 100 and long.endswith("…")


def test_public_list_has_only_open_complaints_and_no_personal_data(app, seeded):
    with app.app_context():
        reports = [build_report("complaints", Period.parse(code)) for code in
                   ("2026-09", "2026-10", "2026-11", "2026-S2")]
    hidden = {c.ticket for c in seeded if c.privacy != "open"}
    listed = {row["ticket"] for r in reports if "t6" in r.as_dict()["tables"] for row in r.table("t6").rows}
    assert listed and not listed & hidden
    october = {c.key: c for c in seeded}
    assert october["oct-quick"].ticket in listed
    assert october["oct-anonymous"].ticket not in listed
    assert october["oct-confidential"].ticket not in listed
    for report in reports:
        for text in (report.to_json(), report.to_csv()):
            for c in seeded:
                for secret in (c.name, c.nik, c.phone, c.phone.replace("-", ""), c.email, c.address, c.description):
                    assert secret not in text, (c.key, secret)
                # No complaint's own subject is published, open ones included (T6 shows staff's words).
                assert c.subject is None or c.subject not in text, c.key
            for secret in ("0812-3456-7890", "3604015203900099", "budi.santoso@example.org", "Ditangani oleh",
                           "Tindak lanjut untuk"):
                assert secret not in text
    row = next(r for r in reports[1].table("t6").rows if r["ticket"] == october["oct-long-subject"].ticket)
    assert row["summary"] == "KTP elektronik (KTP-el) — Pelayanan lambat / tidak selesai"  # service — problem
