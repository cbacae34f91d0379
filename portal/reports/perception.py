"""The semester report of the Zona Integritas perception surveys: IPAK (anti-corruption perception)
and IPKP (service quality perception), each with its NRR per question and its index.

The figures come from portal.surveys.perception.index (the one place that reads the answers, on the
IKM formula of portal.surveys.ikm): a question's NRR is over the answers it received, the index is
the equal-weight mean of the NRR of the active questions that have answers, converted ×25. The
question texts are frozen into the snapshot when the report is published, so a later edit of the
questionnaire never changes a published report; they sit under the column key "text", not "label",
so that a visitor's language never rewrites what the admin wrote (portal.reports.translate). No mutu
letter is printed: the SKM's intervals (PermenPANRB 14/2017) are not a rule for these indexes.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..surveys import ikm, perception
from ..models.survey import PERCEPTION_SURVEYS
from . import SEMESTER, register
from .aggregate import Column, Report, Table
from .periods import Period

CHANNEL = "perception"
NO_RESPONDENTS = "Belum ada responden survei persepsi pada semester ini: indeks tidak dapat dihitung."
NRR_NOTE = ("NRR = jumlah nilai pernyataan ÷ jumlah jawaban (skala 1–4); indeks = rata-rata NRR pernyataan "
            "yang aktif dan berjawaban (bobot sama); nilai konversi = indeks × 25.")
VOCABULARY = (
    _l("Survei Persepsi Anti Korupsi dan Kualitas Pelayanan"),
    _l("Laporan Semester Survei Persepsi Anti Korupsi (IPAK) dan Kualitas Pelayanan (IPKP)"),
    _l("Indeks persepsi"), _l("Kode survei"), _l("Survei"), _l("Indeks (1–4)"), _l("Nilai konversi (25–100)"),
    _l("Nilai rata-rata (NRR) per pernyataan — IPAK"), _l("Nilai rata-rata (NRR) per pernyataan — IPKP"),
    _l("Kode pernyataan"), _l("Butir pernyataan"), _l("Jumlah jawaban"),
    _l("NRR = jumlah nilai pernyataan ÷ jumlah jawaban (skala 1–4); indeks = rata-rata NRR pernyataan "
       "yang aktif dan berjawaban (bobot sama); nilai konversi = indeks × 25."),
    _l("Belum ada responden survei persepsi pada semester ini: indeks tidak dapat dihitung."),
    _l("Indeks Persepsi Anti Korupsi (IPAK)"), _l("Indeks Persepsi Kualitas Pelayanan (IPKP)"),
)
LABELS = {"ipak": "Indeks Persepsi Anti Korupsi (IPAK)", "ipkp": "Indeks Persepsi Kualitas Pelayanan (IPKP)"}


def _num(value):
    return None if value is None else float(value)


def _figures(index: ikm.Index) -> dict:
    return {"respondents": index.respondents, "index": _num(index.ikm), "converted": _num(index.converted)}


def _questions_table(survey: str, index: ikm.Index, asked, counts: dict[str, int]) -> Table:
    rows = []
    for no, question in enumerate(asked, 1):
        key = f"q{question.id}"
        nrr = index.nrr.get(key) if index.nrr else None
        rows.append({"no": no, "code": key, "text": question.text, "answers": counts.get(key, 0), "nrr": _num(nrr),
                     "converted": None if nrr is None else _num(ikm.half_up(nrr * ikm.SCALE, 2))})
    columns = [Column("no", "No"), Column("code", "Kode pernyataan"), Column("text", "Butir pernyataan"),
               Column("answers", "Jumlah jawaban"), Column("nrr", "NRR"), Column("converted", "Nilai konversi")]
    total = {"no": "", "code": "", "text": "Indeks persepsi", "answers": None, "nrr": _num(index.ikm),
             "converted": _num(index.converted)}
    return Table(survey, f"Nilai rata-rata (NRR) per pernyataan — {survey.upper()}", columns, rows, total,
                 note=NRR_NOTE)


def _index_table(results: dict[str, ikm.Index]) -> Table:
    rows = [{"code": survey, "label": LABELS[survey], **_figures(idx)} for survey, idx in results.items()]
    columns = [Column("code", "Kode survei"), Column("label", "Survei"), Column("respondents", "Jumlah responden"),
               Column("index", "Indeks (1–4)"), Column("converted", "Nilai konversi (25–100)")]
    return Table("indeks", "Indeks persepsi", columns, rows)


@register(CHANNEL, "Survei Persepsi Anti Korupsi dan Kualitas Pelayanan", kinds=(SEMESTER,))
def build(period: Period) -> Report:
    results: dict[str, ikm.Index] = {}
    tables: list[Table] = []
    for survey in PERCEPTION_SURVEYS:
        index, asked, counts = perception.index_with_counts(survey, period)
        results[survey] = index
        tables.append(_questions_table(survey, index, asked, counts))
    respondents = sum(idx.respondents for idx in results.values())
    summary = {"respondents": respondents, **{survey: _figures(idx) for survey, idx in results.items()}}
    title = f"Laporan Semester Survei Persepsi Anti Korupsi (IPAK) dan Kualitas Pelayanan (IPKP) — {period.label}"
    notes = [] if respondents else [NO_RESPONDENTS]
    return Report(CHANNEL, period, title, respondents, summary, [_index_table(results), *tables], notes)
