"""The one table of what each channel holds about a person (UU PDP 27/2022): the model, its
personal columns, the subject's own text, the history and the attachments.

Export, correction, deletion and retention read this table; nothing here is copied per channel.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..models import (Complaint, ComplaintAttachment, ComplaintEvent, GratificationAttachment, GratificationEvent,
                      GratificationReport)

ERASED = "[dihapus]"  # what a deleted personal value reads as (NOT NULL columns, texts, redactions)


@dataclass(frozen=True)
class Channel:
    code: str            # audit channel and request channel
    role: str            # the back-office role that handles its requests
    label: object
    model: type
    personal: dict       # correctable field → column (the subject's identity and contact)
    third_party: tuple   # personal columns about someone else (the giver), erased with the case
    texts: tuple         # what the subject wrote in their own words (erased, not shown to others)
    event: type
    event_fk: str
    attachment: type
    attachment_fk: str
    exported: tuple      # case columns a subject receives besides the personal ones

    def personal_columns(self) -> tuple[str, ...]:
        return tuple(self.personal.values()) + self.third_party


CHANNELS: dict[str, Channel] = {c.code: c for c in (
    Channel(
        code="complaints", role="complaints", label=_l("Pengaduan"), model=Complaint,
        personal={"name": "name", "nik": "nik", "email": "email", "phone": "phone", "address": "address"},
        third_party=(),
        texts=("subject", "description", "location", "requested_resolution", "rating_comment"),
        event=ComplaintEvent, event_fk="complaint_id", attachment=ComplaintAttachment, attachment_fk="complaint_id",
        exported=("ticket", "channel", "category", "problem", "privacy", "incident_date", "status", "submitted_at",
                  "closed_on", "rating", "notify_by_email"),
    ),
    Channel(
        code="gratification", role="gratification", label=_l("Laporan gratifikasi"), model=GratificationReport,
        personal={"name": "reporter_name", "nip": "reporter_nip", "position": "reporter_position",
                  "nik": "reporter_nik", "email": "reporter_email", "phone": "reporter_phone"},
        third_party=("giver_name", "giver_institution", "giver_address"),
        texts=("description", "place_received"),
        event=GratificationEvent, event_fk="report_id", attachment=GratificationAttachment, attachment_fk="report_id",
        exported=("ticket", "channel", "action", "reporter_unit", "giver_relation", "item_type", "estimated_value",
                  "received_on", "occasion", "status", "submitted_at", "closed_on"),
    ),
)}

# Labels of the correctable fields, for the request form and the back office.
FIELD_LABELS = {"name": _l("Nama"), "nik": _l("NIK"), "nip": _l("NIP"), "position": _l("Jabatan"),
                "email": _l("Surel"), "phone": _l("Nomor telepon"), "address": _l("Alamat")}


def find_case(ticket: str | None, access_code: str | None):
    """(channel, row) for the holder of ticket and access code — the read-back pages' own check — or (None, None)."""
    from .. import intake

    for channel in CHANNELS.values():
        row = intake.lookup(channel.model, ticket, access_code)
        if row is not None:
            return channel, row
    return None, None
