"""Gratification (pengendalian gratifikasi) reports, DOMAIN.md §4: every figure an SQL aggregate.

Definitions (dates are the office's local days; a period is [start, end]):

* received: reports submitted to the UPG in the period (submitted_on), split into acceptances
  and refusals (action), per object type (item_type), with the sum of the estimated values.
* late: reports received in the period that came after the 30-working-day deadline (the `late`
  flag fixed at submission, UU 20/2001 Ps 12C).
* forwarded: reports the UPG forwarded in the period (forwarded_on), to the UPG Kabupaten or
  to the KPK (forwarded_to), whenever they were received.
* KPK decisions: decrees dated in the period (kpk_decree_date), milik negara / milik penerima.
* nihil: a period in which no report was received still has a report, flagged `nihil`, with the
  sentence NIHIL_SENTENCE — the UPG's "laporan nihil".
* semester: the same figures over the six months (= the sum of the months, shown per month),
  with the trend against the previous semester.

Only clear columns are read (action, item_type, estimated_value, dates, flags, codes): never
the reporter's or giver's identity.
"""
from __future__ import annotations

from sqlalchemy import case, func, select

from ..catalog import GRATIFICATION_ITEMS, GRATIFICATION_KPK_DECISIONS
from ..extensions import db
from ..models import GratificationReport as G
from . import periods, register
from .aggregate import Column, Report, Table, change, ordered_codes, sum_rows
from .periods import Period

CHANNEL = "gratification"
NIHIL_SENTENCE = "Nihil: tidak ada laporan gratifikasi pada periode ini"
ACTIONS = ("accepted", "refused")
FORWARD_TARGETS = {"upg_kabupaten": "UPG Kabupaten", "kpk": "KPK"}

# (key, label) of the headline figures, in the order of the summary table.
FIGURES = [
    ("received", "Laporan gratifikasi masuk"),
    ("accepted", "Penerimaan"),
    ("refused", "Penolakan"),
    ("late", "Dilaporkan terlambat (lebih dari 30 hari kerja)"),
    ("total_value", "Total nilai taksiran (Rp)"),
    ("accepted_value", "Nilai taksiran penerimaan (Rp)"),
    ("refused_value", "Nilai taksiran penolakan (Rp)"),
    ("forwarded", "Diteruskan"),
    ("forwarded_upg_kabupaten", "Diteruskan ke UPG Kabupaten"),
    ("forwarded_kpk", "Diteruskan ke KPK"),
    ("decided", "SK penetapan KPK"),
    ("decided_milik_negara", "SK KPK: milik negara"),
    ("decided_milik_penerima", "SK KPK: milik penerima"),
]
FIGURE_KEYS = [key for key, _ in FIGURES]


def _items() -> dict[str, str]:
    return {code: str(label) for code, label in GRATIFICATION_ITEMS.items()}


def received_counts(period: Period) -> dict[tuple[str, str], dict]:
    """{(action, item_type): {"n", "value", "late"}} of the reports received in the period."""
    stmt = (
        select(G.action, G.item_type, func.count(), func.sum(G.estimated_value),
               func.sum(case((G.late.is_(True), 1), else_=0)))
        .where(G.submitted_on.between(period.start, period.end))
        .group_by(G.action, G.item_type)
    )
    return {(action, item): {"n": n, "value": int(value or 0), "late": int(late or 0)}
            for action, item, n, value, late in db.session.execute(stmt)}


def forwarded_counts(period: Period) -> dict[str, int]:
    stmt = (select(G.forwarded_to, func.count())
            .where(G.forwarded_on.between(period.start, period.end))
            .group_by(G.forwarded_to))
    return {target or "": n for target, n in db.session.execute(stmt)}


def decision_counts(period: Period) -> dict[str, int]:
    stmt = (select(G.kpk_decision, func.count())
            .where(G.kpk_decree_date.between(period.start, period.end))
            .group_by(G.kpk_decision))
    return {decision or "": n for decision, n in db.session.execute(stmt)}


def figures(period: Period) -> dict:
    """The headline figures of a period (three aggregate queries) and the raw groups."""
    received = received_counts(period)
    forwarded = forwarded_counts(period)
    decided = decision_counts(period)
    by_action = {a: sum(v["n"] for (act, _), v in received.items() if act == a) for a in ACTIONS}
    value_by_action = {a: sum(v["value"] for (act, _), v in received.items() if act == a) for a in ACTIONS}
    out = {
        "received": sum(v["n"] for v in received.values()),
        "accepted": by_action["accepted"],
        "refused": by_action["refused"],
        "late": sum(v["late"] for v in received.values()),
        "total_value": sum(v["value"] for v in received.values()),
        "accepted_value": value_by_action["accepted"],
        "refused_value": value_by_action["refused"],
        "forwarded": sum(forwarded.values()),
        "forwarded_upg_kabupaten": forwarded.get("upg_kabupaten", 0),
        "forwarded_kpk": forwarded.get("kpk", 0),
        "decided": sum(decided.values()),
        "decided_milik_negara": decided.get("milik_negara", 0),
        "decided_milik_penerima": decided.get("milik_penerima", 0),
    }
    return {"figures": out, "received": received, "forwarded": forwarded, "decided": decided}


# --- Tables --------------------------------------------------------------------------------


def _summary_table(f: dict) -> Table:
    columns = [Column("figure", "Kode"), Column("label", "Uraian"), Column("value", "Jumlah")]
    rows = [{"figure": key, "label": label, "value": f[key]} for key, label in FIGURES]
    return Table("ringkasan", "Rekapitulasi laporan gratifikasi", columns, rows)


def _items_table(received: dict) -> Table:
    labels = _items()
    codes = ordered_codes(labels, (item for _, item in received))
    rows = []
    for code in codes:
        acc = received.get(("accepted", code), {"n": 0, "value": 0})
        ref = received.get(("refused", code), {"n": 0, "value": 0})
        rows.append({"item_type": code, "label": labels.get(code, code), "accepted": acc["n"], "refused": ref["n"],
                     "total": acc["n"] + ref["n"], "value": acc["value"] + ref["value"]})
    columns = [Column("item_type", "Kode jenis"), Column("label", "Jenis objek gratifikasi"),
               Column("accepted", "Penerimaan"), Column("refused", "Penolakan"), Column("total", "Jumlah"),
               Column("value", "Nilai taksiran (Rp)")]
    total = {"item_type": "", "label": "Jumlah", **sum_rows(rows, ("accepted", "refused", "total", "value"))}
    return Table("objek", "Laporan menurut jenis objek gratifikasi", columns, rows, total,
                 note="Nilai taksiran menurut pelapor; laporan tanpa taksiran dihitung Rp0.")


def _forward_table(forwarded: dict) -> Table:
    codes = ordered_codes(FORWARD_TARGETS, (c for c in forwarded if c))
    rows = [{"target": c, "label": FORWARD_TARGETS.get(c, c), "count": forwarded.get(c, 0)} for c in codes]
    columns = [Column("target", "Kode tujuan"), Column("label", "Diteruskan ke"), Column("count", "Jumlah")]
    return Table("diteruskan", "Laporan yang diteruskan UPG", columns, rows,
                 {"target": "", "label": "Jumlah", "count": sum(r["count"] for r in rows)},
                 note="Menurut tanggal penerusan dalam periode, termasuk laporan yang diterima sebelumnya.")


def _decision_table(decided: dict) -> Table:
    labels = {code: str(label) for code, label in GRATIFICATION_KPK_DECISIONS.items()}
    codes = ordered_codes(labels, (c for c in decided if c))
    rows = [{"decision": c, "label": labels.get(c, c), "count": decided.get(c, 0)} for c in codes]
    columns = [Column("decision", "Kode keputusan"), Column("label", "Status kepemilikan (SK KPK)"),
               Column("count", "Jumlah")]
    return Table("keputusan", "Keputusan KPK atas status kepemilikan gratifikasi", columns, rows,
                 {"decision": "", "label": "Jumlah", "count": sum(r["count"] for r in rows)},
                 note="Menurut tanggal SK KPK dalam periode.")


MONTH_KEYS = ("received", "accepted", "refused", "late", "total_value", "forwarded", "decided_milik_negara",
              "decided_milik_penerima")


def _nihil(received: int, period: Period) -> bool:
    """"Laporan nihil" states that nothing was received in a period: only once it has ended."""
    return received == 0 and period.is_over(periods.office_today())


def _months_table(semester: Period) -> tuple[Table, list[dict]]:
    rows = []
    for month in semester.months():
        f = figures(month)["figures"]
        rows.append({"period": month.code, "label": month.label, **{k: f[k] for k in MONTH_KEYS},
                     "nihil": _nihil(f["received"], month)})
    columns = [Column("period", "Periode"), Column("label", "Bulan"), Column("received", "Masuk"),
               Column("accepted", "Penerimaan"), Column("refused", "Penolakan"), Column("late", "Terlambat"),
               Column("total_value", "Nilai taksiran (Rp)"), Column("forwarded", "Diteruskan"),
               Column("decided_milik_negara", "SK milik negara"),
               Column("decided_milik_penerima", "SK milik penerima"), Column("nihil", "Nihil")]
    total = {"period": semester.code, "label": "Semester", **sum_rows(rows, MONTH_KEYS),
             "nihil": all(r["nihil"] for r in rows)}
    return Table("months", "Rincian per bulan", columns, rows, total,
                 note="Angka semester = jumlah enam bulan."), rows


def _trend_table(period: Period, current: dict) -> Table:
    previous = period.previous()
    before = figures(previous)["figures"]
    columns = [Column("figure", "Kode"), Column("label", "Uraian"), Column("current", period.label),
               Column("previous", previous.label), Column("change", "Perubahan"),
               Column("change_pct", "Perubahan (%)")]
    rows = [{"figure": key, "label": label, **change(current[key], before[key])} for key, label in FIGURES]
    return Table("trend", f"Tren dibanding {previous.label}", columns, rows)


@register(CHANNEL, "Pengendalian gratifikasi")
def build(period: Period) -> Report:
    result = figures(period)
    f = result["figures"]
    nihil = _nihil(f["received"], period)
    summary = {**f, "nihil": nihil}
    tables = [_summary_table(f), _items_table(result["received"]), _forward_table(result["forwarded"]),
              _decision_table(result["decided"])]
    if period.is_month:
        title = f"Laporan Bulanan Pengendalian Gratifikasi — {period.label}"
    else:
        title = f"Monitoring dan Evaluasi Pengendalian Gratifikasi — {period.label}"
        months, rows = _months_table(period)
        summary["nihil_months"] = [r["period"] for r in rows if r["nihil"]]
        tables += [months, _trend_table(period, f)]
    notes = [NIHIL_SENTENCE] if nihil else []
    return Report(CHANNEL, period, title, f["received"], summary, tables, notes)
