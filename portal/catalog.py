"""Code lists of DOMAIN.md §2 (one place): codes are stable identifiers, labels are shown to people."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Complaint category = the Disdukcapil service the complaint is about.
COMPLAINT_SERVICES = {
    "ktp-el": _l("KTP elektronik (KTP-el)"),
    "kk": _l("Kartu Keluarga (KK)"),
    "kia": _l("Kartu Identitas Anak (KIA)"),
    "ikd": _l("Identitas Kependudukan Digital (IKD)"),
    "akta-lahir": _l("Akta kelahiran"),
    "akta-mati": _l("Akta kematian"),
    "akta-kawin": _l("Akta perkawinan"),
    "akta-cerai": _l("Akta perceraian"),
    "pindah-datang": _l("Pindah datang (SKPWNI)"),
    "perubahan-data": _l("Perubahan data kependudukan"),
    "layanan-online": _l("Layanan online / antrean daring"),
    "jemput-bola": _l("Layanan jemput bola"),
    "lainnya": _l("Lainnya"),
}

COMPLAINT_PROBLEMS = {
    "lambat": _l("Pelayanan lambat / tidak selesai"),
    "persyaratan": _l("Persyaratan tidak jelas atau berubah-ubah"),
    "pungli": _l("Pungutan liar / calo"),
    "perilaku": _l("Perilaku petugas"),
    "sarpras": _l("Sarana dan prasarana"),
    "sistem": _l("Sistem / blangko tidak tersedia"),
    "informasi": _l("Informasi tidak tersedia / tidak jelas"),
    "diskriminasi": _l("Diskriminasi"),
    "lainnya": _l("Lainnya"),
}

COMPLAINT_CLASSIFICATIONS = {
    "pengaduan": _l("Pengaduan"),
    "aspirasi": _l("Aspirasi / saran"),
    "informasi": _l("Permintaan informasi"),
}

# Kanal: how the complaint reached the office (web and API intake are both "web").
COMPLAINT_CHANNELS = {
    "web": _l("Portal web"),
    "lapor": _l("SP4N-LAPOR!"),
    "whatsapp": _l("WhatsApp"),
    "email": _l("Surel"),
    "telepon": _l("Telepon"),
    "surat": _l("Surat"),
    "kotak-saran": _l("Kotak saran"),
    "tatap-muka": _l("Tatap muka"),
    "medsos": _l("Media sosial"),
}

# The units of a Disdukcapil a complaint is dispositioned to: the first content of the units register
# (table `units`, seeded by migration 0017_units, then kept by the admin at /kantor/admin/unit).
COMPLAINT_UNITS = {
    "sekretariat": _l("Sekretariat"),
    "dafduk": _l("Bidang Pelayanan Pendaftaran Penduduk"),
    "capil": _l("Bidang Pelayanan Pencatatan Sipil"),
    "piak": _l("Bidang Pengelolaan Informasi Administrasi Kependudukan"),
    "pdip": _l("Bidang Pemanfaatan Data dan Inovasi Pelayanan"),
    "upt": _l("UPT Disdukcapil Kecamatan"),
}

PRIVACY_MODES = {
    "open": _l("Terbuka"),
    "anonymous": _l("Anonim"),
    "confidential": _l("Rahasia"),
}

PRIVACY_EXPLANATIONS = {
    "open": _l("Nama Anda diketahui petugas pengaduan. Isi pengaduan (tanpa identitas) dapat diumumkan dalam laporan tindak lanjut."),
    "anonymous": _l("Nama Anda tidak ditampilkan kepada publik maupun kepada pihak yang Anda adukan. Hanya petugas pengaduan yang dapat melihat data yang Anda isi."),
    "confidential": _l("Isi pengaduan tidak pernah diumumkan. Hanya petugas pengaduan yang dapat membacanya. Cocok untuk hal yang sensitif."),
}

GRATIFICATION_ITEMS = {
    "uang": _l("Uang tunai / transfer"),
    "barang": _l("Barang"),
    "voucher": _l("Voucher / kartu hadiah"),
    "parsel": _l("Parsel / makanan"),
    "rabat": _l("Rabat / diskon"),
    "tiket": _l("Tiket perjalanan"),
    "penginapan": _l("Penginapan"),
    "pinjaman": _l("Pinjaman tanpa bunga"),
    "karangan-bunga": _l("Karangan bunga"),
    "fasilitas": _l("Fasilitas lainnya"),
}

GRATIFICATION_RELATIONS = {
    "keluarga": _l("Keluarga"),
    "rekan-kerja": _l("Rekan kerja"),
    "pengguna-layanan": _l("Pengguna layanan"),
    "rekanan": _l("Rekanan / vendor"),
    "lainnya": _l("Lainnya"),
}

# Acara/peristiwa of a gift: the exemption hints (portal.gratification.exemptions) key on it.
GRATIFICATION_OCCASIONS = {
    "pernikahan-adat": _l("Pernikahan, kelahiran, atau upacara adat/agama"),
    "pisah-sambut": _l("Pisah sambut, pensiun, atau mutasi jabatan"),
    "ulang-tahun": _l("Ulang tahun"),
    "hari-raya": _l("Hari raya (Lebaran, Natal, Imlek, dan lainnya)"),
    "kedinasan": _l("Kegiatan kedinasan atau pelayanan"),
    "lainnya": _l("Lainnya"),
}

GRATIFICATION_ACTIONS = {
    "accepted": _l("Penerimaan (saya menerima pemberian)"),
    "refused": _l("Penolakan (saya menolak pemberian)"),
}

GRATIFICATION_KPK_DECISIONS = {
    "milik_negara": _l("Milik negara"),
    "milik_penerima": _l("Milik penerima"),
}

WBS_CATEGORIES = {
    "suap-pungli": _l("Suap / pungutan liar"),
    "gratifikasi": _l("Gratifikasi yang tidak dilaporkan"),
    "penyalahgunaan-wewenang": _l("Penyalahgunaan wewenang"),
    "benturan-kepentingan": _l("Benturan kepentingan"),
    "disiplin-asn": _l("Pelanggaran disiplin ASN"),
    "manipulasi-data": _l("Manipulasi data kependudukan"),
    "pbj": _l("Pengadaan barang/jasa"),
    "lainnya": _l("Lainnya"),
}

# --- Survei Kepuasan Masyarakat (PermenPANRB 14/2017) -------------------------------------------------
# The nine unsur in the regulation's order (Lampiran, "unsur SKM"): key, short name, the question as the
# regulation's sample questionnaire asks it, and its four answers from score 1 (worst) to 4 (best).
SKM_UNSUR = (
    ("u1", _l("Persyaratan"),
     _l("Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"),
     (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai"))),
    ("u2", _l("Sistem, mekanisme dan prosedur"),
     _l("Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?"),
     (_l("Tidak mudah"), _l("Kurang mudah"), _l("Mudah"), _l("Sangat mudah"))),
    ("u3", _l("Waktu penyelesaian"),
     _l("Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?"),
     (_l("Tidak cepat"), _l("Kurang cepat"), _l("Cepat"), _l("Sangat cepat"))),
    ("u4", _l("Biaya/tarif"),
     _l("Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?"),
     (_l("Sangat mahal"), _l("Cukup mahal"), _l("Murah"), _l("Gratis"))),
    ("u5", _l("Produk spesifikasi jenis pelayanan"),
     _l("Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar "
        "pelayanan dengan hasil yang diberikan?"),
     (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai"))),
    ("u6", _l("Kompetensi pelaksana"),
     _l("Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?"),
     (_l("Tidak kompeten"), _l("Kurang kompeten"), _l("Kompeten"), _l("Sangat kompeten"))),
    ("u7", _l("Perilaku pelaksana"),
     _l("Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?"),
     (_l("Tidak sopan dan ramah"), _l("Kurang sopan dan ramah"), _l("Sopan dan ramah"),
      _l("Sangat sopan dan ramah"))),
    ("u8", _l("Penanganan pengaduan, saran dan masukan"),
     _l("Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?"),
     (_l("Tidak ada"), _l("Ada tetapi tidak berfungsi"), _l("Berfungsi kurang maksimal"),
      _l("Dikelola dengan baik"))),
    ("u9", _l("Sarana dan prasarana"),
     _l("Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?"),
     (_l("Buruk"), _l("Cukup"), _l("Baik"), _l("Sangat baik"))),
)
SKM_UNSUR_KEYS = tuple(key for key, *_ in SKM_UNSUR)
SKM_UNSUR_NAMES = {key: name for key, name, *_ in SKM_UNSUR}

SKM_SEX = {
    "laki-laki": _l("Laki-laki"),
    "perempuan": _l("Perempuan"),
}

SKM_AGE = {
    "17-25": _l("17–25 tahun"),
    "26-35": _l("26–35 tahun"),
    "36-45": _l("36–45 tahun"),
    "46-55": _l("46–55 tahun"),
    "56-plus": _l("56 tahun ke atas"),
}

SKM_EDUCATION = {
    "sd": _l("SD atau sederajat"),
    "smp": _l("SMP atau sederajat"),
    "sma": _l("SMA/SMK atau sederajat"),
    "diploma": _l("D1, D2, D3 atau D4"),
    "s1": _l("S1"),
    "s2-plus": _l("S2 ke atas"),
}

SKM_OCCUPATION = {
    "pns": _l("PNS/PPPK"),
    "tni-polri": _l("TNI/Polri"),
    "swasta": _l("Pegawai swasta"),
    "wirausaha": _l("Wirausaha"),
    "pelajar": _l("Pelajar/mahasiswa"),
    "rumah-tangga": _l("Mengurus rumah tangga"),
    "lainnya": _l("Lainnya"),
}


def as_options(mapping) -> list[dict]:
    return [{"code": code, "label": str(label)} for code, label in mapping.items()]


def label(mapping, code: str | None) -> str:
    if code is None:
        return ""
    value = mapping.get(code)
    return str(value) if value is not None else code
