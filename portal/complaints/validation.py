"""The one schema of a complaint, used by the HTML form and the JSON API alike."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from .. import catalog
from ..validation import NIK, Boolean, Choice, Email, PastDate, Phone, Schema, Text

DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 10_000


class ComplaintInput(Schema):
    """A citizen's complaint (pengaduan)."""

    # Validated with context `today` (incident_date).

    category: Annotated[str, Choice(options=catalog.COMPLAINT_SERVICES, required=True,
                                    description="Service complained about (GET /categories → complaints)")]
    problem: Annotated[str, Choice(options=catalog.COMPLAINT_PROBLEMS, default="lainnya")] = None
    classification: Annotated[str, Choice(options=catalog.COMPLAINT_CLASSIFICATIONS, default="pengaduan")] = None
    privacy: Annotated[str, Choice(options=catalog.PRIVACY_MODES, default="open")] = None
    subject: Annotated[str | None, Text(max_len=200)] = None
    description: Annotated[str, Text(required=True, min_len=DESCRIPTION_MIN, max_len=DESCRIPTION_MAX,
                                     multiline=True)]
    location: Annotated[str | None, Text(max_len=200)] = None
    incident_date: Annotated[date | None, PastDate(max_age_days=5 * 365)] = None
    requested_resolution: Annotated[str | None, Text(max_len=2000, multiline=True)] = None
    name: Annotated[str | None, Text(max_len=120)] = None
    nik: Annotated[str | None, NIK()] = None
    email: Annotated[str | None, Email()] = None
    phone: Annotated[str | None, Phone()] = None
    address: Annotated[str | None, Text(max_len=300, multiline=True)] = None
    notify: Annotated[bool, Boolean(description="Mail the citizen at every public step (needs email)")] = None

    @classmethod
    def cross_check(cls, clean, errors, data, context):
        # Mail on every public step: asked for only with an address to send to.
        clean["notify"] = bool(clean.get("notify") and clean.get("email"))


def validate_complaint(data, *, today: date) -> tuple[dict, dict]:
    return ComplaintInput.check(data, today=today)
