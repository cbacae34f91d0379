"""Laporan monev benturan kepentingan (PermenPANRB 37/2012) per semester: counts only.

The declarations of the semester counted per type (berkala/insidental) and per handling decision,
and the number of conflict-prone positions mapped per unit. No declarant, no description, no
decision note and no position name reaches the report: the register itself stays in
portal.zi.conflicts, readable by the ZI team only, and so do the counts (declaration_counts, the one
home of the rule that the back-office recap and the evidence pack use too).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..zi.conflicts import DECISIONS, KINDS, PENDING, declaration_counts, positions_per_unit
from . import SEMESTER, register
from .aggregate import Column, Report, Table
from .periods import Period

CHANNEL = "coi"
VOCABULARY = (
    _l("Benturan Kepentingan"), _l("Laporan Semester Monitoring dan Evaluasi Benturan Kepentingan"),
    _l("Pernyataan menurut jenis dan keputusan penanganan"), _l("Jenis pernyataan"), _l("Jumlah pernyataan"),
    _l("Menyatakan ada benturan"), _l("Menunggu keputusan"),
    _l("Jabatan/kegiatan rawan benturan kepentingan per unit"), _l("Unit"),
    _l("Jumlah jabatan/kegiatan yang dipetakan"), _l("Berkala"), _l("Insidental"),
    _l("Menurut tanggal pernyataan dalam semester; keputusan menurut keadaan saat laporan disusun. "
       "Laporan ini hanya memuat jumlah: nama pegawai dan isi pernyataan tidak pernah dipublikasikan."),
    _l("Peta jabatan/kegiatan yang aktif saat laporan disusun."),
)


def _declarations_table(counts: dict) -> tuple[Table, dict]:
    decisions = list(DECISIONS) + [PENDING]
    columns = [Column("code", "Kode"), Column("label", "Jenis pernyataan"), Column("declared", "Jumlah pernyataan"),
               Column("conflict", "Menyatakan ada benturan")]
    columns += [Column(code, str(DECISIONS[code])) for code in DECISIONS] + [Column(PENDING, "Menunggu keputusan")]
    rows = []
    for kind, label in KINDS.items():
        row = {"code": kind, "label": str(label),
               "declared": sum(n for (k, _d, _c), n in counts.items() if k == kind),
               "conflict": sum(n for (k, _d, c), n in counts.items() if k == kind and c)}
        row.update({code: sum(n for (k, d, _c), n in counts.items() if k == kind and d == code) for code in decisions})
        rows.append(row)
    total = {"code": "", "label": "Jumlah", **{key: sum(r[key] for r in rows)
                                                for key in ["declared", "conflict", *decisions]}}
    table = Table("pernyataan", "Pernyataan menurut jenis dan keputusan penanganan", columns, rows, total,
                  note="Menurut tanggal pernyataan dalam semester; keputusan menurut keadaan saat laporan disusun. "
                       "Laporan ini hanya memuat jumlah: nama pegawai dan isi pernyataan tidak pernah dipublikasikan.")
    return table, total


def _positions_table(units: dict[str, int]) -> Table:
    rows = [{"unit": unit, "positions": n} for unit, n in units.items()]
    return Table("peta", "Jabatan/kegiatan rawan benturan kepentingan per unit",
                 [Column("unit", "Unit"), Column("positions", "Jumlah jabatan/kegiatan yang dipetakan")], rows,
                 {"unit": "Jumlah", "positions": sum(units.values())},
                 note="Peta jabatan/kegiatan yang aktif saat laporan disusun.")


@register(CHANNEL, "Benturan Kepentingan", kinds=(SEMESTER,))
def build(period: Period) -> Report:
    declarations, total = _declarations_table(declaration_counts(period))
    units = positions_per_unit()
    summary = {"declarations": total["declared"], "with_conflict": total["conflict"],
               "decided": total["declared"] - total[PENDING], "pending": total[PENDING],
               "decisions": {code: total[code] for code in DECISIONS},
               "positions_mapped": sum(units.values()), "units": len(units)}
    title = f"Laporan Semester Monitoring dan Evaluasi Benturan Kepentingan — {period.label}"
    return Report(CHANNEL, period, title, total["declared"], summary, [declarations, _positions_table(units)])
