"""Back office of the Tim WBS (role `wbs`): queue, case page, messages, status, exclusions,
and the team page (appointment by SK, grants, revocation). Every case view is audited."""
from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from .. import uploads
from ..auth.access import roles_required
from ..backoffice import Area, MenuItem
from ..errors import render_error
from ..extensions import db
from ..models import User
from ..models.wbs import HOLDER_HANDLER, WbsTip, WbsTipKey
from ..params import parse_int
from ..clock import local_today
from ..workflow import WBS
from . import keys, services
from .validation import validate_message

ROLE = "wbs"
bp = Blueprint("wbs", __name__, url_prefix="/wbs")


def _me() -> User:
    return current_user._get_current_object()


def _held_query(user_id: int):
    return (select(WbsTip).join(WbsTipKey, WbsTipKey.tip_id == WbsTip.id)
            .where(WbsTipKey.holder == HOLDER_HANDLER, WbsTipKey.user_id == user_id))


def wbs_numbers(user, today) -> dict | None:
    if not user.has_role(ROLE):
        return None
    open_codes = keys.open_statuses()
    base = select(func.count()).select_from(_held_query(user.id).where(WbsTip.status.in_(open_codes)).subquery())
    held = _held_query(user.id).where(WbsTip.status.in_(open_codes))
    return {
        "title": "WBS",
        "endpoint": "backoffice.wbs.queue",
        "open": db.session.scalar(base),
        "new": db.session.scalar(select(func.count()).select_from(
            held.where(WbsTip.awaiting_handler.is_(True)).subquery())),
        "overdue": db.session.scalar(select(func.count()).select_from(
            held.where(WbsTip.due_on < today).subquery())),
        "mine": None,
    }


AREA = Area(bp, menu=(MenuItem("backoffice.wbs.queue", _l("WBS"), (ROLE,)),
                      MenuItem("backoffice.wbs.team", _l("Tim WBS"), (ROLE, "admin"))),
            widgets=(wbs_numbers,))


@bp.get("")
@roles_required(ROLE)
def queue():
    user = _me()
    status = request.args.get("status")
    query = _held_query(user.id)
    if status in WBS.statuses:
        query = query.where(WbsTip.status == status)
    elif status != "all":
        query = query.where(WbsTip.status.in_(keys.open_statuses()))
    rows = db.session.scalars(query.order_by(WbsTip.id.desc()).limit(500)).all()
    return render_template("backoffice/wbs_queue.html", rows=rows, workflow=WBS, status=status or "",
                           appointed=keys.is_handler(user), unlocked=keys.session_private_key(user) is not None,
                           today=local_today())


def _refusal(exc):
    if isinstance(exc, services.NotVisible):
        abort(404)
    if isinstance(exc, services.Locked):
        return render_error(403, _("Kunci WBS belum terbuka"),
                            _("Kunci pribadi Anda hanya dibuka saat masuk dengan kata sandi. Keluar, lalu masuk "
                              "kembali untuk membaca laporan WBS."))
    if isinstance(exc, keys.NoAccess):
        return render_error(403, _("Belum diberi akses"),
                            _("Anda belum memegang kunci laporan ini. Pengelola WBS lain atau pemegang kunci "
                              "pemulihan dapat memberi akses melalui halaman Tim WBS."))
    return render_error(409, _("Data laporan tidak utuh"),
                        _("Kunci laporan ini gagal diperiksa keutuhannya (kemungkinan rusak atau diubah). "
                          "Isi laporan tidak ditampilkan. Laporkan kepada admin untuk pemulihan dari cadangan."))


def _opened(view):
    """Open the tip with the handler's own sealed key before `view(opened, tip_id, ...)` runs; a handler
    who may not read it gets the refusal page instead."""

    @functools.wraps(view)
    def wrapper(tip_id: int, **kwargs):
        try:
            opened = services.open_for_handler(tip_id, _me())
        except (services.NotVisible, services.Locked, keys.NoAccess, services.TipIntegrityError) as exc:
            return _refusal(exc)
        return view(opened, tip_id, **kwargs)

    return wrapper


def _step(step, done, back, refused=None):
    """Run one handler action: a refusal is flashed and answered with `refused(exc)` (default: `back`),
    success flashes `done(result)` and answers `back`."""
    try:
        result = step()
    except (keys.WbsKeyError, services.CaseError) as exc:
        flash(exc.message, "danger")
        return refused(exc) if refused else back
    flash(done(result), "success")
    return back


@bp.get("/<int:tip_id>")
@roles_required(ROLE)
@_opened
def case(opened, tip_id: int):
    services.record_view(tip_id, _me())
    tip = db.session.get(WbsTip, tip_id)
    case = services.view(tip, opened.data_key)
    actors = {u.id: u.name for u in db.session.scalars(select(User))}
    holders = keys.holders(tip_id)
    return render_template("backoffice/wbs_case.html", case=case, tip=tip, workflow=WBS, actors=actors,
                           holders=holders, excluded=keys.excluded_users(tip_id),
                           pending=keys.pending_exclusions(tip_id), error=request.args.get("error"),
                           today=local_today())


def _back(tip_id: int, anchor: str = ""):
    return redirect(url_for("backoffice.wbs.case", tip_id=tip_id) + anchor), 303


@bp.post("/<int:tip_id>/pesan")
@roles_required(ROLE)
@_opened
def reply(opened, tip_id: int):
    body, errors = validate_message(request.form)
    if errors:
        flash(_("Pesan: %(e)s", e=" ".join(errors["body"])), "danger")
        return _back(tip_id, "#f-body")
    services.add_message(tip_id, opened.data_key, body, services.HANDLER, _me())
    flash(_("Pesan terkirim ke kotak pesan pelapor (terenkripsi)."), "success")
    return _back(tip_id, "#pesan")


@bp.post("/<int:tip_id>/status")
@roles_required(ROLE)
@_opened
def change_status(opened, tip_id: int):
    form = request.form
    return _step(lambda: services.change_status(tip_id, opened.data_key, form.get("status") or "", form.get("reason"),
                                                _me()),
                 lambda _result: _("Status diperbarui."), _back(tip_id),
                 refused=lambda exc: _back(tip_id, f"#f-{exc.field}"))


@bp.post("/<int:tip_id>/kecualikan")
@roles_required(ROLE)
@_opened
def exclude(opened, tip_id: int):
    user_id = parse_int(request.form.get("user_id"))
    if user_id is None:
        flash(_("Pilih petugas yang dikecualikan."), "danger")
        return _back(tip_id, "#f-user_id")
    try:
        effective = keys.exclude(tip_id, user_id, _me())
    except keys.WbsKeyError as exc:
        flash(exc.message, "danger")
        return _back(tip_id, "#f-user_id")
    if effective:
        flash(_("Anda mengecualikan diri dari laporan ini; kunci Anda untuk laporan ini sudah dimusnahkan."), "success")
        return redirect(url_for("backoffice.wbs.queue"), 303)
    flash(_("Permintaan pengecualian dicatat. Berlaku setelah dikonfirmasi pengelola WBS lain."), "success")
    return _back(tip_id)


@bp.post("/<int:tip_id>/kecualikan/<int:user_id>/konfirmasi")
@roles_required(ROLE)
@_opened
def confirm_exclusion(opened, tip_id: int, user_id: int):
    return _step(lambda: keys.confirm_exclusion(tip_id, user_id, _me()),
                 lambda _result: _("Pengecualian dikonfirmasi; kunci petugas itu untuk laporan ini sudah dimusnahkan."),
                 _back(tip_id))


@bp.get("/<int:tip_id>/lampiran/<int:attachment_id>")
@roles_required(ROLE)
@_opened
def attachment(opened, tip_id: int, attachment_id: int):
    try:
        data, content_type, name = services.attachment(opened.tip, opened.data_key, attachment_id)
    except services.NotVisible:
        abort(404)
    except services.TipIntegrityError as exc:
        return _refusal(exc)
    services.record_download(tip_id, attachment_id, _me())
    return uploads.download_response(data, content_type, f"WBS-{tip_id}-{attachment_id}{uploads.extension_for(content_type)}")


# --------------------------------------------------------------------------- the team


@bp.get("/tim")
@roles_required(ROLE, "admin")
def team():
    user = _me()
    candidates = [u for u in db.session.scalars(select(User).where(User.roles_csv.contains(ROLE)).order_by(User.name))
                  if ROLE in u.roles]
    return render_template("backoffice/wbs_team.html", team=keys.team(), candidates=candidates,
                           is_admin=user.has_role("admin"), is_handler=keys.is_handler(user),
                           unlocked=keys.session_private_key(user) is not None,
                           recovery_present=keys.recovery_key_present(), today=local_today(),
                           own_fingerprint=keys.own_fingerprint(user) if keys.is_handler(user) else None,
                           own_endorsed=keys.is_endorsed(keys.handler_row(user.id)),
                           recovery_fingerprint=keys.recovery_fingerprint())


def _team_back():
    return redirect(url_for("backoffice.wbs.team")), 303


def _unlocked_key(user):
    """This handler's private key, unlocked at sign-in in this session (needed to pass tip keys on)."""
    private = keys.session_private_key(user)
    if private is None or not keys.is_handler(user):
        raise keys.WbsKeyError(_("Kunci WBS Anda belum terbuka di sesi ini; keluar lalu masuk kembali."))
    return private


def _confirmed():
    if request.form.get("confirm") != "yes":
        raise keys.WbsKeyError(_("Centang konfirmasi untuk mencabut pengangkatan."))


@bp.post("/tim/sk")
@roles_required("admin")
def appoint():
    ids = [i for i in (parse_int(v) for v in request.form.getlist("user_id")) if i is not None]
    return _step(lambda: keys.appoint(request.form.get("sk_number"), request.form.get("sk_date"), ids, _me()),
                 lambda users: _("SK dicatat; %(n)d akun diangkat. Pengangkatan belum memberi akses: pasangan kunci "
                                 "dibuat saat pengelola mengganti kata sandinya sendiri, lalu kuncinya disahkan (Kepala "
                                 "Dinas dengan kunci pemulihan, atau pengelola yang sudah disahkan).", n=len(users)),
                 _team_back())


@bp.post("/tim/<int:user_id>/cabut")
@roles_required("admin")
def revoke(user_id: int):
    return _step(lambda: _confirmed() or keys.revoke(user_id, _me()),
                 lambda n: _("Pengangkatan dicabut; %(n)d kunci laporan miliknya dimusnahkan.", n=n), _team_back())


@bp.post("/tim/<int:user_id>/akses")
@roles_required(ROLE)
def grant(user_id: int):
    user = _me()
    return _step(lambda: keys.grant_from_handler(user, _unlocked_key(user), user_id),
                 lambda n: _("Akses diberikan untuk %(n)d laporan terbuka.", n=n), _team_back())


@bp.post("/tim/<int:user_id>/sahkan")
@roles_required(ROLE)
def endorse(user_id: int):
    user = _me()
    return _step(lambda: keys.endorse_by_handler(user, _unlocked_key(user), user_id, request.form.get("fingerprint")),
                 lambda n: _("Kunci disahkan; akses diberikan untuk %(n)d laporan terbuka.", n=n), _team_back())


@bp.post("/tim/<int:user_id>/pemulihan")
@roles_required(ROLE, "admin")
def grant_recovery(user_id: int):
    return _step(lambda: keys.grant_from_recovery(request.form.get("recovery_key") or "", user_id, _me()),
                 lambda n: _("Akses diberikan dengan kunci pemulihan untuk %(n)d laporan terbuka. Kunci pemulihan "
                             "tidak disimpan.", n=n), _team_back())
