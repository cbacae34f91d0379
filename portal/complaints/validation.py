"""The one validation of a complaint, used by the HTML form and the JSON API alike."""
from __future__ import annotations

from datetime import date, timedelta

from .. import catalog
from ..validation import Validator

DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 10_000


def validate_complaint(data, *, today: date) -> tuple[dict, dict]:
    v = Validator(data)
    v.choice("category", catalog.COMPLAINT_SERVICES, required=True)
    v.choice("problem", catalog.COMPLAINT_PROBLEMS, default="lainnya")
    v.choice("classification", catalog.COMPLAINT_CLASSIFICATIONS, default="pengaduan")
    v.choice("privacy", catalog.PRIVACY_MODES, default="open")
    v.text("subject", max_len=200)
    v.text("description", required=True, min_len=DESCRIPTION_MIN, max_len=DESCRIPTION_MAX, multiline=True)
    v.text("location", max_len=200)
    v.past_date("incident_date", today=today, earliest=today - timedelta(days=5 * 365))
    v.text("requested_resolution", max_len=2000, multiline=True)
    v.text("name", max_len=120)
    v.nik("nik")
    v.email("email")
    v.phone("phone")
    v.text("address", max_len=300, multiline=True)
    # Mail on every public step: asked for only with an address to send to.
    v.boolean("notify")
    v.clean["notify"] = bool(v.clean.get("notify") and v.clean.get("email"))
    return v.clean, dict(v.errors)
