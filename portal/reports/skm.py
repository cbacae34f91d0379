"""SKM reports (PermenPANRB 14/2017): the IKM of a month or semester, overall and per service.

Figures are SQL sums of the nine scores (one query per period and service); the index itself is
computed by portal.surveys.ikm, the one place that knows the formula, the rounding and the mutu.
A period without respondents gives an empty report (respondents 0, no index), not an error.
Only approved suggestions are printed; the respondents' profile is counted, never listed.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import catalog
from ..catalog import SKM_UNSUR_KEYS
from ..extensions import db
from ..models.publication import PublishedReport
from ..models.survey import SUGGESTION_APPROVED, SkmResponse
from ..surveys import ikm
from ..surveys.services import RTL_STATUS_LABELS, follow_ups, population
from . import register
from .aggregate import Column, Report, Table, ordered_codes
from .periods import Period

CHANNEL = "skm"
NO_RESPONDENTS = "Belum ada responden pada periode ini: IKM tidak dapat dihitung."
PROFILE = (
    ("sex", "Jenis kelamin", catalog.SKM_SEX),
    ("age", "Usia", catalog.SKM_AGE),
    ("education", "Pendidikan", catalog.SKM_EDUCATION),
    ("occupation", "Pekerjaan", catalog.SKM_OCCUPATION),
)
# Report words not already in the catalogue, kept there through this list (portal.reports.translate).
VOCABULARY = (
    _l("Survei Kepuasan Masyarakat"), _l("Laporan Bulanan Survei Kepuasan Masyarakat"),
    _l("Laporan Semester Survei Kepuasan Masyarakat"), _l("Indeks Kepuasan Masyarakat (IKM)"),
    _l("Jumlah responden"), _l("IKM (nilai konversi 25–100)"), _l("Nilai IKM (1–4)"), _l("Mutu pelayanan"),
    _l("Kinerja unit pelayanan"), _l("Jumlah pengguna layanan (N)"), _l("Sampel minimum (Krejcie–Morgan)"),
    _l("Sampel memadai"), _l("Nilai rata-rata (NRR) per unsur"), _l("Unsur"), _l("Kode unsur"), _l("NRR"),
    _l("Nilai konversi"), _l("Mutu"), _l("Terlemah"), _l("IKM per jenis layanan"), _l("Responden"),
    _l("IKM per bulan"), _l("Profil responden"), _l("Kelompok"), _l("Tidak diisi"), _l("Jenis kelamin"),
    _l("Usia"), _l("Pendidikan"), _l("Pekerjaan"), _l("Tiga unsur terlemah"), _l("Peringkat"),
    _l("Saran dan masukan responden"), _l("Saran"), _l("Sangat Baik"), _l("Baik"), _l("Kurang Baik"),
    _l("Tidak Baik"), _l(NO_RESPONDENTS),
    _l("NRR = jumlah nilai unsur ÷ jumlah responden; IKM = Σ NRR × 1/9; nilai konversi = IKM × 25. Mutu dibaca "
       "pada nilai konversi yang dibulatkan dua desimal: 25,00–64,99 D; 65,00–76,60 C; 76,61–88,30 B; "
       "88,31–100 A."),
    _l("Jumlah pengguna layanan diisi petugas; sampel minimum menurut tabel Krejcie–Morgan."),
    _l("Hanya saran yang telah diperiksa petugas; saran yang memuat identitas atau tidak pantas tidak dimuat."),
    _l("Unsur dengan NRR terendah: prioritas rencana tindak lanjut."),
    _l("Rencana tindak lanjut semester sebelumnya"), _l("Rencana tindak lanjut"),
    _l("Rencana yang diterbitkan bersama laporan SKM semester sebelumnya; capaiannya dijelaskan dalam rencana "
       "tindak lanjut laporan ini."),
    _l("Rencana tindak lanjut (RTL) semester ini"), _l("Status RTL semester sebelumnya"), _l("Tindak lanjut"),
    _l("Penanggung jawab"), _l("Batas waktu"), _l("Status"), _l("Kode status"),
    _l("Disusun tim pengelola pengaduan dan pelayanan atas unsur terlemah dan saran responden semester ini."),
    _l("Status pada saat laporan ini disusun."),
)


def sums(period: Period) -> dict[str, dict]:
    """{service: {"n", "u1"…"u9"}} of the answers given in the period."""
    cols = [func.coalesce(func.sum(getattr(SkmResponse, k)), 0) for k in SKM_UNSUR_KEYS]
    stmt = (select(SkmResponse.service, func.count(), *cols)
            .where(SkmResponse.submitted_on.between(period.start, period.end))
            .group_by(SkmResponse.service))
    return {service: {"n": n, **dict(zip(SKM_UNSUR_KEYS, (int(v) for v in values)))}
            for service, n, *values in db.session.execute(stmt)}


def overall(groups: dict[str, dict]) -> ikm.Index:
    n = sum(g["n"] for g in groups.values())
    return ikm.compute({k: sum(g[k] for g in groups.values()) for k in SKM_UNSUR_KEYS}, n)


def index_of(period: Period) -> ikm.Index:
    return overall(sums(period))


def _num(value):
    return None if value is None else float(value)


def _summary(index: ikm.Index, period: Period) -> dict:
    users = population(period)
    minimum = ikm.krejcie_morgan(users) if users else None
    return {
        "respondents": index.respondents,
        "nrr": None if index.nrr is None else {k: float(v) for k, v in index.nrr.items()},
        "ikm": _num(index.converted),
        "ikm_unit": _num(index.ikm),
        "mutu": index.mutu,
        "kinerja": index.kinerja,
        "weakest": ikm.weakest(index),
        "population": users,
        "sample_min": minimum,
        "sample_adequate": None if minimum is None else index.respondents >= minimum,
    }


def _summary_table(s: dict) -> Table:
    rows = [
        ("respondents", "Jumlah responden", s["respondents"]),
        ("ikm_unit", "Nilai IKM (1–4)", s["ikm_unit"]),
        ("ikm", "IKM (nilai konversi 25–100)", s["ikm"]),
        ("mutu", "Mutu pelayanan", s["mutu"]),
        ("kinerja", "Kinerja unit pelayanan", s["kinerja"]),
        ("population", "Jumlah pengguna layanan (N)", s["population"]),
        ("sample_min", "Sampel minimum (Krejcie–Morgan)", s["sample_min"]),
        ("sample_adequate", "Sampel memadai", s["sample_adequate"]),
    ]
    return Table("ringkasan", "Indeks Kepuasan Masyarakat (IKM)",
                 [Column("figure", "Kode"), Column("label", "Uraian"), Column("value", "Nilai")],
                 [{"figure": k, "label": label, "value": v} for k, label, v in rows],
                 note="Jumlah pengguna layanan diisi petugas; sampel minimum menurut tabel Krejcie–Morgan.")


def _nrr_table(index: ikm.Index, weakest: list[str]) -> Table:
    rows = []
    for key in SKM_UNSUR_KEYS:
        nrr = index.nrr[key] if index.nrr else None
        converted = ikm.half_up(nrr * ikm.SCALE, 2) if nrr is not None else None
        rows.append({"code": key, "label": str(catalog.SKM_UNSUR_NAMES[key]), "nrr": _num(nrr),
                     "converted": _num(converted), "mutu": ikm.mutu(converted)[0] if converted is not None else None,
                     "weakest": key in weakest})
    columns = [Column("code", "Kode unsur"), Column("label", "Unsur"), Column("nrr", "NRR"),
               Column("converted", "Nilai konversi"), Column("mutu", "Mutu"), Column("weakest", "Terlemah")]
    total = {"code": "", "label": "IKM", "nrr": _num(index.ikm), "converted": _num(index.converted),
             "mutu": index.mutu, "weakest": None}
    return Table("nrr", "Nilai rata-rata (NRR) per unsur", columns, rows, total,
                 note="NRR = jumlah nilai unsur ÷ jumlah responden; IKM = Σ NRR × 1/9; nilai konversi = IKM × 25. "
                      "Mutu dibaca pada nilai konversi yang dibulatkan dua desimal: 25,00–64,99 D; 65,00–76,60 C; "
                      "76,61–88,30 B; 88,31–100 A.")


def _index_columns(first: Column, second: Column) -> list[Column]:
    return [first, second, Column("respondents", "Responden"), Column("ikm", "IKM (nilai konversi 25–100)"),
            Column("mutu", "Mutu")]


def _services_table(groups: dict[str, dict], total: ikm.Index) -> Table:
    labels = {code: str(label) for code, label in catalog.COMPLAINT_SERVICES.items()}
    rows = []
    for code in ordered_codes(labels, groups):
        g = groups.get(code)
        idx = ikm.compute(g, g["n"]) if g else ikm.compute({}, 0)
        rows.append({"code": code, "label": labels.get(code, code), "respondents": idx.respondents,
                     "ikm": _num(idx.converted), "mutu": idx.mutu})
    return Table("layanan", "IKM per jenis layanan",
                 _index_columns(Column("code", "Kode layanan"), Column("label", "Layanan")), rows,
                 {"code": "", "label": "Jumlah", "respondents": total.respondents, "ikm": _num(total.converted),
                  "mutu": total.mutu})


def _months_table(period: Period, total: ikm.Index) -> Table:
    rows = []
    for month in period.months():
        idx = index_of(month)
        rows.append({"period": month.code, "label": month.label, "respondents": idx.respondents,
                     "ikm": _num(idx.converted), "mutu": idx.mutu})
    return Table("months", "IKM per bulan", _index_columns(Column("period", "Periode"), Column("label", "Bulan")),
                 rows, {"period": period.code, "label": "Semester", "respondents": total.respondents,
                        "ikm": _num(total.converted), "mutu": total.mutu})


def _profile_table(period: Period) -> Table:
    rows = []
    for field, title, codes in PROFILE:
        column = getattr(SkmResponse, field)
        found = dict(db.session.execute(
            select(column, func.count()).where(SkmResponse.submitted_on.between(period.start, period.end))
            .group_by(column)).all())
        for code in ordered_codes(codes, (c for c in found if c)):
            rows.append({"group": title, "code": code, "label": catalog.label(codes, code), "count": found.get(code, 0)})
        rows.append({"group": title, "code": "", "label": "Tidak diisi", "count": found.get(None, 0)})
    return Table("profil", "Profil responden", [Column("group", "Kelompok"), Column("code", "Kode"),
                                                 Column("label", "Uraian"), Column("count", "Jumlah")], rows)


def _weakest_table(index: ikm.Index, weakest: list[str]) -> Table:
    rows = [{"rank": i, "code": k, "label": str(catalog.SKM_UNSUR_NAMES[k]), "nrr": _num(index.nrr[k])}
            for i, k in enumerate(weakest, 1)]
    return Table("terlemah", "Tiga unsur terlemah", [Column("rank", "Peringkat"), Column("code", "Kode unsur"),
                                                      Column("label", "Unsur"), Column("nrr", "NRR")], rows,
                 note="Unsur dengan NRR terendah: prioritas rencana tindak lanjut.")


def approved_suggestions(period: Period) -> list[str]:
    return list(db.session.scalars(
        select(SkmResponse.suggestion).where(SkmResponse.submitted_on.between(period.start, period.end),
                                             SkmResponse.suggestion_status == SUGGESTION_APPROVED)
        .order_by(SkmResponse.submitted_on, SkmResponse.id)))


def _suggestions_table(period: Period) -> Table:
    rows = [{"no": i, "suggestion": text} for i, text in enumerate(approved_suggestions(period), 1)]
    return Table("saran", "Saran dan masukan responden", [Column("no", "No"), Column("suggestion", "Saran")], rows,
                 note="Hanya saran yang telah diperiksa petugas; saran yang memuat identitas atau tidak pantas "
                      "tidak dimuat.")


def previous_plan(period: Period) -> tuple[Period, str | None]:
    """The follow-up plan (RTL) published with the previous semester's SKM report (its newest version)."""
    previous = period.previous()
    plan = db.session.scalar(select(PublishedReport.follow_up_plan)
                             .where(PublishedReport.channel == CHANNEL, PublishedReport.period == previous.code)
                             .order_by(PublishedReport.version.desc()).limit(1))
    return previous, plan


def _previous_plan_table(period: Period) -> Table:
    previous, plan = previous_plan(period)
    rows = [{"period": previous.code, "label": previous.label, "plan": plan}] if plan else []
    return Table("rtl_sebelumnya", "Rencana tindak lanjut semester sebelumnya",
                 [Column("period", "Periode"), Column("label", "Semester"), Column("plan", "Rencana tindak lanjut")],
                 rows, note="Rencana yang diterbitkan bersama laporan SKM semester sebelumnya; capaiannya dijelaskan "
                            "dalam rencana tindak lanjut laporan ini.")


def _rtl_rows(period: Period) -> list[dict]:
    return [{"no": i, "action": row.action, "owner": row.owner, "due_on": row.due_on.isoformat(),
             "status_code": row.status, "status": str(RTL_STATUS_LABELS.get(row.status, row.status))}
            for i, row in enumerate(follow_ups(period), 1)]


_RTL_COLUMNS = [Column("no", "No"), Column("action", "Tindak lanjut"), Column("owner", "Penanggung jawab"),
                Column("due_on", "Batas waktu"), Column("status_code", "Kode status"), Column("status", "Status")]


def _rtl_table(period: Period) -> Table:
    return Table("rtl", "Rencana tindak lanjut (RTL) semester ini", _RTL_COLUMNS, _rtl_rows(period),
                 note="Disusun tim pengelola pengaduan dan pelayanan atas unsur terlemah dan saran responden "
                      "semester ini.")


def _previous_rtl_table(period: Period) -> Table:
    return Table("rtl_status_sebelumnya", "Status RTL semester sebelumnya", _RTL_COLUMNS,
                 _rtl_rows(period.previous()), note="Status pada saat laporan ini disusun.")


@register(CHANNEL, "Survei Kepuasan Masyarakat")
def build(period: Period) -> Report:
    groups = sums(period)
    index = overall(groups)
    summary = _summary(index, period)
    tables = [_summary_table(summary), _nrr_table(index, summary["weakest"]), _services_table(groups, index)]
    if period.is_month:
        title = f"Laporan Bulanan Survei Kepuasan Masyarakat — {period.label}"
    else:
        title = f"Laporan Semester Survei Kepuasan Masyarakat — {period.label}"
        tables.append(_months_table(period, index))
    tables += [_profile_table(period), _weakest_table(index, summary["weakest"]), _suggestions_table(period)]
    if period.is_semester:
        tables += [_rtl_table(period), _previous_rtl_table(period), _previous_plan_table(period)]
    notes = [] if index.respondents else [NO_RESPONDENTS]
    return Report(CHANNEL, period, title, index.respondents, summary, tables, notes)
