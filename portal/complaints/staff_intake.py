"""Staff intake: the complaints team records a complaint that reached the office through another channel
(SP4N-LAPOR!, WhatsApp, email, telephone, letter, suggestion box, counter, social media; DOMAIN.md §2).

The same schema as the public form (ComplaintInput, extended with the channel's reference), the same
submit transaction (portal.intake), ticket, access code, receipt mail and workflow; the deadlines run from
the day the office received it. Every recording is audited inside that transaction.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit, catalog, intake
from ..clock import local_today
from ..models import ComplaintAttachment, ComplaintEvent
from ..validation import Choice, PastDate, Phone, Text, add_error
from . import services
from .validation import ComplaintInput

CHANNEL = "complaints"  # the audit log's channel
# Every channel but the citizen's own web form (which files itself).
STAFF_CHANNELS = {code: label for code, label in catalog.COMPLAINT_CHANNELS.items() if code != "web"}
# How far back a received date may go: a letter found late in a tray is still recorded, with its real date.
RECEIVED_MAX_AGE_DAYS = 365

# What each channel's reference is, shown next to the field (the form) and required where the channel has one.
REFERENCE_LABELS = {
    "lapor": _l("Nomor tracking LAPOR!"),
    "surat": _l("Nomor surat"),
    "email": _l("Alamat surel pengirim atau subjek surel"),
    "medsos": _l("Akun atau tautan unggahan"),
}
REFERENCE_REQUIRED = ("lapor", "surat")


def mask_phone(raw: str) -> str:
    """A WhatsApp number kept only as its first four and last three digits (0812*****890): enough to
    recognise a repeat sender, not to contact or identify anyone from the register."""
    digits = re.sub(r"\D", "", raw)
    return digits[:4] + "*" * max(len(digits) - 7, 0) + digits[-3:]


class StaffComplaintInput(ComplaintInput):
    """A complaint recorded by the complaints team: the citizen's fields as given, plus how it came in."""

    channel: Annotated[str, Choice(options=STAFF_CHANNELS, required=True)]
    received_on: Annotated[date, PastDate(required=True, max_age_days=RECEIVED_MAX_AGE_DAYS)]
    channel_ref: Annotated[str | None, Text(max_len=80)] = None
    channel_ref_date: Annotated[date | None, PastDate(max_age_days=5 * 365)] = None
    wa_number: Annotated[str | None, Phone()] = None
    origin: Annotated[str | None, Text(max_len=150)] = None  # the agency that forwarded it here, if any

    transient = ("wa_number",)

    @classmethod
    def cross_check(cls, clean, errors, data, context):
        super().cross_check(clean, errors, data, context)
        channel = clean.get("channel")
        if channel == "whatsapp":
            if clean.get("wa_number"):
                clean["channel_ref"] = mask_phone(clean["wa_number"])
            elif "wa_number" not in errors:
                add_error(errors, "wa_number", _("Isi nomor WhatsApp pengirim."))
        if channel in REFERENCE_REQUIRED and not clean.get("channel_ref") and "channel_ref" not in errors:
            add_error(errors, "channel_ref", _("Isi nomor referensi kanal ini."))
        if channel == "surat" and not clean.get("channel_ref_date") and "channel_ref_date" not in errors:
            add_error(errors, "channel_ref_date", _("Isi tanggal surat."))
        if channel != "surat":
            clean["channel_ref_date"] = None


def check(form) -> tuple[dict, dict]:
    return StaffComplaintInput.check(form, today=local_today())


def record(clean: dict, files: list, actor, submission_key: str | None = None) -> services.Receipt:
    """Store a complaint received through `clean["channel"]` on `clean["received_on"]`, with its files,
    in one transaction with its audit entry; the citizen's receipt mail goes out when an address was given."""
    received_on = clean["received_on"]

    def build(columns, day):
        complaint = services.new_complaint(clean, columns, day)
        complaint.channel_ref = clean.get("channel_ref")
        complaint.channel_ref_date = clean.get("channel_ref_date")
        complaint.recorded_by_id = actor.id
        complaint.origin = clean.get("origin")
        audit.log("complaint_recorded", actor=actor, channel=CHANNEL, case_ref=complaint.ticket,
                  detail={"kanal": complaint.channel, "diterima": day.isoformat()})
        return complaint

    return intake.submit(submission_key, files, replay=services.find_replay, prefix=services.TICKET_PREFIX,
                         today=lambda: received_on, build=build, event=ComplaintEvent,
                         attachment=ComplaintAttachment, mail=services.queue_receipt, receipt=services.receipt,
                         channel=clean["channel"])
