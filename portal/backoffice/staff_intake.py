"""Staff intake pages (/kantor/pengaduan/catat): the complaints team records a complaint received through
another channel and hands the citizen a printable receipt with ticket and access code."""
from __future__ import annotations

import secrets

from flask import render_template, request
from flask_login import current_user

from .. import catalog, intake
from ..auth.access import roles_required
from ..clock import local_today
from ..complaints import staff_intake
from ..crypto import codes
from . import bp

RECEIPT = "backoffice/intake_receipt.html"


def _form(values=None, errors=None, status=200, submission_key=None):
    return render_template("backoffice/intake_form.html", values=values or {"received_on": local_today().isoformat()},
                           errors=errors or {}, channels=staff_intake.STAFF_CHANNELS,
                           reference_labels=staff_intake.REFERENCE_LABELS,
                           submission_key=submission_key or secrets.token_urlsafe(24),
                           **intake.upload_limits()), status


@bp.get("/pengaduan/catat")
@roles_required("complaints")
def intake_form():
    return _form()


@bp.post("/pengaduan/catat")
@roles_required("complaints")
def intake_record():
    form = request.form
    submission_key = codes.valid_submission_key(form.get("submission_key"))
    replay = staff_intake.services.find_replay(submission_key)
    if replay:
        return _receipt(replay, form.get("channel"))
    clean, errors = staff_intake.check(form)
    files, status = intake.form_files(errors)
    if errors:
        return _form(form, errors, status, submission_key)
    receipt = staff_intake.record(clean, files, current_user, submission_key)
    return _receipt(receipt, clean["channel"], clean["received_on"])


def _receipt(receipt, channel, received_on=None):
    return render_template(RECEIPT, receipt=receipt, channel=catalog.COMPLAINT_CHANNELS.get(channel or ""),
                           received_on=received_on)
