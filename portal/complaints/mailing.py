"""Mail to the citizen about a complaint: a public step (opt-in; a disposition names the unit), a new
access code, and the signed one-click way to stop the step mails. A confidential or anonymous case's
mail names only the ticket."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from .. import notify
from ..crypto import signing
from ..models import Complaint
from ..workflow import COMPLAINTS

UNSUBSCRIBE_SALT = "complaint-mail-unsubscribe"
# What the office posted, as the mail names it (open cases only).
STEP_WORDS = {
    "followup": lambda: _("Tindak lanjut baru dari petugas."),
    "answer": lambda: _("Jawaban resmi atas pengaduan Anda."),
    "pending": lambda: _("Petugas meminta Anda melengkapi keterangan."),
    "status": lambda: _("Status pengaduan berubah."),
}


def unsubscribe_token(ticket: str) -> str:
    return signing.link_token(UNSUBSCRIBE_SALT, ticket)


def ticket_from_token(token: str) -> str | None:
    value = signing.link_value(UNSUBSCRIBE_SALT, token)
    return value if isinstance(value, str) else None


def _link(endpoint: str, **values) -> str:
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _discreet(complaint: Complaint) -> bool:
    return complaint.privacy in ("anonymous", "confidential")


def queue_step(complaint: Complaint, what: str, *, unit: str | None = None):
    """Queue (in the caller's transaction) the mail about a public step, when the citizen asked for it;
    `unit` is the name of the unit a disposition sent the case to (never a member of its staff)."""
    if not (complaint.notify_by_email and complaint.email):
        return None
    if _discreet(complaint):
        subject = _("Ada perkembangan pada pengaduan %(ticket)s", ticket=complaint.ticket)
        lines = [_("Ada perkembangan pada pengaduan %(ticket)s.", ticket=complaint.ticket)]
    else:
        subject = _("Perkembangan pengaduan %(ticket)s: %(status)s", ticket=complaint.ticket,
                    status=COMPLAINTS.public_label(complaint.status))
        lines = [_("Ada perkembangan pada pengaduan Anda (nomor tiket %(ticket)s).", ticket=complaint.ticket),
                 _("Pengaduan Anda didisposisikan ke %(unit)s untuk ditindaklanjuti.", unit=unit) if unit
                 else STEP_WORDS.get(what, STEP_WORDS["status"])(),
                 _("Status sekarang: %(status)s", status=COMPLAINTS.public_label(complaint.status))]
    body = "\n".join(lines + [
        "",
        _("Baca selengkapnya di halaman status dengan nomor tiket dan kode akses Anda: %(url)s",
          url=_link("complaints.status")),
        "",
        _("Tidak ingin menerima surel ini lagi? Berhenti dengan satu klik: %(url)s",
          url=_link("complaints.unsubscribe", token=unsubscribe_token(complaint.ticket))),
        "",
        current_app.config["PORTAL_OFFICE_NAME"],
    ])
    return notify.queue_mail("complaint-step", complaint.email, subject, body)


def queue_new_code(complaint: Complaint, access_code: str):
    subject = _("Kode akses baru untuk pengaduan %(ticket)s", ticket=complaint.ticket)
    body = "\n".join([
        _("Anda meminta kode akses baru untuk pengaduan %(ticket)s.", ticket=complaint.ticket),
        _("Kode akses baru: %(code)s", code=access_code),
        _("Kode akses yang lama tidak berlaku lagi."),
        "",
        _("Cek status: %(url)s", url=_link("complaints.status")),
        _("Jika Anda tidak memintanya, segera periksa pengaduan Anda dengan kode baru ini."),
        "",
        current_app.config["PORTAL_OFFICE_NAME"],
    ])
    return notify.queue_mail("complaint-code", complaint.email, subject, body)
