"""The one validation of a gratification report, used by the HTML form and the JSON API alike."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _

from .. import catalog
from ..templating import local_today
from ..validation import Validator

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 10_000
VALUE_MAX = 100_000_000_000  # Rp100 miliar: anything above is a typo (one zero too many), not a gift
# Earliest receipt date accepted (configurable): a report about a 1970s gift is a typo.
DEFAULT_EARLIEST_RECEIPT = date(1980, 1, 1)
# Older receipts need an explicit confirmation: most are a mistyped year (2016 for 2026).
DEFAULT_CONFIRM_AFTER_DAYS = 2 * 365
CONFIRM_FIELD = "received_on_confirmed"


def validate(data, today: date | None = None) -> tuple[dict, dict]:
    """Form and API alike, with the configured earliest date and confirmation window."""
    config = current_app.config
    return validate_gratification(
        data, today=today or local_today(),
        earliest=config.get("GRATIFICATION_EARLIEST_RECEIPT", DEFAULT_EARLIEST_RECEIPT),
        confirm_after_days=config.get("GRATIFICATION_CONFIRM_AFTER_DAYS", DEFAULT_CONFIRM_AFTER_DAYS))


def validate_gratification(data, *, today: date, earliest: date | None = None,
                           confirm_after_days: int | None = None) -> tuple[dict, dict]:
    earliest = earliest or DEFAULT_EARLIEST_RECEIPT
    confirm_after_days = DEFAULT_CONFIRM_AFTER_DAYS if confirm_after_days is None else confirm_after_days
    v = Validator(data)
    v.choice("action", catalog.GRATIFICATION_ACTIONS, required=True)
    v.text("reporter_name", required=True, max_len=120)
    nip = v.nip("reporter_nip")
    v.text("reporter_position", required=True, max_len=150)
    v.text("reporter_unit", required=True, max_len=200)
    v.nik("reporter_nik")
    phone = v.phone("reporter_phone")
    email = v.email("reporter_email")
    if not phone and not email and "reporter_phone" not in v.errors and "reporter_email" not in v.errors:
        v.errors.add("reporter_phone", _("Isi nomor HP atau surel agar UPG dapat menghubungi Anda bila laporan perlu dilengkapi."))
    v.text("giver_name", max_len=120)
    v.text("giver_institution", max_len=200)
    v.text("giver_address", max_len=300, multiline=True)
    # Benturan kepentingan: unanswered stays None ("tidak tahu"), not a silent "tidak".
    v.boolean("conflict_of_interest", default=None)
    v.choice("giver_relation", catalog.GRATIFICATION_RELATIONS, required=True)
    v.choice("item_type", catalog.GRATIFICATION_ITEMS, required=True)
    v.text("description", required=True, min_len=DESCRIPTION_MIN, max_len=DESCRIPTION_MAX, multiline=True)
    _value(v)
    received = v.past_date("received_on", today=today, earliest=earliest, required=True)
    v.text("place_received", max_len=200)
    v.choice("occasion", catalog.GRATIFICATION_OCCASIONS, required=True)
    v.boolean("perishable")
    v.boolean("deposited_with_upg")
    confirmed = v.boolean(CONFIRM_FIELD)
    if nip and not _nip_plausible(nip, today):
        v.errors.add("reporter_nip", _("NIP tidak sesuai format: 8 angka pertama adalah tanggal lahir (TTTTBBHH) dan "
                                       "6 angka berikutnya tahun dan bulan pengangkatan."))
        v.clean.pop("reporter_nip", None)
    elif nip and received and received < _appointed(nip):
        v.errors.add("received_on", _("Tanggal penerimaan %(d)s lebih awal dari pengangkatan menurut NIP Anda (%(tmt)s). "
                                      "Periksa kembali tanggal atau NIP.",
                                      d=received.isoformat(), tmt=_appointed(nip).strftime("%Y-%m")))
        v.clean.pop("received_on", None)
    if received and "received_on" not in v.errors and received < today - timedelta(days=confirm_after_days) and not confirmed:
        v.errors.add(CONFIRM_FIELD, _("Tanggal penerimaan %(d)s sudah lebih dari %(years)d tahun yang lalu. Periksa kembali "
                                      "tahunnya. Bila tanggal itu benar, centang «Tanggal penerimaan sudah benar» lalu kirim lagi.",
                                      d=received.isoformat(), years=round(confirm_after_days / 365)))
    v.clean.pop(CONFIRM_FIELD, None)
    _refuse_lone_surrogates(v)
    return v.clean, dict(v.errors)


def _refuse_lone_surrogates(v: Validator) -> None:
    # JSON may carry "\ud800", which no database encoding can store (a 500 otherwise). The shared
    # Validator's control-character rule is the right home for this; until then it is checked here.
    for field, value in list(v.clean.items()):
        if isinstance(value, str) and any("\ud800" <= ch <= "\udfff" for ch in value):
            v.errors.add(field, _("Mengandung karakter yang tidak diizinkan."))
            v.clean.pop(field)


def _value(v: Validator) -> None:
    """Estimated value in whole rupiah; optional (the UPG asks), but never zero, negative or absurd."""
    value = v.integer("estimated_value")
    if value is None:
        return
    if value <= 0:
        v.errors.add("estimated_value", _("Nilai taksiran harus lebih dari Rp0. Kosongkan bila Anda tidak tahu nilainya."))
    elif value > VALUE_MAX:
        v.errors.add("estimated_value", _("Nilai taksiran lebih dari Rp100.000.000.000. Periksa jumlah angka nol; "
                                          "tulis dalam rupiah tanpa desimal, misalnya 1500000."))
    else:
        return
    v.clean.pop("estimated_value", None)


def _appointed(nip: str) -> date:
    """First day of the appointment month in the NIP (PPPK NIPs carry 21 in place of the month)."""
    year, month = int(nip[8:12]), int(nip[12:14])
    return date(year, month if 1 <= month <= 12 else 1, 1)


def _nip_plausible(nip: str, today: date) -> bool:
    try:
        born = date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return False
    appointed_year = int(nip[8:12])
    return born.year >= 1930 and born.year + 15 <= appointed_year <= today.year
