"""Whistleblowing (WBS) semester reports, DOMAIN.md §4: counts only, small counts suppressed.

Only columns left in clear by design are read — wbs_tips.id / category / status /
submitted_on and wbs_events.tip_id / day / status_to — never a `*_ct` column (the content is
ciphertext the report could not read anyway, and must not try to).

Definitions (a semester [start, end] of local days):

* received: tips submitted in the semester, by category;
* status: the status of those tips at the end of the semester (the last status of their
  history dated on or before the end);
* forwarded: tips forwarded in the semester to the Inspektorat, law enforcement (APH) or the
  KPK (history entries into forwarded_* dated in the semester), whenever they were received.

Disclosure control, so that no tip can be singled out: every count of 1 or 2 is published as
"< 3" (SUPPRESSED), 0 stays 0, and totals are suppressed the same way. Where a shown total
would let a reader recompute a suppressed cell (one suppressed cell in a breakdown, or cells
whose sum forces their values), the smallest other cells are hidden too, as "*" (HIDDEN).
Monthly WBS reports are refused: a month holds too few tips to publish safely.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..catalog import WBS_CATEGORIES
from ..extensions import db
from ..models import WbsEvent, WbsTip
from ..workflow import WBS
from . import SEMESTER, register
from .aggregate import Column, Report, Table, ordered_codes
from .periods import Period

CHANNEL = "wbs"
THRESHOLD = 3
SUPPRESSED = "< 3"
HIDDEN = "*"
FORWARD_TARGETS = {
    "forwarded_inspektorat": "Inspektorat",
    "forwarded_aph": "Aparat Penegak Hukum (APH)",
    "forwarded_kpk": "KPK",
}
SUPPRESSION_NOTE = ("Jumlah 1 atau 2 ditampilkan sebagai \"< 3\" dan angka yang dapat dipakai untuk menghitungnya "
                    "kembali ditampilkan sebagai \"*\", agar tidak ada laporan yang dapat dikenali.")


def suppress(n: int) -> int | str:
    """A published count: 0 and counts of THRESHOLD or more as they are, 1 and 2 as "< 3"."""
    return n if n == 0 or n >= THRESHOLD else SUPPRESSED


def protect(counts: list[int], total_shown: bool = True) -> list[int | str]:
    """Suppress small cells; when the total is shown, also hide the smallest other cells until
    the suppressed cells cannot be recomputed from the total (complementary suppression)."""
    out: list[int | str] = [suppress(n) for n in counts]
    if not total_shown:
        return out
    hidden = {i for i, v in enumerate(out) if not isinstance(v, int)}

    def recoverable() -> bool:
        if not hidden:
            return False
        rest = sum(counts[i] for i in hidden)
        if len(hidden) == 1:
            return True
        # All of them 1, or all of them 2: the sum tells each value.
        return all(counts[i] < THRESHOLD for i in hidden) and rest in (len(hidden), 2 * len(hidden))

    while recoverable():
        candidates = sorted((counts[i], i) for i in range(len(counts)) if i not in hidden and counts[i] > 0)
        if not candidates:
            break
        hidden.add(candidates[0][1])
        out[candidates[0][1]] = HIDDEN
    return out


# --- Counts (SQL) ----------------------------------------------------------------------------


def received_by_category(period: Period) -> dict[str | None, int]:
    stmt = (select(WbsTip.category, func.count(WbsTip.id))
            .where(WbsTip.submitted_on.between(period.start, period.end))
            .group_by(WbsTip.category))
    return {category: n for category, n in db.session.execute(stmt)}


def status_at_end(period: Period) -> dict[str, int]:
    """Tips received in the period, by their status at the end of it."""
    last = (select(WbsEvent.status_to)
            .where(WbsEvent.tip_id == WbsTip.id, WbsEvent.status_to.is_not(None), WbsEvent.day <= period.end)
            .order_by(WbsEvent.day.desc(), WbsEvent.id.desc())
            .limit(1).correlate(WbsTip).scalar_subquery())
    status = func.coalesce(last, WbsTip.status).label("status")
    inner = (select(status)
             .where(WbsTip.submitted_on.between(period.start, period.end))
             .subquery())
    stmt = select(inner.c.status, func.count()).group_by(inner.c.status)
    return {code: n for code, n in db.session.execute(stmt)}


def forwarded(period: Period) -> dict[str, int]:
    stmt = (select(WbsEvent.status_to, func.count(func.distinct(WbsEvent.tip_id)))
            .where(and_(WbsEvent.status_to.in_(tuple(FORWARD_TARGETS)),
                        WbsEvent.day.between(period.start, period.end)))
            .group_by(WbsEvent.status_to))
    return {code: n for code, n in db.session.execute(stmt)}


def counts(period: Period) -> dict:
    """The raw (unsuppressed) counts; never published as they are."""
    by_category = received_by_category(period)
    by_status = status_at_end(period)
    fwd = forwarded(period)
    return {"received": sum(by_category.values()), "category": by_category, "status": by_status, "forwarded": fwd}


# --- Tables (suppressed) ---------------------------------------------------------------------


def _breakdown(key: str, title: str, code_label: str, label: str, labels: dict[str, str], found: dict,
               note: str = "") -> tuple[Table, int | str]:
    codes = ordered_codes(labels, (c for c in found if c is not None))
    if None in found:
        codes.append(None)
    raw = [found.get(c, 0) for c in codes]
    total = sum(raw)
    shown = protect(raw, total_shown=isinstance(suppress(total), int))
    rows = [{"code": c or "", "label": labels.get(c, c) if c else "Tanpa kategori", "count": v}
            for c, v in zip(codes, shown)]
    columns = [Column("code", code_label), Column("label", label), Column("count", "Jumlah")]
    table = Table(key, title, columns, rows, {"code": "", "label": "Jumlah", "count": suppress(total)},
                  note=" ".join(x for x in (note, SUPPRESSION_NOTE) if x))
    return table, suppress(total)


def _summary(c: dict) -> dict:
    fwd = c["forwarded"]
    raw = [fwd.get(code, 0) for code in FORWARD_TARGETS]
    shown = protect(raw)
    return {
        "received": suppress(c["received"]),
        "forwarded": suppress(sum(raw)),
        **{f"forwarded_{code.removeprefix('forwarded_')}": v for code, v in zip(FORWARD_TARGETS, shown)},
        "suppression_threshold": THRESHOLD,
    }


def _comparable(value) -> int | None:
    return value if isinstance(value, int) else None


def _trend_table(period: Period, current: dict) -> Table:
    previous = period.previous()
    before = _summary(counts(previous))
    columns = [Column("figure", "Kode"), Column("label", "Uraian"), Column("current", period.label),
               Column("previous", previous.label), Column("change", "Perubahan")]
    rows = []
    for key, label in (("received", "Laporan WBS masuk"), ("forwarded", "Diteruskan")):
        a, b = _comparable(current[key]), _comparable(before[key])
        rows.append({"figure": key, "label": label, "current": current[key], "previous": before[key],
                     "change": a - b if a is not None and b is not None else None})
    return Table("trend", f"Tren dibanding {previous.label}", columns, rows,
                 note="Perubahan tidak dihitung bila salah satu angka disamarkan.")


PUBLIC_REPORT_LABELS = {"need_info": _l("Menunggu informasi tambahan dari pelapor")}


@register(CHANNEL, "Whistleblowing System (WBS)", kinds=(SEMESTER,))
def build(period: Period) -> Report:
    c = counts(period)
    summary = _summary(c)
    categories = {code: str(label) for code, label in WBS_CATEGORIES.items()}
    # The public label of a step speaks to the whistleblower ("dari Anda"); a published report speaks
    # to the public, so steps that wait on the reporter say so in the third person.
    statuses = {code: str(PUBLIC_REPORT_LABELS.get(code) or WBS.public_label(code)) for code in WBS.statuses}
    by_category, _ = _breakdown("kategori", "Laporan WBS masuk menurut jenis pelanggaran", "Kode jenis",
                                "Jenis dugaan pelanggaran", categories, c["category"])
    by_status, _ = _breakdown("status", "Status laporan pada akhir semester", "Kode status", "Status", statuses,
                              c["status"], note="Laporan yang masuk dalam semester ini.")
    fwd_rows = [{"code": code, "label": label, "count": summary[f"forwarded_{code.removeprefix('forwarded_')}"]}
                for code, label in FORWARD_TARGETS.items()]
    fwd = Table("diteruskan", "Laporan WBS yang diteruskan", [Column("code", "Kode tujuan"),
                Column("label", "Diteruskan ke"), Column("count", "Jumlah")], fwd_rows,
                {"code": "", "label": "Jumlah", "count": summary["forwarded"]},
                note="Menurut tanggal penerusan dalam semester. " + SUPPRESSION_NOTE)
    title = f"Monitoring dan Evaluasi Whistleblowing System — {period.label}"
    tables = [by_category, by_status, fwd, _trend_table(period, summary)]
    notes = ["Laporan ini hanya memuat jumlah; isi laporan WBS dan identitas pelapor tidak pernah dipublikasikan."]
    return Report(CHANNEL, period, title, summary["received"], summary, tables, notes)
