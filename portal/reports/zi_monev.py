"""The semester Lembar Monev Zona Integritas as a published report: progress and findings per area
with the PermenPANRB 90/2021 weights, and the follow-up plans (RTL) the sheet carries. The sheet
itself is kept by the ZI team in portal.zi.monev (the one home of its rules); it reaches the public
only through this channel, after a leader's approval."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..zi import AREAS, area_label, monev
from . import SEMESTER, register
from .aggregate import Column, Report, Table
from .periods import Period

CHANNEL = "zi_monev"
VOCABULARY = (
    _l("Lembar Monev Zona Integritas"), _l("Capaian per area pengungkit"), _l("Kode area"), _l("Bobot (%)"),
    _l("Capaian (%)"), _l("Rencana tindak lanjut (RTL)"),
    _l("Nilai = bobot × capaian ÷ 100; jumlah bobot area pengungkit 60."),
    _l("RTL yang dibuat dalam semester ini, RTL semester sebelumnya yang belum selesai, dan yang selesai "
       "dalam semester ini."),
)


def _areas_table(lines: list[monev.SheetLine]) -> Table:
    rows = [{"area": x.area, "label": x.label, "weight": x.weight, "progress": x.progress, "score": x.score,
             "findings": x.findings or None} for x in lines]
    columns = [Column("area", "Kode area"), Column("label", "Area"), Column("weight", "Bobot (%)"),
               Column("progress", "Capaian (%)"), Column("score", "Nilai"), Column("findings", "Temuan")]
    total = {"area": "", "label": "Jumlah (pengungkit)", "weight": sum(x.weight for x in lines),
             "score": round(sum(x.score or 0 for x in lines), 2)}
    return Table("area", "Capaian per area pengungkit", columns, rows, total,
                 note="Nilai = bobot × capaian ÷ 100; jumlah bobot area pengungkit 60.")


def _follow_up_table(period: Period) -> Table:
    rows = [{"area": area_label(p.area) if p.area in AREAS else p.area, "action": p.action, "period": p.period,
             "owner": p.owner, "due_on": p.due_on.isoformat(),
             "status": "Selesai" if p.status == monev.DONE else "Belum selesai", "done_note": p.done_note}
            for p in monev.follow_ups(period)]
    columns = [Column("area", "Area"), Column("action", "Rencana tindak lanjut"), Column("period", "Semester asal"),
               Column("owner", "Penanggung jawab"), Column("due_on", "Batas waktu"), Column("status", "Status"),
               Column("done_note", "Bukti penyelesaian")]
    return Table("rtl", "Rencana tindak lanjut (RTL)", columns, rows,
                 note="RTL yang dibuat dalam semester ini, RTL semester sebelumnya yang belum selesai, dan yang "
                      "selesai dalam semester ini.")


@register(CHANNEL, "Lembar Monev Zona Integritas", kinds=(SEMESTER,))
def build(period: Period) -> Report:
    lines = monev.sheet(period)
    filled = [x for x in lines if x.progress is not None]
    summary = {"areas_filled": len(filled), "areas": len(lines),
               "score": round(sum(x.score or 0 for x in lines), 2), "weight": sum(x.weight for x in lines)}
    return Report(CHANNEL, period, f"Lembar Monev Zona Integritas — {period.label}", len(filled), summary,
                  [_areas_table(lines), _follow_up_table(period)])
