"""Staff intake pages (/kantor/pengaduan/catat): the complaints team records a complaint received through
another channel and hands the citizen a printable receipt with ticket and access code; and forwarding
(Bukan Kewenangan) with its printable letter to the citizen."""
from __future__ import annotations

import secrets

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import catalog, intake
from ..auth.access import roles_required
from ..clock import local_today
from ..complaints import forwarding, staff_intake
from ..crypto import codes
from . import bp
from .complaints import DESK

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


@bp.post("/pengaduan/<ticket>/teruskan")
@roles_required("complaints")
def complaint_forward(ticket: str):
    form = request.form
    return DESK.act(ticket, lambda cid, user: forwarding.forward(cid, form.get("agency"), form.get("forwarded_on"),
                                                               form.get("reason"), user),
                    _("Pengaduan diteruskan; surat untuk pelapor tersedia."))


@bp.get("/pengaduan/<ticket>/surat-penerusan")
@roles_required("complaints")
def complaint_forward_letter(ticket: str):
    complaint = DESK.case_or_404(ticket)
    if not complaint.forwarded_to:
        abort(404)
    letter = next((e.body for e in reversed(complaint.events) if e.status_to == "not_authority" and e.body), "")
    return render_template("backoffice/forward_letter.html", c=complaint, letter=letter)
