"""The one validation of a WBS tip and of a mailbox message (HTML form and JSON API alike)."""
from __future__ import annotations

from .. import catalog
from ..validation import Validator

WHAT_MIN = 20
TEXT_MAX = 10_000
SHORT_MAX = 2_000
CONTACT_MAX = 500
MESSAGE_MAX = 10_000

# 4W1H (DOMAIN.md §2): what is required, the rest help the telaah.
FIELDS = ("what", "who", "where", "when", "how", "contact")


def validate_tip(data) -> tuple[dict, dict]:
    v = Validator(data)
    v.text("what", required=True, min_len=WHAT_MIN, max_len=TEXT_MAX, multiline=True)
    v.text("who", max_len=SHORT_MAX, multiline=True)
    v.text("where", max_len=SHORT_MAX, multiline=True)
    v.text("when", max_len=SHORT_MAX, multiline=True)
    v.text("how", max_len=TEXT_MAX, multiline=True)
    v.choice("category", catalog.WBS_CATEGORIES, default="lainnya")
    v.text("contact", max_len=CONTACT_MAX, multiline=True)
    return v.clean, dict(v.errors)


def validate_message(data, *, required: bool = True) -> tuple[str | None, dict]:
    v = Validator(data)
    v.text("body", required=required, min_len=1, max_len=MESSAGE_MAX, multiline=True)
    return v.clean.get("body"), dict(v.errors)
