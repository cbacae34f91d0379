"""Pages of the units: the admin's register (/kantor/admin/unit), the complaints team's disposition
(/kantor/pengaduan/<ticket>/disposisi) and the liaison officer's own queue (/kantor/unit-kerja)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import roles_required
from ..backoffice import MENU, MenuItem, bp
from ..backoffice.complaints import DESK
from ..cases import CaseError
from ..extensions import db
from ..models import User
from ..params import parse_int
from ..workflow import COMPLAINTS
from . import services

MENU.extend([
    MenuItem("backoffice.admin_units", _l("Unit kerja"), ("admin",)),
    MenuItem("backoffice.liaison_queue", _l("Disposisi unit"), (services.LIAISON,)),
])


def _me() -> User:
    return current_user._get_current_object()


def _done(target: str, action, message):
    try:
        action()
    except CaseError as exc:
        flash(exc.message, "danger")
        return redirect(target + f"#f-{exc.field}"), 303
    flash(str(message), "success")
    return redirect(target), 303


@bp.get("/admin/unit")
@roles_required("admin")
def admin_units():
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    return render_template("backoffice/admin_units.html", units=services.units(), users=users)


@bp.post("/admin/unit")
@roles_required("admin")
def admin_unit_add():
    form = request.form
    return _done(url_for("backoffice.admin_units"),
                 lambda: services.add_unit(form.get("code"), form.get("name"), _me()), _("Unit ditambahkan."))


@bp.post("/admin/unit/<int:unit_id>/aktif")
@roles_required("admin")
def admin_unit_active(unit_id: int):
    return _done(url_for("backoffice.admin_units"),
                 lambda: services.set_active(unit_id, request.form.get("active") == "yes", _me()),
                 _("Unit diperbarui."))


@bp.post("/admin/unit/penghubung")
@roles_required("admin")
def admin_unit_liaison():
    user_id = parse_int(request.form.get("user"))
    unit_id = parse_int(request.form.get("unit"))

    def action():
        if user_id is None:
            raise CaseError("user", _("Pilih akun."))
        services.appoint_liaison(user_id, unit_id, _me())
    return _done(url_for("backoffice.admin_units"), action, _("Pejabat penghubung diperbarui."))


@bp.post("/pengaduan/<ticket>/disposisi")
@roles_required("complaints")
def complaint_dispose(ticket: str):
    return DESK.act(ticket, lambda cid, user: services.dispose(cid, parse_int(request.form.get("unit")), user),
                    _("Disposisi disimpan."))


@bp.get("/unit-kerja")
@roles_required(services.LIAISON)
def liaison_queue():
    return render_template("backoffice/liaison_queue.html", rows=services.liaison_queue(_me()), workflow=COMPLAINTS)


def _case_or_404(ticket: str):
    complaint = services.case_for_liaison(ticket, _me())
    if complaint is None:
        abort(404)  # another unit's case looks exactly like a ticket that does not exist
    return complaint


@bp.get("/unit-kerja/<ticket>")
@roles_required(services.LIAISON)
def liaison_case(ticket: str):
    return render_template("backoffice/liaison_case.html", c=_case_or_404(ticket), workflow=COMPLAINTS)


@bp.post("/unit-kerja/<ticket>/tindak-lanjut")
@roles_required(services.LIAISON)
def liaison_follow_up(ticket: str):
    complaint = _case_or_404(ticket)
    return _done(url_for("backoffice.liaison_case", ticket=complaint.ticket),
                 lambda: services.liaison_follow_up(complaint.ticket, request.form.get("body"), _me()),
                 _("Tindak lanjut unit disimpan."))
