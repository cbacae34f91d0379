"""Plain-language hint that a gift looks exempt from reporting, by the regulation in force on the day received.

The hint never refuses a report: the UPG (and in the end KPK) decides. The table below is the
one place that knows the thresholds; the public campaign page renders the same table.

Sources (DOMAIN.md §1–§2): Perkom KPK 2/2019 Ps 2(3) lists what need not be reported [V S10];
PerKPK 1/2026, signed 14 January 2026, raised the wedding/adat limit from Rp1.000.000 to
Rp1.500.000 per giver, the co-worker limit from Rp200.000 to Rp500.000 per gift (Rp1.000.000 to
Rp1.500.000 per giver per year) and deleted the Rp300.000 pisah-sambut/pensiun item [V S9].
Check the official texts (JDIH KPK) when they change again; add a version, never edit an old one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class RegulationVersion:
    code: str
    name: str
    valid_from: date
    valid_until: date | None  # inclusive; None: still in force


PERKOM_2_2019 = RegulationVersion("perkom-2-2019", "Peraturan KPK No. 2 Tahun 2019", date(2019, 1, 1), date(2026, 1, 13))
PERKPK_1_2026 = RegulationVersion("perkpk-1-2026", "Peraturan KPK No. 1 Tahun 2026", date(2026, 1, 14), None)
VERSIONS = (PERKOM_2_2019, PERKPK_1_2026)


def version_on(received_on: date) -> RegulationVersion:
    """The regulation that governs a gift received on that day (older gifts: the oldest we know)."""
    for version in reversed(VERSIONS):
        if received_on >= version.valid_from:
            return version
    return VERSIONS[0]


# Money and its equivalents ("uang atau alat tukar lainnya") never fall under the co-worker items.
MONEY_LIKE = frozenset({"uang", "voucher", "pinjaman"})
# Relations where the giver may well have an interest in the recipient's office.
INTERESTED_RELATIONS = frozenset({"pengguna-layanan", "rekanan"})
# An occasion tied to the office itself: a gift there is related to the position (Ps 12B).
OFFICIAL_OCCASIONS = frozenset({"kedinasan"})


def presumed_conflict(relation: str | None, occasion: str | None) -> bool:
    """Every exemption of Ps 2(3) presumes no conflict of interest. A giver who uses the office's
    services or supplies it, or a gift at an official occasion, is presumed to have one: the hint
    stays silent and the UPG judges."""
    return relation in INTERESTED_RELATIONS or occasion in OFFICIAL_OCCASIONS


@dataclass(frozen=True)
class Rule:
    code: str
    summary: object  # lazy string: what the exemption covers, shown on the campaign page
    # Limit per giver/gift in whole rupiah by version code; a version missing = rule not in force;
    # None = no value limit.
    limits: dict
    yearly_limits: dict | None = None
    relations: frozenset | None = None  # None: any giver
    occasions: frozenset | None = None  # None: any occasion
    excluded_occasions: frozenset = frozenset()
    items: frozenset | None = None  # None: any object
    excluded_items: frozenset = frozenset()

    def in_force(self, version: RegulationVersion) -> bool:
        return version.code in self.limits

    def yearly_limit(self, version: RegulationVersion) -> int | None:
        return (self.yearly_limits or {}).get(version.code)

    def matches(self, item_type, relation, occasion, value, version, earlier_from_giver: int = 0) -> bool:
        if not self.in_force(version):
            return False
        if self.relations is not None and relation not in self.relations:
            return False
        if self.occasions is not None and occasion not in self.occasions:
            return False
        if occasion in self.excluded_occasions:
            return False
        if self.items is not None and item_type not in self.items:
            return False
        if item_type in self.excluded_items:
            return False
        limit = self.limits[version.code]
        if limit is not None and not (value is not None and 0 < value <= limit):
            return False
        yearly = self.yearly_limit(version)
        # "per pemberi dalam 1 tahun": this gift plus what the same giver gave this reporter earlier that year.
        return yearly is None or (value is not None and earlier_from_giver + value <= yearly)


RULES = (
    Rule("keluarga", _l("Pemberian dalam keluarga (orang tua, mertua, suami/istri, anak, menantu, cucu, besan, "
                        "saudara kandung/ipar, paman/bibi, sepupu, keponakan), sepanjang tidak ada benturan kepentingan."),
         limits={PERKOM_2_2019.code: None, PERKPK_1_2026.code: None},
         relations=frozenset({"keluarga"})),
    Rule("karangan-bunga", _l("Karangan bunga sebagai ucapan pada pernikahan, kelahiran, kematian, upacara adat/agama, "
                              "pisah sambut, pensiun, atau promosi jabatan."),
         limits={PERKOM_2_2019.code: None, PERKPK_1_2026.code: None},
         items=frozenset({"karangan-bunga"}), occasions=frozenset({"pernikahan-adat", "pisah-sambut"})),
    Rule("pernikahan-adat", _l("Pemberian terkait pertunangan, pernikahan, kelahiran, akikah, baptis, khitanan, potong gigi, "
                               "atau upacara adat/agama lainnya, dari pemberi mana pun."),
         limits={PERKOM_2_2019.code: 1_000_000, PERKPK_1_2026.code: 1_500_000},
         occasions=frozenset({"pernikahan-adat"})),
    Rule("pisah-sambut", _l("Pemberian sesama rekan kerja dalam rangka pisah sambut, pensiun, mutasi jabatan, atau ulang "
                            "tahun, tidak berupa uang atau alat tukar lainnya (butir ini dihapus oleh PerKPK 1/2026)."),
         limits={PERKOM_2_2019.code: 300_000},
         yearly_limits={PERKOM_2_2019.code: 1_000_000},
         relations=frozenset({"rekan-kerja"}), occasions=frozenset({"pisah-sambut", "ulang-tahun"}),
         excluded_items=MONEY_LIKE),
    Rule("rekan-kerja", _l("Pemberian sesama rekan kerja yang tidak berupa uang atau alat tukar lainnya dan tidak "
                           "terkait kedinasan."),
         limits={PERKOM_2_2019.code: 200_000, PERKPK_1_2026.code: 500_000},
         yearly_limits={PERKOM_2_2019.code: 1_000_000, PERKPK_1_2026.code: 1_500_000},
         relations=frozenset({"rekan-kerja"}), excluded_occasions=frozenset({"kedinasan"}),
         excluded_items=MONEY_LIKE),
)

# Exemptions without a value limit that no form field can recognise; listed on the campaign page.
OTHER_EXEMPTIONS = (
    _l("Hidangan atau sajian yang berlaku umum."),
    _l("Perangkat atau perlengkapan bagi peserta seminar, lokakarya, pelatihan, atau kegiatan sejenis yang berlaku umum."),
    _l("Hadiah promosi berlogo atau berisi pesan sosialisasi, bukan uang, yang berlaku umum dan tanpa benturan kepentingan."),
    _l("Hadiah atau penghargaan dari lomba atau kompetisi yang diikuti dengan biaya sendiri dan tidak terkait kedinasan."),
    _l("Penghargaan dari pemerintah atas prestasi kerja sesuai peraturan perundang-undangan."),
    _l("Diskon atau rabat atas pembelian barang/jasa yang berlaku umum."),
    _l("Keuntungan atau bunga dari penempatan dana, investasi, atau kepemilikan saham pribadi yang berlaku umum."),
    _l("Manfaat dari koperasi atau organisasi kepegawaian berdasarkan keanggotaan, yang berlaku umum."),
    _l("Kompensasi kegiatan kedinasan (honorarium, transportasi, akomodasi) sesuai standar biaya yang berlaku, tanpa pembiayaan ganda."),
    _l("Kompensasi atas profesi di luar kedinasan yang tidak terkait tugas, tanpa benturan kepentingan."),
    _l("Pemberian terkait musibah atau bencana yang dialami penerima atau keluarga intinya, dalam batas nilai per pemberi."),
)


def rupiah(value: int | None) -> str:
    """Rp1.500.000: the Indonesian way of writing rupiah."""
    if value is None:
        return "—"
    return "Rp" + f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class Hint:
    rule: Rule
    version: RegulationVersion
    value: int | None
    relation: str | None = None
    earlier_from_giver: int = 0  # this reporter's earlier reports from the same giver that year

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def limit(self) -> int | None:
        return self.rule.limits[self.version.code]

    @property
    def message(self) -> str:
        """The hint in the reader's language (call inside an app context)."""
        parts = []
        if self.limit is None:
            parts.append(_("Menurut %(reg)s, pemberian ini tampaknya termasuk yang tidak wajib dilaporkan: %(rule)s",
                           reg=self.version.name, rule=self.rule.summary))
        else:
            parts.append(_("Menurut %(reg)s (berlaku untuk penerimaan %(date)s), pemberian ini tampaknya "
                           "tidak wajib dilaporkan bila nilainya paling banyak %(limit)s: %(rule)s Nilai yang Anda "
                           "isi %(value)s.",
                           reg=self.version.name, date=_version_period(self.version), limit=rupiah(self.limit),
                           rule=self.rule.summary, value=rupiah(self.value)))
        yearly = self.rule.yearly_limit(self.version)
        if yearly:
            parts.append(_("Jumlah pemberian dari pemberi yang sama dalam satu tahun paling banyak %(limit)s; "
                           "menurut laporan Anda tahun ini, termasuk pemberian ini: %(sum)s.",
                           limit=rupiah(yearly), sum=rupiah(self.earlier_from_giver + (self.value or 0))))
        parts.append(_("Pengecualian ini hanya berlaku bila tidak ada benturan kepentingan dengan jabatan Anda."))
        parts.append(_("Ini hanya petunjuk, bukan keputusan: laporan Anda tetap dicatat dan UPG yang menilai."))
        return " ".join(parts)


def _version_period(version: RegulationVersion) -> str:
    if version.valid_until is None:
        return _("mulai %(start)s", start=_long_date(version.valid_from))
    return _("sampai %(until)s", until=_long_date(version.valid_until))


def _long_date(day: date) -> str:
    from flask_babel import format_date

    return format_date(day, "long")


def exemption_hint(item_type: str | None, relation: str | None, occasion_code: str | None,
                   value: int | None, received_on: date | None, *, earlier_from_giver: int = 0,
                   conflict_of_interest: bool | None = None) -> Hint | None:
    """The first exemption whose every condition the gift meets (occasion, relation, object, value
    and yearly sum per giver under the regulation of its day of receipt, no conflict of interest),
    else None. `earlier_from_giver`: the sum of this reporter's earlier gifts from the same giver
    in that year (services.hint_for reads it from the register); `conflict_of_interest`: the
    reporter's own answer, when the form asked."""
    if received_on is None or item_type is None:
        return None
    if conflict_of_interest or presumed_conflict(relation, occasion_code):
        return None
    version = version_on(received_on)
    for rule in RULES:
        if rule.matches(item_type, relation, occasion_code, value, version, earlier_from_giver):
            return Hint(rule, version, value, relation, earlier_from_giver)
    return None


def campaign_table() -> list[dict]:
    """Rows for the public page: each valued exemption with its limit under every version."""
    rows = []
    for rule in RULES:
        rows.append({
            "code": rule.code,
            "summary": rule.summary,
            "limits": [(version, rule.in_force(version), rule.limits.get(version.code),
                        (rule.yearly_limits or {}).get(version.code)) for version in VERSIONS],
        })
    return rows
