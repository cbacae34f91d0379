"""The inputs of the privacy pages: one schema each (portal.validation)."""
from __future__ import annotations

from typing import Annotated

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..validation import NIK, NIP, Choice, Email, Phone, Schema, Text, check_value
from .channels import FIELD_LABELS

KINDS = {"correction": _l("Perbaikan data"), "deletion": _l("Penghapusan data")}
DECISIONS = {"accept": _l("Terima"), "refuse": _l("Tolak")}
# The rule a corrected value must pass: the same as at submission.
FIELD_RULES = {"name": Text(max_len=120), "nik": NIK(), "nip": NIP(), "position": Text(max_len=200),
               "email": Email(), "phone": Phone(), "address": Text(max_len=300, multiline=True)}


class SubjectLookup(Schema):
    """Ticket and access code: the holder of the case is its data subject."""

    ticket: Annotated[str, Text(required=True, max_len=30)]
    access_code: Annotated[str, Text(required=True, max_len=100)]


class PrivacyRequestInput(SubjectLookup):
    """A subject's correction or deletion request."""

    kind: Annotated[str, Choice(options=KINDS, required=True)]
    field: Annotated[str | None, Choice(options=FIELD_LABELS)] = None
    new_value: Annotated[str | None, Text(max_len=300, multiline=True)] = None
    details: Annotated[str | None, Text(max_len=2000, multiline=True)] = None

    @classmethod
    def cross_check(cls, clean, errors, data, context):
        if clean.get("kind") != "correction":
            clean["field"] = clean["new_value"] = None
            return
        if not clean.get("field"):
            errors.setdefault("field", []).append(_("Pilih data yang ingin diperbaiki."))
            return
        value, problem = check_value(FIELD_RULES[clean["field"]], data.get("new_value"))
        if problem is None and not value:
            problem = _("Tulis data yang benar.")
        if problem:
            errors.setdefault("new_value", []).append(problem)
            clean.pop("new_value", None)
        else:
            clean["new_value"] = value


class PrivacyDecisionInput(Schema):
    """Staff's answer to a request: accept, or refuse with the reason the subject will read."""

    decision: Annotated[str, Choice(options=DECISIONS, required=True)]
    reason: Annotated[str | None, Text(max_len=1000, multiline=True)] = None

    @classmethod
    def cross_check(cls, clean, errors, data, context):
        if clean.get("decision") == "refuse" and not clean.get("reason"):
            errors.setdefault("reason", []).append(_("Tulis alasan penolakan untuk pemohon."))
