"""Gratification report figures: SQL aggregates against an independent recount in Python of
seeded reports (month boundaries, late reports, forwarding and KPK decisions in later months,
reports without a value, a month with nothing: "nihil"), and semester = sum of its months."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import pytest

from portal.catalog import GRATIFICATION_ITEMS
from portal.extensions import db
from portal.models import GratificationReport
from portal.reports import build_report
from portal.reports.gratification import FIGURE_KEYS, MONTH_KEYS, NIHIL_SENTENCE
from portal.reports.periods import Period

# Publishing is only for periods that have ended (tests/reports/conftest.py).
pytestmark = pytest.mark.usefixtures("periods_ended")

ITEMS = list(GRATIFICATION_ITEMS)
NIHIL_MONTHS = ("2026-03", "2026-08")  # nothing received (a forward / decision still happens in March)


@dataclass
class Seed:
    ticket: str
    action: str
    item_type: str
    value: int | None
    submitted_on: date
    late: bool
    forwarded_to: str | None = None
    forwarded_on: date | None = None
    decision: str | None = None
    decided_on: date | None = None
    reporter_name: str = ""
    reporter_nip: str = ""


def make_seeds() -> list[Seed]:
    rng = random.Random(20260)
    seeds: list[Seed] = []

    def add(**kw):
        n = len(seeds) + 1
        seeds.append(Seed(ticket=f"GRT-2026-{n:06d}", reporter_name=f"Pegawai Uji {n}",
                          reporter_nip=f"1987051220100120{n:02d}", **kw))

    # Hand-made edge cases.
    add(action="accepted", item_type="uang", value=1_500_000, submitted_on=date(2026, 1, 31), late=False,
        forwarded_to="kpk", forwarded_on=date(2026, 2, 12), decision="milik_negara", decided_on=date(2026, 3, 20))
    add(action="accepted", item_type="barang", value=None, submitted_on=date(2026, 2, 1), late=True,
        forwarded_to="upg_kabupaten", forwarded_on=date(2026, 3, 2))
    add(action="refused", item_type="voucher", value=500_000, submitted_on=date(2026, 6, 30), late=False)
    add(action="accepted", item_type="parsel", value=750_000, submitted_on=date(2026, 7, 1), late=True,
        forwarded_to="kpk", forwarded_on=date(2026, 7, 10), decision="milik_penerima", decided_on=date(2026, 9, 1))
    add(action="accepted", item_type="uang", value=2_000_000, submitted_on=date(2025, 12, 31), late=False,
        forwarded_to="kpk", forwarded_on=date(2026, 1, 5), decision="milik_negara", decided_on=date(2026, 2, 2))
    nihil = {Period.parse(code).number for code in NIHIL_MONTHS}
    for _ in range(70):
        month = rng.choice([m for m in range(1, 13) if m not in nihil])
        day = date(2026, month, rng.randint(1, 28))
        action = rng.choice(["accepted", "accepted", "refused"])
        kw = dict(action=action, item_type=rng.choice(ITEMS), value=rng.choice([None, 100_000, 350_000, 1_250_000]),
                  submitted_on=day, late=rng.random() < 0.25)
        if action == "accepted" and rng.random() < 0.5:
            fwd = day + timedelta(days=rng.randint(3, 40))
            if fwd.year == 2026 and fwd.month not in nihil:
                kw.update(forwarded_to=rng.choice(["kpk", "upg_kabupaten"]), forwarded_on=fwd)
                dec = fwd + timedelta(days=rng.randint(5, 50))
                if kw["forwarded_to"] == "kpk" and dec.year == 2026 and dec.month not in nihil:
                    kw.update(decision=rng.choice(["milik_negara", "milik_penerima"]), decided_on=dec)
        add(**kw)
    return seeds


def load(app, seeds: list[Seed]) -> None:
    with app.app_context():
        for s in seeds:
            at = datetime.combine(s.submitted_on, time(3, 0), tzinfo=timezone.utc)
            db.session.add(GratificationReport(
                ticket=s.ticket, access_code_hash="0" * 64, action=s.action, reporter_name=s.reporter_name,
                reporter_nip=s.reporter_nip, reporter_position="Staf", reporter_unit="Bidang Pelayanan",
                giver_relation="pengguna-layanan", giver_name=f"Pemberi {s.ticket}", item_type=s.item_type,
                description="Pemberian terkait layanan", estimated_value=s.value,
                received_on=s.submitted_on - timedelta(days=3), occasion="kedinasan",
                report_deadline=s.submitted_on + timedelta(days=30), late=s.late,
                status="decided" if s.decision else ("forwarded" if s.forwarded_to else "reported"),
                submitted_at=at, submitted_on=s.submitted_on, status_changed_at=at,
                forwarded_to=s.forwarded_to, forwarded_on=s.forwarded_on, kpk_decision=s.decision,
                kpk_decree_date=s.decided_on, kpk_decree_number="SK/1" if s.decision else None))
        db.session.commit()


def recount(seeds: list[Seed], period: Period) -> dict:
    """The report definitions re-implemented over the seed list (never the database)."""
    got = [s for s in seeds if period.contains(s.submitted_on)]
    fwd = [s for s in seeds if s.forwarded_on and period.contains(s.forwarded_on)]
    dec = [s for s in seeds if s.decided_on and period.contains(s.decided_on)]
    value = lambda rows: sum(s.value or 0 for s in rows)  # noqa: E731
    acc = [s for s in got if s.action == "accepted"]
    ref = [s for s in got if s.action == "refused"]
    return {
        "received": len(got), "accepted": len(acc), "refused": len(ref), "late": sum(s.late for s in got),
        "total_value": value(got), "accepted_value": value(acc), "refused_value": value(ref),
        "forwarded": len(fwd), "forwarded_upg_kabupaten": sum(s.forwarded_to == "upg_kabupaten" for s in fwd),
        "forwarded_kpk": sum(s.forwarded_to == "kpk" for s in fwd), "decided": len(dec),
        "decided_milik_negara": sum(s.decision == "milik_negara" for s in dec),
        "decided_milik_penerima": sum(s.decision == "milik_penerima" for s in dec),
        "items": {item: (sum(s.item_type == item and s.action == "accepted" for s in got),
                         sum(s.item_type == item and s.action == "refused" for s in got),
                         value([s for s in got if s.item_type == item])) for item in ITEMS},
    }


@pytest.fixture
def seeds(app):
    items = make_seeds()
    load(app, items)
    return items


def build(app, code: str) -> dict:
    with app.app_context():
        return build_report("gratification", code).as_dict()


@pytest.mark.parametrize("month", range(1, 13))
def test_monthly_figures_match_recount(app, seeds, month):
    period = Period.month(2026, month)
    data = build(app, period.code)
    expected = recount(seeds, period)
    assert {k: data["summary"][k] for k in FIGURE_KEYS} == {k: expected[k] for k in FIGURE_KEYS}
    assert data["received"] == expected["received"]
    rows = {r["item_type"]: (r["accepted"], r["refused"], r["value"]) for r in data["tables"]["objek"]["rows"]}
    assert rows == expected["items"]
    assert data["tables"]["objek"]["total"]["total"] == expected["received"]
    assert data["summary"]["nihil"] is (expected["received"] == 0)
    assert (NIHIL_SENTENCE in data["notes"]) is (expected["received"] == 0)


def test_edge_cases_by_hand(app):
    """The five hand-made reports alone, counted by hand (anchors the recount itself)."""
    load(app, make_seeds()[:5])
    pick = lambda code, *keys: tuple(build(app, code)["summary"][k] for k in keys)  # noqa: E731
    keys = ("received", "accepted", "refused", "late", "total_value", "forwarded_upg_kabupaten", "forwarded_kpk",
            "decided_milik_negara", "decided_milik_penerima", "nihil")
    assert pick("2026-01", *keys) == (1, 1, 0, 0, 1_500_000, 0, 1, 0, 0, False)  # + the 2025 report's forward
    assert pick("2026-02", *keys) == (1, 1, 0, 1, 0, 0, 1, 1, 0, False)  # no value: Rp0; late
    assert pick("2026-03", *keys) == (0, 0, 0, 0, 0, 1, 0, 1, 0, True)  # nihil, yet forwarded and decided
    assert pick("2026-06", *keys) == (1, 0, 1, 0, 500_000, 0, 0, 0, 0, False)  # 30 June
    assert pick("2026-07", *keys) == (1, 1, 0, 1, 750_000, 0, 1, 0, 0, False)  # 1 July
    assert pick("2026-09", *keys) == (0, 0, 0, 0, 0, 0, 0, 0, 1, True)
    assert pick("2026-S1", *keys) == (3, 2, 1, 1, 2_000_000, 1, 2, 2, 0, False)


def test_nihil_month_is_a_report_not_an_empty_page(app, seeds):
    data = build(app, "2026-03")
    assert data["received"] == 0 and data["summary"]["nihil"] is True
    assert data["notes"] == [NIHIL_SENTENCE]
    # Forwarding and a KPK decision of earlier reports still show in a nihil month.
    assert data["summary"]["forwarded"] >= 1 and data["summary"]["decided"] >= 1
    assert all(r["total"] == 0 for r in data["tables"]["objek"]["rows"])


def test_empty_database_gives_nihil_for_month_and_semester(app):
    month, semester = build(app, "2026-05"), build(app, "2026-S1")
    assert month["summary"]["nihil"] and semester["summary"]["nihil"]
    assert semester["summary"]["nihil_months"] == [f"2026-0{m}" for m in range(1, 7)]


@pytest.mark.parametrize("code", ["2026-S1", "2026-S2"])
def test_semester_is_the_sum_of_its_months(app, seeds, code):
    semester = Period.parse(code)
    data = build(app, code)
    months = [build(app, m.code) for m in semester.months()]
    for key in FIGURE_KEYS:
        assert data["summary"][key] == sum(m["summary"][key] for m in months), key
    assert data["received"] == sum(m["received"] for m in months)
    assert data["summary"] == {**{k: recount(seeds, semester)[k] for k in FIGURE_KEYS}, "nihil": False,
                               "nihil_months": [m for m in NIHIL_MONTHS if Period.parse(m) in semester.months()]}
    table = data["tables"]["months"]
    assert [r["period"] for r in table["rows"]] == [m.code for m in semester.months()]
    for row, month in zip(table["rows"], months):
        assert {k: row[k] for k in MONTH_KEYS} == {k: month["summary"][k] for k in MONTH_KEYS}
        assert row["nihil"] is month["summary"]["nihil"]
    assert {k: table["total"][k] for k in MONTH_KEYS} == {k: data["summary"][k] for k in MONTH_KEYS}


def test_semester_trend_against_the_previous_semester(app, seeds):
    s2, s1 = build(app, "2026-S2"), build(app, "2026-S1")
    trend = {r["figure"]: r for r in s2["tables"]["trend"]["rows"]}
    for key in FIGURE_KEYS:
        assert trend[key]["current"] == s2["summary"][key]
        assert trend[key]["previous"] == s1["summary"][key]
        assert trend[key]["change"] == s2["summary"][key] - s1["summary"][key]


def test_cli_builds_gratification_json_and_csv(app, seeds, runner):
    import json

    result = runner.invoke(args=["reports", "build", "--channel", "gratification", "--period", "2026-S1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    months = [json.loads(runner.invoke(args=["reports", "build", "--channel", "gratification", "--period",
                                             m.code]).output) for m in Period.parse("2026-S1").months()]
    assert data["received"] == sum(m["received"] for m in months)
    csv_out = runner.invoke(args=["reports", "build", "--channel", "gratification", "--period", "2026-03",
                                  "--format", "csv"]).output
    assert NIHIL_SENTENCE in csv_out


def test_published_nihil_report_says_so(app, seeds, as_role):
    from publish_support import Publisher

    report_id = Publisher(app, as_role).publish("gratification", "2026-03", plan=None)
    page = app.test_client().get(f"/laporan/{report_id}").get_data(as_text=True)
    assert NIHIL_SENTENCE in page
