"""The privacy notice (/privasi) from the rules the code enforces, not from prose kept in step:
who sees each channel (the role its back office requires), how long each channel keeps personal
data (the retention settings `privacy purge` and `wbs purge` apply), the processing basis and the
PDP officer (operator settings)."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import settings
from .channels import CHANNELS

# UU 27/2022 Ps 20(2)(e): public service, the basis of every channel (DOMAIN.md).
BASIS = _l("pelaksanaan tugas dalam rangka kepentingan umum dan pelayanan publik sebagaimana diatur dalam "
           "Pasal 20 ayat (2) huruf e UU PDP")
OFFICER = ("PDP_OFFICER_NAME", "PDP_OFFICER_UNIT", "PDP_OFFICER_EMAIL", "PDP_OFFICER_PHONE", "PDP_OFFICER_ADDRESS")


def context() -> dict:
    from ..backoffice.admin import ROLE_LABELS
    from ..whistle.retention import retention_days
    from .retention import RULES

    officer = {key.removeprefix("PDP_OFFICER_").lower(): settings.value(key) for key in OFFICER}
    return {
        "basis": BASIS,
        "access": [(c.label, ROLE_LABELS[c.role]) for c in CHANNELS.values()],
        "retention": [(CHANNELS[r.channel].label, r.scope, r.days, r.basis) for r in RULES],
        "wbs_retention_days": retention_days(),
        "officer": officer,
        "office_name": current_app.config["PORTAL_OFFICE_NAME"],
    }
