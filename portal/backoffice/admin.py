"""Administration (role `admin`): accounts, the holiday override table, per-status SLAs, the audit log.

Every change goes through portal.administration (or the auth services), which audits it in the
same write transaction as the change itself; every form checks all of its input before anything
is written, so a refused form leaves nothing half-saved.
"""
from __future__ import annotations

import io
import re
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import administration, audit, settings, workdays
from ..auth import passwords, services
from ..auth.access import roles_required
from ..extensions import db
from ..models import ROLES, CalendarOverride, SlaSetting, User
from ..params import parse_int
from ..clock import local_today
from ..workflow import UNITS, WORKFLOWS, sla
from . import MENU, MenuItem, bp, checklist
from .paging import Page

ADMIN = "admin"
ROLE_LABELS = {
    "admin": _l("Admin (akun, pengaturan, hari libur)"),
    "complaints": _l("Tim Pengaduan"),
    "gratification": _l("UPG (gratifikasi)"),
    "wbs": _l("Pengelola WBS"),
    "leader": _l("Pimpinan (Kepala Dinas)"),
    "liaison": _l("Pejabat penghubung unit (hanya disposisi ke unitnya)"),
}
HOLIDAY_SOURCES = {
    workdays.SOURCE_NATIONAL: _l("Libur nasional"),
    workdays.SOURCE_CUTI_BERSAMA: _l("Cuti bersama"),
    workdays.SOURCE_OVERRIDE: _l("Keputusan (tabel penyesuaian)"),
}
FIRST_YEAR, LAST_YEAR = 2000, 2100
SLA_MAX_DAYS = 365
SLA_BASIS_MAX = 300
AUDIT_PER_PAGE = 50
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ACTION_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_CASE_REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")

MENU.extend([
    MenuItem("backoffice.admin_users", _l("Pengguna"), (ADMIN,)),
    MenuItem("backoffice.admin_holidays", _l("Hari libur"), (ADMIN,)),
    MenuItem("backoffice.admin_sla", _l("Tenggat (SLA)"), (ADMIN,)),
    MenuItem("backoffice.admin_settings", _l("Pengaturan"), (ADMIN,)),
    MenuItem("backoffice.admin_audit", _l("Jejak audit"), (ADMIN,)),
])


def _admin() -> User:
    return current_user._get_current_object()


def _text(value, *, max_len: int) -> tuple[str, str | None]:
    """(clean text, error message or None) for a one-line or short free-text field."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return "", _("Wajib diisi.")
    if len(text) > max_len:
        return text, _("Terlalu panjang: maksimal %(max)d karakter (sekarang %(n)d).", max=max_len, n=len(text))
    if any(ord(ch) < 32 for ch in text):
        return text, _("Mengandung karakter yang tidak diizinkan.")
    return text, None


def _parse_day(value, *, required: bool = True) -> tuple[date | None, str | None]:
    raw = value.strip() if isinstance(value, str) else ""
    if not raw:
        return None, (_("Wajib diisi.") if required else None)
    try:
        day = date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None, _("Tanggal tidak valid; gunakan format TTTT-BB-HH, contoh 2026-03-20.")
    return day, None


def _roles_from_form(form) -> tuple[set[str], str | None]:
    chosen = set(form.getlist("roles"))
    unknown = sorted(chosen - set(ROLES))
    if unknown:
        return chosen, _("Peran tidak dikenal: %(roles)s.", roles=", ".join(r[:20] for r in unknown))
    if not chosen:
        return chosen, _("Pilih sedikitnya satu peran.")
    return chosen, None


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


# =========================================================================== accounts

def _users_page(errors=None, values=None, status=200):
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("backoffice/admin_users.html", users=users, roles=ROLES, role_labels=ROLE_LABELS,
                           errors=errors or {}, values=values or {}, min_length=passwords.MIN_LENGTH), status


@bp.get("/admin/pengguna")
@roles_required(ADMIN)
def admin_users():
    return _users_page()


def check_new_account(form) -> tuple[dict, dict[str, list[str]]]:
    """The cleaned fields of the new-account form and its errors by field (nothing written)."""
    errors: dict[str, list[str]] = {}
    name, problem = _text(form.get("name"), max_len=120)
    if problem:
        errors["name"] = [problem]
    email = (form.get("email") or "").strip() if isinstance(form.get("email"), str) else ""
    if not email:
        errors["email"] = [_("Wajib diisi.")]
    elif len(email) > 254 or not _EMAIL_RE.match(email):
        errors["email"] = [_("Alamat surel tidak valid, contoh: nama@serangkab.go.id.")]
    elif services.find_user(email) is not None:
        errors["email"] = [_("Surel sudah dipakai akun lain.")]
    roles, problem = _roles_from_form(form)
    if problem:
        errors["roles"] = [problem]
    password = form.get("password") or ""
    problems = passwords.policy_errors(password, email=email, name=name)
    if problems:
        errors["password"] = problems
    elif password != (form.get("confirm") or ""):
        errors["confirm"] = [_("Konfirmasi kata sandi tidak sama.")]
    return {"name": name, "email": email, "roles": roles, "password": password}, errors


@bp.post("/admin/pengguna")
@roles_required(ADMIN)
def admin_create_user():
    clean, errors = check_new_account(request.form)
    values = {"name": clean["name"], "email": clean["email"], "roles": clean["roles"]}
    if errors:
        return _users_page(errors, values, 422)
    try:
        user, _uri = services.create_user(clean["email"], clean["name"], clean["roles"], clean["password"],
                                          actor=_admin())
    except services.AuthError as exc:  # someone took the address a moment ago
        return _users_page({"email": [exc.message]}, values, 422)
    except IntegrityError:
        return _users_page({"email": [_("Surel sudah dipakai akun lain.")]}, values, 422)
    flash(_("Akun %(email)s dibuat. Berikan kata sandi awal secara langsung; pemilik akun mendaftarkan "
            "verifikasi dua langkah saat pertama kali masuk.", email=user.email), "success")
    return redirect(url_for("backoffice.admin_user", user_id=user.id), 303)


@bp.get("/admin/pengguna/<int:user_id>")
@roles_required(ADMIN)
def admin_user(user_id: int):
    user = _user_or_404(user_id)
    return render_template("backoffice/admin_user.html", user=user, roles=ROLES, role_labels=ROLE_LABELS,
                           min_length=passwords.MIN_LENGTH, is_self=user.id == current_user.id)


def _back_to(user: User, *, error: str | None = None, done: str | None = None):
    if error:
        flash(error, "danger")
    if done:
        flash(done, "success")
    return redirect(url_for("backoffice.admin_user", user_id=user.id), 303)


@bp.post("/admin/pengguna/<int:user_id>/peran")
@roles_required(ADMIN)
def admin_set_roles(user_id: int):
    user = _user_or_404(user_id)
    roles, problem = _roles_from_form(request.form)
    if problem:
        return _back_to(user, error=problem)
    if user.id == current_user.id and ADMIN not in roles:
        return _back_to(user, error=_("Anda tidak dapat mencabut peran admin dari akun Anda sendiri; "
                                      "minta admin lain melakukannya."))
    services.set_roles(user.id, roles, _admin())
    return _back_to(user, done=_("Peran diperbarui."))


@bp.post("/admin/pengguna/<int:user_id>/aktif")
@roles_required(ADMIN)
def admin_set_active(user_id: int):
    user = _user_or_404(user_id)
    wanted = request.form.get("active")
    if wanted not in {"0", "1"}:
        return _back_to(user, error=_("Pilih aktifkan atau nonaktifkan."))
    if wanted == "0" and user.id == current_user.id:
        return _back_to(user, error=_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    services.set_active(user.id, wanted == "1", _admin())
    return _back_to(user, done=_("Akun diaktifkan.") if wanted == "1"
                    else _("Akun dinonaktifkan; semua sesinya berakhir saat ini juga."))


@bp.post("/admin/pengguna/<int:user_id>/2fa")
@roles_required(ADMIN)
def admin_reset_second_factor(user_id: int):
    user = _user_or_404(user_id)
    if request.form.get("confirm") != "yes":
        return _back_to(user, error=_("Centang konfirmasi untuk mengatur ulang verifikasi dua langkah."))
    services.reset_second_factor(user.id, _admin())
    return _back_to(user, done=_("Verifikasi dua langkah diatur ulang; pemilik akun mendaftar lagi saat masuk berikutnya."))


@bp.post("/admin/pengguna/<int:user_id>/sandi")
@roles_required(ADMIN)
def admin_reset_password(user_id: int):
    user = _user_or_404(user_id)
    password = request.form.get("password") or ""
    problems = passwords.policy_errors(password, email=user.email, name=user.name)
    if problems:
        return _back_to(user, error=" ".join(problems))
    if password != (request.form.get("confirm") or ""):
        return _back_to(user, error=_("Konfirmasi kata sandi tidak sama."))
    administration.reset_password(user.id, password, _admin())
    return _back_to(user, done=_("Kata sandi awal baru disimpan; semua sesi akun ini berakhir."))


# =========================================================================== holidays

def _year_arg() -> tuple[int, str | None]:
    raw = request.args.get("tahun")
    today = local_today()
    if raw is None or raw == "":
        return today.year, None
    year = parse_int(raw, lo=FIRST_YEAR, hi=LAST_YEAR)
    if year is not None:
        return year, None
    return today.year, _("Tahun tidak valid; menampilkan tahun %(y)d.", y=today.year)


def _holidays_page(year: int, errors=None, values=None, status=200, notice=None):
    overrides = db.session.scalars(select(CalendarOverride).order_by(CalendarOverride.day.desc())).all()
    holidays = workdays.holidays_between(date(year, 1, 1), date(year, 12, 31))
    return render_template("backoffice/admin_holidays.html", year=year, holidays=holidays, overrides=overrides,
                           sources=HOLIDAY_SOURCES, errors=errors or {}, values=values or {}, notice=notice,
                           years=range(max(FIRST_YEAR, local_today().year - 3), min(LAST_YEAR, local_today().year + 3) + 1),
                           cuti_bersama_off=workdays.calendar().cuti_bersama_non_working), status


@bp.get("/admin/libur")
@roles_required(ADMIN)
def admin_holidays():
    year, notice = _year_arg()
    return _holidays_page(year, notice=notice)


@bp.post("/admin/libur")
@roles_required(ADMIN)
def admin_add_override():
    form = request.form
    errors: dict[str, list[str]] = {}
    day, problem = _parse_day(form.get("day"))
    if problem:
        errors["day"] = [problem]
    working = form.get("working")
    if working not in {"0", "1"}:
        errors["working"] = [_("Pilih apakah tanggal ini hari kerja atau hari libur.")]
    note, problem = _text(form.get("note"), max_len=workdays.NOTE_MAX_LENGTH)
    if problem:
        errors["note"] = [_("Sebutkan dasar keputusannya (nomor SKB/Keppres/surat edaran).")] if not note else [problem]
    if errors:
        return _holidays_page(day.year if day else local_today().year, errors, form, 422)
    administration.set_holiday_override(day, working == "1", note, _admin())
    flash(_("Penyesuaian kalender untuk %(d)s disimpan; tenggat baru memakai kalender ini.", d=day.isoformat()), "success")
    return redirect(url_for("backoffice.admin_holidays", tahun=day.year), 303)


@bp.post("/admin/libur/hapus")
@roles_required(ADMIN)
def admin_remove_override():
    day, problem = _parse_day(request.form.get("day"))
    if problem is None and db.session.get(CalendarOverride, day) is None:
        problem = _("Tidak ada penyesuaian kalender pada tanggal itu.")
    if problem:
        flash(problem, "danger")
        return redirect(url_for("backoffice.admin_holidays", tahun=day.year if day else None), 303)
    administration.remove_holiday_override(day, _admin())
    flash(_("Penyesuaian kalender untuk %(d)s dihapus.", d=day.isoformat()), "success")
    return redirect(url_for("backoffice.admin_holidays", tahun=day.year), 303)


@bp.post("/admin/libur/diperiksa")
@roles_required(ADMIN)
def admin_confirm_holidays():
    year = local_today().year
    checklist.confirm_holidays_checked(_admin(), year)
    flash(_("Dicatat: hari libur %(y)d sudah diperiksa.", y=year), "success")
    return redirect(url_for("backoffice.admin_holidays", tahun=year), 303)


# =========================================================================== SLA settings

def _editable(channel: str, status: str) -> bool:
    """Only steps that have a deadline by law get one; terminal or open-ended steps stay without."""
    workflow = WORKFLOWS.get(channel)
    return workflow is not None and status in workflow.statuses and workflow.statuses[status].sla_days is not None


def _sla_page(errors=None, values=None, status=200):
    stored = {(row.channel, row.status): row for row in db.session.scalars(select(SlaSetting))}
    tables = []
    for channel, workflow in WORKFLOWS.items():
        rows = []
        for code, st in workflow.statuses.items():
            rule = sla(channel, code)
            rows.append({"code": code, "label": st.label, "days": rule.days, "basis": rule.basis,
                         "unit": rule.unit, "unit_label": rule.unit_label,
                         "default_days": st.sla_days, "default_basis": st.sla_basis,
                         "default_unit_label": str(UNITS[st.sla_unit]),
                         "editable": _editable(channel, code), "setting": stored.get((channel, code)),
                         "shared_with": workflow.label(st.sla_step) if st.sla_step else None})
        tables.append((channel, rows))
    return render_template("backoffice/admin_sla.html", tables=tables, errors=errors or {}, values=values or {},
                           max_days=SLA_MAX_DAYS, basis_max=SLA_BASIS_MAX, channel_labels=_channel_labels(),
                           units=UNITS), status


def _channel_labels() -> dict:
    return {"complaints": _("Pengaduan"), "gratification": _("Gratifikasi"), "wbs": _("WBS")}


@bp.get("/admin/sla")
@roles_required(ADMIN)
def admin_sla():
    return _sla_page()


@bp.post("/admin/sla")
@roles_required(ADMIN)
def admin_save_sla():
    form = request.form
    channel, status = form.get("channel") or "", form.get("status") or ""
    if not _editable(channel, status):
        flash(_("Tahap alur kerja tidak dikenal atau tidak memiliki tenggat."), "danger")
        return redirect(url_for("backoffice.admin_sla"), 303)
    key = f"{channel}-{status}"
    errors: dict[str, list[str]] = {}
    raw_days = (form.get("days") or "").strip()
    days = parse_int(raw_days, lo=1, hi=SLA_MAX_DAYS)
    if days is None:
        errors["days"] = [_("Isi jumlah hari 1 sampai %(n)d.", n=SLA_MAX_DAYS)]
    unit = form.get("unit") or sla(channel, status).unit  # a form without the field keeps the unit
    if unit not in UNITS:
        errors["unit"] = [_("Pilih satuan: hari kerja atau hari kalender, sesuai bunyi dasar hukumnya.")]
    basis, problem = _text(form.get("basis"), max_len=SLA_BASIS_MAX)
    if problem:
        errors["basis"] = [_("Sebutkan dasar hukumnya (peraturan dan pasal).")] if not basis else [problem]
    if errors:
        return _sla_page({key: errors}, {key: {"days": raw_days, "basis": basis, "unit": unit}}, 422)
    administration.save_sla(channel, status, days, basis, unit, _admin())
    flash(_("Tenggat disimpan. Berlaku untuk kasus yang memasuki tahap ini mulai sekarang; tenggat "
            "kasus yang sudah berjalan tidak berubah."), "success")
    return redirect(url_for("backoffice.admin_sla") + f"#sla-{key}", 303)


@bp.post("/admin/sla/bawaan")
@roles_required(ADMIN)
def admin_reset_sla():
    channel, status = request.form.get("channel") or "", request.form.get("status") or ""
    if not _editable(channel, status) or not administration.reset_sla(channel, status, _admin()):
        flash(_("Tahap ini sudah memakai tenggat bawaan."), "danger")
        return redirect(url_for("backoffice.admin_sla"), 303)
    flash(_("Tenggat dikembalikan ke bawaan."), "success")
    return redirect(url_for("backoffice.admin_sla"), 303)


@bp.post("/admin/sla/ditinjau")
@roles_required(ADMIN)
def admin_confirm_sla():
    checklist.confirm_sla_reviewed(_admin())
    flash(_("Dicatat: tenggat (SLA) sudah ditinjau."), "success")
    return redirect(url_for("backoffice.admin_sla"), 303)


# =========================================================================== operator settings

SETTING_SOURCES = {"admin": _l("diubah admin"), "env": _l("dari variabel lingkungan"), "default": _l("bawaan")}


def _settings_page(errors=None, values=None, status=200):
    rows = [{"setting": s, "value": settings.value(key), "source": settings.source(key)}
            for key, s in settings.SETTINGS.items()]
    return render_template("backoffice/admin_settings.html", rows=rows, errors=errors or {}, values=values or {},
                           sources=SETTING_SOURCES), status


@bp.get("/admin/pengaturan")
@roles_required(ADMIN)
def admin_settings():
    return _settings_page()


@bp.post("/admin/pengaturan")
@roles_required(ADMIN)
def admin_save_setting():
    key = request.form.get("key") or ""
    if key not in settings.SETTINGS:
        flash(_("Pengaturan tidak dikenal."), "danger")
        return redirect(url_for("backoffice.admin_settings"), 303)
    raw = request.form.get("value") or ""
    try:
        settings.save(key, raw, _admin())
    except settings.InvalidSetting as exc:
        return _settings_page({key: [str(exc)]}, {key: raw}, 422)
    flash(_("Pengaturan disimpan dan berlaku mulai sekarang."), "success")
    return redirect(url_for("backoffice.admin_settings") + f"#setting-{key}", 303)


@bp.post("/admin/pengaturan/bawaan")
@roles_required(ADMIN)
def admin_reset_setting():
    key = request.form.get("key") or ""
    if key not in settings.SETTINGS or settings.source(key) != "admin":
        flash(_("Pengaturan ini tidak diubah admin."), "danger")
        return redirect(url_for("backoffice.admin_settings"), 303)
    settings.reset(key, _admin())
    flash(_("Pengaturan kembali memakai variabel lingkungan atau bawaan."), "success")
    return redirect(url_for("backoffice.admin_settings"), 303)


# =========================================================================== audit log

def _audit_filters(args) -> tuple[dict, dict[str, list[str]]]:
    filters: dict = {}
    errors: dict[str, list[str]] = {}
    actor = (args.get("actor") or "").strip()
    if actor:
        actor_id = parse_int(actor, hi=999_999_999)
        if actor_id is not None:
            filters["actor_id"] = actor_id
        else:
            errors["actor"] = [_("Petugas tidak dikenal.")]
    action = (args.get("action") or "").strip()
    if action:
        if _ACTION_RE.match(action):
            filters["action"] = action
        else:
            errors["action"] = [_("Tindakan berupa kode huruf kecil, contoh: status_change.")]
    channel = args.get("channel") or ""
    if channel:
        if channel in audit.CHANNELS:
            filters["channel"] = channel
        else:
            errors["channel"] = [_("Kanal tidak dikenal.")]
    case_ref = (args.get("case_ref") or "").strip()
    if case_ref:
        if _CASE_REF_RE.match(case_ref):
            filters["case_ref"] = case_ref.upper() if case_ref.upper().startswith(("PGD-", "GRT-")) else case_ref
        else:
            errors["case_ref"] = [_("Nomor kasus tidak valid, contoh: PGD-2026-000123.")]
    for name, key in (("since", "since"), ("until", "until")):
        day, problem = _parse_day(args.get(name), required=False)
        if problem:
            errors[name] = [problem]
        elif day:
            filters[key] = day
    if "since" in filters and "until" in filters and filters["until"] < filters["since"]:
        errors["until"] = [_("Tanggal akhir tidak boleh sebelum tanggal awal.")]
    return filters, errors


@bp.get("/admin/audit")
@roles_required(ADMIN)
def admin_audit():
    filters, errors = _audit_filters(request.args)
    page = Page.from_args(request.args, AUDIT_PER_PAGE)
    entries, total = ([], 0) if errors else audit.search(page=page.number, per_page=page.size, **filters)
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("backoffice/admin_audit.html", entries=entries, page=page.with_total(total),
                           args=request.args, errors=errors, users=users, channels=audit.CHANNELS,
                           channel_labels=_channel_labels()), (422 if errors else 200)


@bp.post("/admin/audit/ekspor")
@roles_required(ADMIN)
def admin_audit_export():
    filters, errors = _audit_filters({"since": request.form.get("since"), "until": request.form.get("until")})
    if errors:
        flash(" ".join(m for messages in errors.values() for m in messages), "danger")
        return redirect(url_for("backoffice.admin_audit"), 303)
    out = io.StringIO()
    audit.export_csv(out, since=filters.get("since"), until=filters.get("until"), actor=_admin(), via="web")
    name = "jejak-audit-" + local_today().strftime("%Y%m%d") + ".csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
