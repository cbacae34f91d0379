"""Reports in the visitor's language: a published snapshot's labels translated with the catalogue.

The stored renderings of a published report stay Indonesian, byte for byte (they are the official
record). A visitor who chose another language gets the same figures rendered again from the frozen
snapshot, with every label (titles, column headers, row labels, notes, period names) looked up in
the Flask-Babel catalogue. Figures and what staff wrote (follow-up plan, correction, T6 summaries)
are never changed. `VOCABULARY` lists the report words that are not already catalogue entries
elsewhere (catalog codes and workflow labels are), so `make translations` extracts them.
"""
from __future__ import annotations

import copy
import re

from flask_babel import get_locale, gettext, pgettext
from flask_babel import lazy_gettext as _l

DEFAULT_LANGUAGE = "id"

# Words the channel modules print in their tables; kept in the catalogue through this list.
VOCABULARY = (
    _l("%"), _l("% selesai tepat waktu"), _l("% tepat waktu"), _l("% tindak lanjut pertama tepat waktu"),
    _l("% verifikasi tepat waktu"), _l("Angka semester = jumlah enam bulan."), _l("Aparat Penegak Hukum (APH)"),
    _l("Batas"), _l("Batas (hari kerja)"), _l("Bidang / unit"), _l("Belum didisposisikan ke bidang"),
    _l("Kode bidang"), _l("T3. Pengaduan per bidang"),
    _l("Masuk: diterima dalam periode, menurut bidang tujuan disposisi; selesai: diselesaikan dalam periode."),
    _l("Bulan"), _l("Dalam proses"), _l("Diarsipkan / bukan kewenangan"),
    _l("Dilaporkan terlambat (lebih dari 30 hari kerja)"), _l("Diteruskan ke"), _l("Diteruskan ke UPG Kabupaten"),
    _l("Diverifikasi"),
    _l("Hanya pengaduan yang diajukan sebagai terbuka; identitas pelapor tidak dicantumkan."),
    _l("Inspektorat"), _l("Jenis dugaan pelanggaran"), _l("Jenis objek gratifikasi"), _l("Jumlah"),
    _l("Jumlah 1 atau 2 ditampilkan sebagai \"< 3\" dan angka yang dapat dipakai untuk menghitungnya kembali "
       "ditampilkan sebagai \"*\", agar tidak ada laporan yang dapat dikenali."),
    _l("KPK"), _l("Keputusan KPK atas status kepemilikan gratifikasi"), _l("Kode"), _l("Kode jenis"),
    _l("Kode kanal"), _l("Kode keputusan"), _l("Kode layanan"), _l("Kode status"), _l("Kode tujuan"),
    _l("Laporan WBS masuk"), _l("Laporan WBS masuk menurut jenis pelanggaran"), _l("Laporan WBS yang diteruskan"),
    _l("Laporan gratifikasi masuk"),
    _l("Laporan ini hanya memuat jumlah; isi laporan WBS dan identitas pelapor tidak pernah dipublikasikan."),
    _l("Laporan menurut jenis objek gratifikasi"), _l("Laporan yang diteruskan UPG"),
    _l("Laporan yang masuk dalam semester ini."),
    _l("Masuk, diverifikasi dan selesai semester = jumlah enam bulan; saldo awal = bulan pertama; "
       "saldo akhir = bulan terakhir."),
    _l("Median hari kerja sampai selesai"), _l("Menurut tanggal SK KPK dalam periode."),
    _l("Menurut tanggal penerusan dalam periode, termasuk laporan yang diterima sebelumnya."),
    _l("Menurut tanggal penerusan dalam semester."), _l("Nihil"), _l("Nilai"), _l("Nilai taksiran (Rp)"),
    _l("Nilai taksiran menurut pelapor; laporan tanpa taksiran dihitung Rp0."),
    _l("Nilai taksiran penerimaan (Rp)"), _l("Nilai taksiran penolakan (Rp)"), _l("Pengaduan masuk"),
    _l("Pengaduan saldo awal dan pengaduan masuk, menurut status pada akhir periode."),
    _l("Penyelesaian sejak pengaduan diterima"), _l("Perubahan"), _l("Perubahan (%)"),
    _l("Perubahan tidak dihitung bila salah satu angka disamarkan."), _l("Rata-rata hari kerja sampai selesai"),
    _l("Rata-rata kepuasan"), _l("Rekapitulasi laporan gratifikasi"), _l("Rincian per bulan"), _l("Ringkasan"),
    _l("SK KPK: milik negara"), _l("SK KPK: milik penerima"), _l("SK milik negara"), _l("SK milik penerima"),
    _l("SK penetapan KPK"), _l("Saldo akhir"),
    _l("Saldo akhir = saldo awal + masuk − selesai − diarsipkan/bukan kewenangan."), _l("Saldo awal"),
    _l("Saldo awal + masuk"), _l("Semester"), _l("Status kepemilikan (SK KPK)"),
    _l("Status laporan pada akhir semester"), _l("Status pada akhir periode"),
    _l("T1. Rekapitulasi pengaduan per kanal"), _l("T1. Status pengaduan pada akhir periode per kanal"),
    _l("T2. Pengaduan masuk menurut layanan dan masalah"), _l("T4. Ketepatan waktu penanganan"),
    _l("T5. Tingkat penyelesaian"), _l("T6. Daftar tindak lanjut pengaduan (terbuka, tanpa identitas)"),
    _l("T7. Kepuasan pelapor"), _l("Tepat waktu"), _l("Terlambat"), _l("Tindak lanjut pertama setelah verifikasi"),
    _l("Tingkat penyelesaian (%)"), _l("Tingkat penyelesaian = selesai ÷ (saldo awal + masuk) × 100%."),
    _l("Total nilai taksiran (Rp)"), _l("UPG Kabupaten"), _l("Ukuran"), _l("Uraian"),
    _l("Laporan Bulanan Pengendalian Gratifikasi"), _l("Laporan Bulanan Tindak Lanjut Pengaduan Masyarakat"),
    _l("Monitoring dan Evaluasi Pengaduan Masyarakat"), _l("Monitoring dan Evaluasi Pengendalian Gratifikasi"),
    _l("Monitoring dan Evaluasi Whistleblowing System"), _l("Whistleblowing System (WBS)"),
    _l("Tren dibanding %(period)s"), _l("Semester I %(year)s"), _l("Semester II %(year)s"),
    _l("Januari"), _l("Februari"), _l("Maret"), _l("April"), _l("Mei"), _l("Juni"), _l("Juli"), _l("Agustus"),
    _l("September"), _l("Oktober"), _l("November"), _l("Desember"),
)

# Report words whose everyday catalogue entry means something else ("Masuk" is "Sign in" on the
# staff pages); looked up under this context first.
REPORT_CONTEXT = "laporan"


def _contextual() -> tuple:
    """Never called: lists the context entries for `make translations` (babel extracts pgettext)."""
    return (pgettext("laporan", "Masuk"),)


_PERIOD = re.compile(r"^(?P<name>Semester I|Semester II|[A-Z][a-z]+) (?P<year>\d{4})$")
_TREND = re.compile(r"^Tren dibanding (?P<period>.+)$")
# Cells under these column keys are labels (codes translated to words), not what someone wrote.
LABEL_KEYS = frozenset({"label", "service", "status_label"})
# Sentences joined in one note ("… dalam semester ini. Jumlah 1 atau 2 …") are translated one by one.
_SENTENCE = re.compile(r"(?<=\.) (?=[A-Z])")


def language() -> str:
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def period_label(text: str) -> str:
    match = _PERIOD.match(text)
    if not match:
        return text
    name, year = match["name"], match["year"]
    if name == "Semester I":
        return gettext("Semester I %(year)s", year=year)
    if name == "Semester II":
        return gettext("Semester II %(year)s", year=year)
    return f"{gettext(name)} {year}"


def label(text):
    """One label in the current language: the catalogue entry, else by its known shapes, else as is."""
    if not isinstance(text, str) or not text:
        return text
    translated = pgettext(REPORT_CONTEXT, text)
    if translated != text:
        return translated
    translated = gettext(text)
    if translated != text:
        return translated
    if " — " in text:
        return " — ".join(label(part) for part in text.split(" — "))
    trend = _TREND.match(text)
    if trend:
        return gettext("Tren dibanding %(period)s", period=period_label(trend["period"]))
    if _PERIOD.match(text):
        return period_label(text)
    parts = _SENTENCE.split(text)
    if len(parts) > 1:
        return " ".join(label(part) for part in parts)
    return text


def snapshot(snap: dict) -> dict:
    """A copy of a published snapshot with its labels in the current language (figures untouched)."""
    if language() == DEFAULT_LANGUAGE:
        return snap
    snap = copy.deepcopy(snap)
    report, publication = snap["report"], snap["publication"]
    report["title"] = label(report["title"])
    report["period"]["label"] = period_label(report["period"]["label"])
    report["notes"] = [label(n) for n in report.get("notes") or []]
    for table in report["tables"].values():
        table["title"] = label(table["title"])
        table["note"] = label(table.get("note") or "")
        for column in table["columns"]:
            if str(column["label"]).startswith("Kode"):
                column["code"] = True  # stays out of the HTML and PDF tables (render.shown_columns)
            column["label"] = label(column["label"])
        for row in list(table["rows"]) + ([table["total"]] if table.get("total") else []):
            for key in LABEL_KEYS & set(row):
                row[key] = label(row[key])
    for key in ("title", "channel_label"):
        if publication.get(key):
            publication[key] = label(publication[key])
    if publication.get("period_label"):
        publication["period_label"] = period_label(publication["period_label"])
    return snap
