"""The one schema of a gratification report, used by the HTML form and the JSON API alike."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from flask import current_app
from flask_babel import gettext as _

from .. import catalog
from ..clock import local_today
from ..validation import NIK, NIP, Boolean, Choice, Email, Integer, PastDate, Phone, Schema, Text, add_error

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 10_000
VALUE_MAX = 100_000_000_000  # Rp100 miliar: anything above is a typo (one zero too many), not a gift
# Earliest receipt date accepted (configurable): a report about a 1970s gift is a typo.
DEFAULT_EARLIEST_RECEIPT = date(1980, 1, 1)
# Older receipts need an explicit confirmation: most are a mistyped year (2016 for 2026).
DEFAULT_CONFIRM_AFTER_DAYS = 2 * 365
CONFIRM_FIELD = "received_on_confirmed"

# Estimated value in whole rupiah; optional (the UPG asks), but never zero, negative or absurd.
_VALUE = Integer(minimum=1, maximum=VALUE_MAX, description="Whole rupiah; omit when unknown", messages={
    "below": lambda: _("Nilai taksiran harus lebih dari Rp0. Kosongkan bila Anda tidak tahu nilainya."),
    "above": lambda: _("Nilai taksiran lebih dari Rp100.000.000.000. Periksa jumlah angka nol; "
                       "tulis dalam rupiah tanpa desimal, misalnya 1500000."),
})


def _contact_missing() -> str:
    return _("Isi nomor HP atau surel agar UPG dapat menghubungi Anda bila laporan perlu dilengkapi.")


class GratificationInput(Schema):
    """A gratification report (received or refused). Give reporter_phone or reporter_email (at least one)."""

    # Validated with context `today`, `earliest` and `confirm_after_days` (see validate()).

    transient = (CONFIRM_FIELD,)

    action: Annotated[str, Choice(options=catalog.GRATIFICATION_ACTIONS, required=True)]
    reporter_name: Annotated[str, Text(required=True, max_len=120)]
    reporter_nip: Annotated[str | None, NIP(description="18 digits (NIP)")] = None
    reporter_position: Annotated[str, Text(required=True, max_len=150)]
    reporter_unit: Annotated[str, Text(required=True, max_len=200)]
    reporter_nik: Annotated[str | None, NIK(description="16 digits (NIK); stored encrypted, shown only to the UPG")] = None
    reporter_phone: Annotated[str | None, Phone()] = None
    reporter_email: Annotated[str | None, Email()] = None
    giver_name: Annotated[str | None, Text(max_len=120)] = None
    giver_institution: Annotated[str | None, Text(max_len=200, description="Giver's agency or occupation")] = None
    giver_address: Annotated[str | None, Text(max_len=300, multiline=True, description="Stored encrypted")] = None
    # Benturan kepentingan: unanswered stays None ("tidak tahu"), not a silent "tidak".
    conflict_of_interest: Annotated[bool | None, Boolean(
        default=None, description="Whether the giver has business with the reporter's office "
                                  "(benturan kepentingan); omit when unknown")] = None
    giver_relation: Annotated[str, Choice(options=catalog.GRATIFICATION_RELATIONS, required=True)]
    item_type: Annotated[str, Choice(options=catalog.GRATIFICATION_ITEMS, required=True,
                                     description="Object type (GET /categories → gratification_items)")]
    description: Annotated[str, Text(required=True, min_len=DESCRIPTION_MIN, max_len=DESCRIPTION_MAX,
                                     multiline=True)]
    estimated_value: Annotated[int | None, _VALUE] = None
    received_on: Annotated[date, PastDate(required=True, description="Not in the future")]
    place_received: Annotated[str | None, Text(max_len=200)] = None
    occasion: Annotated[str, Choice(options=catalog.GRATIFICATION_OCCASIONS, required=True)]
    perishable: Annotated[bool, Boolean()] = None
    deposited_with_upg: Annotated[bool, Boolean()] = None
    received_on_confirmed: Annotated[bool, Boolean(
        description="Confirms a receipt date more than two years back")] = None

    @classmethod
    def cross_check(cls, clean, errors, data, context):
        today = context["today"]
        confirm_after_days = context.get("confirm_after_days", DEFAULT_CONFIRM_AFTER_DAYS)
        if not clean.get("reporter_phone") and not clean.get("reporter_email") \
                and "reporter_phone" not in errors and "reporter_email" not in errors:
            add_error(errors, "reporter_phone", _contact_missing())
        nip, received = clean.get("reporter_nip"), clean.get("received_on")
        if nip and not _nip_plausible(nip, today):
            add_error(errors, "reporter_nip", _("NIP tidak sesuai format: 8 angka pertama adalah tanggal lahir (TTTTBBHH) "
                                                "dan 6 angka berikutnya tahun dan bulan pengangkatan."))
            clean.pop("reporter_nip", None)
        elif nip and received and received < _appointed(nip):
            add_error(errors, "received_on", _("Tanggal penerimaan %(d)s lebih awal dari pengangkatan menurut NIP Anda "
                                               "(%(tmt)s). Periksa kembali tanggal atau NIP.",
                                               d=received.isoformat(), tmt=_appointed(nip).strftime("%Y-%m")))
            clean.pop("received_on", None)
        if received and "received_on" not in errors and received < today - timedelta(days=confirm_after_days) \
                and not clean.get(CONFIRM_FIELD):
            add_error(errors, CONFIRM_FIELD, _("Tanggal penerimaan %(d)s sudah lebih dari %(years)d tahun yang lalu. "
                                               "Periksa kembali tahunnya. Bila tanggal itu benar, centang «Tanggal "
                                               "penerimaan sudah benar» lalu kirim lagi.",
                                               d=received.isoformat(), years=round(confirm_after_days / 365)))


def validate(data, today: date | None = None) -> tuple[dict, dict]:
    """Form and API alike, with the configured earliest date and confirmation window."""
    config = current_app.config
    return validate_gratification(
        data, today=today or local_today(),
        earliest=config.get("GRATIFICATION_EARLIEST_RECEIPT", DEFAULT_EARLIEST_RECEIPT),
        confirm_after_days=config.get("GRATIFICATION_CONFIRM_AFTER_DAYS", DEFAULT_CONFIRM_AFTER_DAYS))


def validate_gratification(data, *, today: date, earliest: date | None = None,
                           confirm_after_days: int | None = None) -> tuple[dict, dict]:
    return GratificationInput.check(
        data, today=today, earliest=earliest or DEFAULT_EARLIEST_RECEIPT,
        confirm_after_days=DEFAULT_CONFIRM_AFTER_DAYS if confirm_after_days is None else confirm_after_days)


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
