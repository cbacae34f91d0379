"""The UPG side of the gratification channel (role `gratification`): the workflow table enforced by
the service, the fields each step needs, role boundaries, public and internal notes, deadlines on
real dates around Lebaran 2026, the queue, the audit trail and the digest section."""
from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.gratification import casework
from portal.gratification.casework import CaseError
from portal.models import AuditEntry, GratificationReport, User
from portal.workflow import GRATIFICATION

from gratification_samples import REPORT
from samples import COMPLAINT
from staff import ROLE_EMAILS, csrf

# DOMAIN.md §3, written out here on purpose: the code's table is checked against this one.
ALLOWED = {
    "reported": {"analysis", "incomplete", "recorded"},
    "incomplete": {"analysis", "recorded", "stopped"},
    "analysis": {"forwarded", "archived", "incomplete"},
    "forwarded": {"decided"},
    "decided": {"follow_up", "done"},
    "follow_up": {"done"},
    "recorded": {"done"},
    "done": set(),
    "archived": set(),
    "stopped": set(),
}
NEEDS_REASON = {"incomplete", "archived", "stopped"}
# A refusal has no object to analyse, forward or hand over: Dilaporkan → Dicatat → Selesai
# (and, like any report, it may be sent back for completion and stopped).
REFUSAL_PATH = {"reported", "incomplete", "recorded", "stopped", "done"}
STATUSES = list(ALLOWED)

SERVICE_DAY = date(2026, 3, 10)
# Everything any step could ask for, valid on SERVICE_DAY.
FULL = {
    "reason": "Keterangan untuk pelapor.",
    "forwarded_to": "kpk",
    "gol_number": "GOL-2026-01234",
    "forwarded_on": "2026-03-02",
    "kpk_decision": "milik_penerima",
    "kpk_decree_number": "123/GTF.00.02/2026",
    "kpk_decree_date": "2026-03-05",
    "follow_up_note": "Bukti setor ke kas negara, NTPN 0123456789ABCDEF.",
}
# The state earlier steps leave behind, so each step's own preconditions hold.
BEFORE = {
    "verified_on": date(2026, 2, 23),
    "analysis_result": "must_report",
    "forwarded_on": date(2026, 2, 27),
    "kpk_decision": "milik_penerima",
    "completion_due_on": date(2026, 3, 6),
}


# --------------------------------------------------------------------------- helpers

def file_report(app, **changes) -> tuple[str, str]:
    response = app.test_client().post("/api/v1/gratifications", json={**REPORT, **changes})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    return body["ticket"], body["access_code"]


def force(app, ticket, **values) -> None:
    """Arrange a report's state directly (a factory, not the behaviour under test)."""
    with app.app_context():
        db.session.execute(update(GratificationReport).where(GratificationReport.ticket == ticket).values(**values))
        db.session.commit()


UPG_COLUMNS = ("status", "due_on", "forward_due_on", "assigned_to_id", "verification_result", "verified_on",
               "completion_due_on", "analysis_result", "analysis", "analysed_on", "forwarded_to", "forwarded_on",
               "gol_number", "kpk_decree_number", "kpk_decree_date", "kpk_decision", "follow_up_note", "closed_on")


def snapshot(app, ticket) -> dict:
    with app.app_context():
        r = db.session.scalar(select(GratificationReport).where(GratificationReport.ticket == ticket))
        state = {name: getattr(r, name) for name in UPG_COLUMNS}
        state["events"] = [(e.kind, e.public, e.status_from, e.status_to, e.body) for e in r.events]
        return state


def actions(app, ticket=None) -> list[str]:
    """Audited actions other than page views, oldest first."""
    with app.app_context():
        query = select(AuditEntry.action).where(AuditEntry.action != "case_view").order_by(AuditEntry.id)
        if ticket:
            query = query.where(AuditEntry.case_ref == ticket)
        return list(db.session.scalars(query))


def report_id(app, ticket) -> int:
    with app.app_context():
        return db.session.scalar(select(GratificationReport.id).where(GratificationReport.ticket == ticket))


def upg_user(app):
    return db.session.scalar(select(User).where(User.email == ROLE_EMAILS["gratification"]))


def call(app, func, ticket, *args, **kwargs):
    """Run a casework function in its own app context as the UPG officer."""
    with app.app_context():
        return func(report_id(app, ticket), *args, upg_user(app), **kwargs)


@pytest.fixture
def upg(as_role):
    client = as_role("gratification")
    client.token = csrf(client.get("/kantor/gratifikasi").get_data(as_text=True))
    return client


@pytest.fixture
def pin_office_day(monkeypatch):
    """Pin the back office's "today" (case work and pages) to a day the test chooses."""
    def pin(day: date) -> None:
        for module in ("portal.gratification.casework", "portal.backoffice.gratification"):
            monkeypatch.setattr(f"{module}.local_today", lambda: day)
    return pin


def act(client, ticket, path, **data) -> str:
    """Submit a case form; return the case page it leads to (with its flash message)."""
    response = client.post(f"/kantor/gratifikasi/{ticket}/{path}", data={"csrf_token": client.token, **data})
    assert response.status_code == 303, response.status_code
    return html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))


def flash_danger(page: str) -> str | None:
    match = re.search(r'class="notice notice-danger" role="status"><p>(.*?)</p>', page, re.S)
    return match and match.group(1)


def reporter_status_page(app, ticket, code) -> str:
    reporter = app.test_client()
    token = csrf(reporter.get("/gratifikasi/status").get_data(as_text=True))
    response = reporter.post("/gratifikasi/status", data={"csrf_token": token, "ticket": ticket, "access_code": code})
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


# --------------------------------------------------------------------------- the workflow table

def test_the_code_table_is_the_documented_table():
    assert set(GRATIFICATION.statuses) == set(ALLOWED)
    assert {s: set(t) for s, t in GRATIFICATION.transitions.items()} == {s: t for s, t in ALLOWED.items() if t}
    assert set(GRATIFICATION.reason_required) == NEEDS_REASON


@pytest.mark.parametrize("action", ["accepted", "refused"])
@pytest.mark.parametrize("source", STATUSES)
def test_every_forbidden_transition_is_refused_by_the_service(app, staff, today, source, action):
    ticket, _code = file_report(app, action=action)
    expected = ALLOWED[source] & REFUSAL_PATH if action == "refused" else ALLOWED[source] - {"recorded"}
    wrong = []
    for target in STATUSES:
        force(app, ticket, status=source, **BEFORE)
        before, audited = snapshot(app, ticket), actions(app, ticket)
        try:
            call(app, casework.transition, ticket, target, FULL, today=SERVICE_DAY)
        except CaseError as exc:
            accepted, field = False, exc.field
        else:
            accepted, field = True, None
        after = snapshot(app, ticket)
        if accepted != (target in expected):
            wrong.append((source, target, "accepted" if accepted else f"refused ({field})"))
        elif accepted:
            assert after["status"] == target
            assert after["events"][-1][:4] == ("status", True, source, target)
            assert actions(app, ticket) == audited + ["status_change"]
        else:
            assert field == "status", (source, target, field)
            assert after == before and actions(app, ticket) == audited  # nothing saved
    assert wrong == []


def test_unknown_status_is_refused(app, staff, today):
    ticket, _code = file_report(app)
    with pytest.raises(CaseError) as exc:
        call(app, casework.transition, ticket, "approved", FULL, today=SERVICE_DAY)
    assert exc.value.field == "status" and snapshot(app, ticket)["status"] == "reported"


# --------------------------------------------------------------------------- required fields

def _without(**changes) -> dict:
    data = dict(FULL)
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return data


REFUSED_INPUT = [
    # (source status, target, data, field, words in the message)
    ("analysis", "forwarded", _without(gol_number=None), "gol_number", "Nomor GOL: Wajib diisi"),
    ("analysis", "forwarded", _without(gol_number="   "), "gol_number", "Nomor GOL: Wajib diisi"),
    ("analysis", "forwarded", _without(forwarded_on=None), "forwarded_on", "Tanggal diteruskan: Wajib diisi"),
    ("analysis", "forwarded", _without(forwarded_on="2026-03-11"), "forwarded_on", "tidak boleh di masa depan"),
    ("analysis", "forwarded", _without(forwarded_on="02/03/2026"), "forwarded_on", "Tanggal tidak valid"),
    ("analysis", "forwarded", _without(forwarded_on="2026-02-20"), "forwarded_on", "sebelum tanggal verifikasi"),
    ("analysis", "forwarded", _without(forwarded_to="polisi"), "forwarded_to", "Pilihan tidak dikenal"),
    ("analysis", "forwarded", _without(forwarded_to=None), "forwarded_to", "Silakan pilih"),
    ("analysis", "forwarded", _without(gol_number="G" * 61), "gol_number", "maksimal 60"),
    ("forwarded", "decided", _without(kpk_decree_number=None), "kpk_decree_number", "Nomor SK KPK: Wajib diisi"),
    ("forwarded", "decided", _without(kpk_decree_date=None), "kpk_decree_date", "Tanggal SK KPK: Wajib diisi"),
    ("forwarded", "decided", _without(kpk_decree_date="2027-01-05"), "kpk_decree_date", "tidak boleh di masa depan"),
    ("forwarded", "decided", _without(kpk_decree_date="2026-02-26"), "kpk_decree_date", "sebelum tanggal diteruskan"),
    ("forwarded", "decided", _without(kpk_decision=None), "kpk_decision", "Silakan pilih"),
    ("forwarded", "decided", _without(kpk_decision="dilelang"), "kpk_decision", "Pilihan tidak dikenal"),
    ("decided", "follow_up", _without(follow_up_note=None), "follow_up_note", "Wajib diisi"),
    ("reported", "incomplete", _without(reason=None), "reason", "Alasan wajib diisi"),
    ("analysis", "archived", _without(reason=" "), "reason", "Alasan wajib diisi"),
    ("incomplete", "stopped", _without(reason=None), "reason", "Alasan wajib diisi"),
    ("reported", "analysis", _without(reason="x" * 2001), "reason", "maksimal 2000"),
    ("reported", "analysis", _without(reason="teks\x00nul"), "reason", "tidak diizinkan"),
]


@pytest.mark.parametrize("source, target, data, field, words", REFUSED_INPUT,
                         ids=[f"{r[1]}-{r[3]}-{i}" for i, r in enumerate(REFUSED_INPUT)])
def test_required_and_bad_fields_are_refused_with_nothing_saved(app, staff, today, source, target, data, field, words):
    ticket, _code = file_report(app)
    force(app, ticket, status=source, **BEFORE)
    before, audited = snapshot(app, ticket), actions(app, ticket)
    with pytest.raises(CaseError) as exc:
        call(app, casework.transition, ticket, target, data, today=SERVICE_DAY)
    assert exc.value.field == field
    assert words in exc.value.message, exc.value.message
    assert snapshot(app, ticket) == before and actions(app, ticket) == audited


@pytest.mark.parametrize("state, target, words", [
    ({"status": "analysis", "analysis_result": None}, "forwarded", "Catat dulu hasil analisis"),
    ({"status": "decided", "kpk_decision": "milik_negara"}, "done", "milik negara harus ditindaklanjuti"),
    ({"status": "incomplete", "completion_due_on": SERVICE_DAY}, "stopped", "belum lewat"),
])
def test_steps_refused_until_their_precondition_holds(app, staff, today, state, target, words):
    ticket, _code = file_report(app)
    force(app, ticket, **{**BEFORE, **state})
    before, audited = snapshot(app, ticket), actions(app, ticket)
    with pytest.raises(CaseError) as exc:
        call(app, casework.transition, ticket, target, FULL, today=SERVICE_DAY)
    assert words in exc.value.message
    assert snapshot(app, ticket) == before and actions(app, ticket) == audited


# Every form of the case page: bad input gives a clear flash message and saves nothing.
BAD_FORMS = [
    ("reported", "verifikasi", {}, "Pilih hasil verifikasi"),
    ("reported", "verifikasi", {"result": "incomplete"}, "Alasan wajib diisi"),
    ("analysis", "analisis", {}, "Pilih hasil analisis"),
    ("analysis", "analisis", {"result": "not_required"}, "Uraian analisis wajib diisi"),
    ("reported", "analisis", {"result": "must_report"}, "setelah verifikasi lengkap"),
    ("analysis", "teruskan", {"forwarded_to": "kpk", "forwarded_on": "2026-03-02"}, "Nomor GOL: Wajib diisi"),
    ("analysis", "teruskan", {"forwarded_to": "kpk", "gol_number": "GOL-1"}, "Tanggal diteruskan: Wajib diisi"),
    ("analysis", "teruskan", {"forwarded_to": "kpk", "gol_number": "GOL-1", "forwarded_on": "2099-01-01"},
     "tidak boleh di masa depan"),
    ("forwarded", "sk", {"kpk_decision": "milik_negara", "kpk_decree_date": "2026-03-05"}, "Nomor SK KPK: Wajib diisi"),
    ("forwarded", "sk", {"kpk_decision": "milik_negara", "kpk_decree_number": "1/2026"}, "Tanggal SK KPK: Wajib diisi"),
    ("decided", "tindak-lanjut", {}, "Wajib diisi"),
    ("reported", "selesai", {}, "tidak diizinkan"),
    ("incomplete", "hentikan", {}, "Alasan wajib diisi"),
    ("reported", "catatan", {"visibility": "public", "body": "  "}, "Isi catatan: Wajib diisi"),
    ("reported", "catatan", {"visibility": "rahasia", "body": "x"}, "Pilih jenis catatan"),
    ("reported", "penugasan", {"handler": "abc"}, "bukan petugas UPG"),
    ("reported", "penugasan", {"handler": "999999"}, "bukan petugas UPG"),
]


@pytest.mark.parametrize("source, path, data, words", BAD_FORMS, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD_FORMS)])
def test_every_form_refuses_bad_input_with_a_clear_message(app, upg, today, pin_office_day, source, path, data, words):
    pin_office_day(SERVICE_DAY)
    ticket, _code = file_report(app)
    force(app, ticket, status=source, **BEFORE)
    before, audited = snapshot(app, ticket), actions(app, ticket)
    page = act(upg, ticket, path, **data)
    assert words in (flash_danger(page) or ""), flash_danger(page)
    assert snapshot(app, ticket) == before and actions(app, ticket) == audited


def test_a_refused_step_on_the_page_keeps_its_case_untouched_then_succeeds(app, upg, today, pin_office_day):
    pin_office_day(SERVICE_DAY)
    ticket, _code = file_report(app)
    force(app, ticket, status="analysis", **BEFORE)
    page = act(upg, ticket, "teruskan", forwarded_to="kpk", gol_number="", forwarded_on="2026-03-02")
    assert "Nomor GOL: Wajib diisi." in flash_danger(page)
    page = act(upg, ticket, "teruskan", forwarded_to="kpk", gol_number="GOL-2026-000777", forwarded_on="2026-03-02")
    assert "Laporan dicatat sebagai diteruskan." in page and 'id="nomor-gol">GOL-2026-000777<' in page
    state = snapshot(app, ticket)
    assert (state["status"], state["forwarded_to"], state["forwarded_on"]) == ("forwarded", "kpk", date(2026, 3, 2))


# --------------------------------------------------------------------------- role boundaries

UPG_POSTS = ["verifikasi", "analisis", "teruskan", "sk", "tindak-lanjut", "selesai", "hentikan", "catatan", "penugasan"]


def test_only_the_upg_reaches_gratification_pages(app, staff, today):
    ticket, _code = file_report(app)
    before = snapshot(app, ticket)
    for role in ("complaints", "wbs", "leader", "admin"):
        client = staff.login(app.test_client(), ROLE_EMAILS[role])
        for url in ("/kantor/gratifikasi", f"/kantor/gratifikasi/{ticket}", f"/kantor/gratifikasi/{ticket}/lampiran/1"):
            response = client.get(url)
            assert response.status_code == 403, (role, url)
            assert "Rina" not in response.get_data(as_text=True)
        token = csrf(client.get("/kantor/akun/sandi").get_data(as_text=True))
        for path in UPG_POSTS:
            response = client.post(f"/kantor/gratifikasi/{ticket}/{path}",
                                   data={"csrf_token": token, "result": "complete", "body": "x", "visibility": "public"})
            assert response.status_code == 403, (role, path)
        assert 'href="/kantor/gratifikasi"' not in client.get("/kantor/").get_data(as_text=True)
    assert snapshot(app, ticket) == before
    anonymous = app.test_client().get(f"/kantor/gratifikasi/{ticket}")
    assert anonymous.status_code == 302 and "/kantor/masuk" in anonymous.headers["Location"]


def test_the_upg_sees_gratification_only(app, upg):
    complaint = app.test_client().post("/api/v1/complaints", json=COMPLAINT).get_json()["ticket"]
    for url in ("/kantor/pengaduan", f"/kantor/pengaduan/{complaint}", "/kantor/wbs", "/kantor/admin/pengguna"):
        response = upg.get(url)
        assert response.status_code in (403, 404), url
        if url.startswith("/kantor/pengaduan"):
            assert response.status_code == 403
    home = upg.get("/kantor/").get_data(as_text=True)
    assert 'href="/kantor/gratifikasi"' in home and 'href="/kantor/pengaduan"' not in home


def test_the_case_page_shows_the_decrypted_identity_and_audits_the_view(app, upg, today):
    ticket, _code = file_report(app)
    page = html.unescape(upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True))
    for text in ("Rina Marlina", "198705122010012003", "Pengadministrasi Kependudukan", "0812 3456 7890",
                 "rina@example.org", "Teman SMA", "Rp1.200.000", "Amplop hadiah pernikahan"):
        assert text in page, text
    assert "Petunjuk pengecualian" in page  # the hint the reporter saw (sample 3, after 14 Jan 2026)
    with app.app_context():
        views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case_view")).all()
        assert [(v.channel, v.case_ref, v.actor_label) for v in views] == \
               [("gratification", ticket, ROLE_EMAILS["gratification"])]


def test_attachment_download_is_audited_and_bound_to_its_report(app, upg, today):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    data = {k: str(v) for k, v in REPORT.items()}
    data["files"] = [(io.BytesIO(buffer.getvalue()), "amplop.jpg")]
    response = app.test_client().post("/api/v1/gratifications", data=data, content_type="multipart/form-data")
    ticket = response.get_json()["ticket"]
    other, _code = file_report(app)
    with app.app_context():
        attachment_id = db.session.scalar(select(GratificationReport).where(GratificationReport.ticket == ticket)).attachments[0].id
    page = upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True)
    assert f"/kantor/gratifikasi/{ticket}/lampiran/{attachment_id}" in page and "amplop.jpg" in page
    download = upg.get(f"/kantor/gratifikasi/{ticket}/lampiran/{attachment_id}")
    assert download.status_code == 200 and download.data[:2] == b"\xff\xd8"
    assert upg.get(f"/kantor/gratifikasi/{other}/lampiran/{attachment_id}").status_code == 404
    assert actions(app, ticket) == ["attachment_download"] and actions(app, other) == []


# --------------------------------------------------------------------------- the whole path, notes, audit

def test_the_upg_path_from_report_to_kpk_decision_public_and_internal_notes(app, upg, today, pin_office_day):
    today(date(2026, 3, 2))
    ticket, code = file_report(app)
    pin_office_day(date(2026, 3, 4))
    upg_id = db_user_id(app)

    assert "Penugasan diperbarui." in act(upg, ticket, "penugasan", handler=str(upg_id))
    assert "Catatan disimpan." in act(upg, ticket, "catatan", visibility="internal",
                                      body="Internal: pemberi adalah rekanan, cek kontrak.")
    page = act(upg, ticket, "verifikasi", result="incomplete", reason="Mohon lengkapi foto amplop.")
    assert "Hasil verifikasi disimpan." in page
    state = snapshot(app, ticket)
    # 20 HK from the report date (2 March, PerKPK 1/2026), not from the verification on 4 March:
    # 3–6, 9–13, 16, 17 Mar (1–11); 18–24 Mar Nyepi, Idul Fitri and cuti bersama; 25–27, 30, 31 Mar,
    # 1, 2 Apr (12–18); 3 Apr Wafat Yesus Kristus; 6, 7 Apr (19–20).
    assert state["status"] == "incomplete" and state["completion_due_on"] == date(2026, 4, 7)
    page = act(upg, ticket, "verifikasi", result="complete")
    assert 'id="status-kasus">Verifikasi Lengkap - Analisis<' in page
    assert "Hasil analisis disimpan." in act(upg, ticket, "analisis", result="must_report",
                                             analysis="Pemberi berkepentingan dengan jabatan.")
    assert "Catatan disimpan." in act(upg, ticket, "catatan", visibility="public",
                                      body="Laporan Anda sedang diteruskan ke KPK.")
    act(upg, ticket, "teruskan", forwarded_to="kpk", gol_number="GOL-2026-04567", forwarded_on="2026-03-04")
    pin_office_day(date(2026, 4, 8))
    page = act(upg, ticket, "sk", kpk_decision="milik_negara", kpk_decree_number="1234/GTF.00.02/04/2026",
               kpk_decree_date="2026-04-08", reason="KPK menetapkan gratifikasi menjadi milik negara.")
    assert "Keputusan KPK disimpan." in page and "1234/GTF.00.02/04/2026" in page
    assert "milik negara harus ditindaklanjuti" in flash_danger(act(upg, ticket, "selesai"))
    act(upg, ticket, "tindak-lanjut", follow_up_note="Bukti setor NTPN 0A1B2C3D4E5F6071.")
    page = act(upg, ticket, "selesai", reason="Uang telah disetor ke kas negara.")
    assert 'id="status-kasus">Selesai<' in page

    state = snapshot(app, ticket)
    assert state["closed_on"] == date(2026, 4, 8) and state["due_on"] is None
    assert state["kpk_decree_date"] == date(2026, 4, 8) and state["kpk_decision"] == "milik_negara"
    assert actions(app, ticket) == ["assign", "note_add", "status_change", "status_change", "analysis_record",
                                    "followup_add", "status_change", "status_change", "status_change", "status_change"]
    with app.app_context():
        details = db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "status_change")
                                     .order_by(AuditEntry.id)).all()
    assert '"forwarded_to":"kpk"' in details[2] and '"decision":"milik_negara"' in details[3]
    assert not any("GOL-2026" in d or "Rina" in d for d in details)  # codes only, never content

    # The whole history on the case page, internal lines included.
    history = page.split('id="riwayat"')[1]
    for text in ("Internal: pemberi adalah rekanan", "Mohon lengkapi foto amplop.", "Pemberi berkepentingan",
                 "Laporan Anda sedang diteruskan ke KPK.", "Ditugaskan", "Uang telah disetor"):
        assert text in history, text

    # The reporter's status page and the API: public lines only.
    status_page = reporter_status_page(app, ticket, code)
    for text in ("Laporan diterima UPG", "Perlu dilengkapi oleh pelapor", "Mohon lengkapi foto amplop.",
                 "Sedang dianalisis UPG", "Catatan UPG", "Laporan Anda sedang diteruskan ke KPK.",
                 "Diteruskan ke UPG Kabupaten/KPK", "SK KPK Diterbitkan", "Milik negara", "Uang telah disetor"):
        assert text in status_page, text
    for secret in ("Internal: pemberi", "Pemberi berkepentingan", "rekanan, cek kontrak", "NTPN", "Upg"):
        assert secret not in status_page, secret
    timeline = app.test_client().get(f"/api/v1/gratifications/{ticket}", headers={"X-Access-Code": code}).get_json()
    bodies = [e["body"] for e in timeline["timeline"]]
    assert "Laporan Anda sedang diteruskan ke KPK." in bodies and "Mohon lengkapi foto amplop." in bodies
    assert not any(b and ("Internal" in b or "berkepentingan" in b or "NTPN" in b) for b in bodies)
    assert timeline["status"] == "done" and timeline["kpk_decision"] == "milik_negara"


def db_user_id(app) -> int:
    with app.app_context():
        return upg_user(app).id


def test_refusal_is_recorded_then_done(app, upg, today, pin_office_day):
    pin_office_day(SERVICE_DAY)
    ticket, code = file_report(app, action="refused", description="Amplop dari pemohon akta, saya tolak di loket.")
    page = html.unescape(upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True))
    assert "Lengkap — catat penolakan" in page and 'id="analisis"' not in page and 'id="teruskan"' not in page
    assert "Hasil verifikasi disimpan." in act(upg, ticket, "verifikasi", result="complete")
    assert snapshot(app, ticket)["status"] == "recorded"
    assert "tidak diizinkan" in flash_danger(act(upg, ticket, "tindak-lanjut", follow_up_note="x"))
    page = act(upg, ticket, "selesai", reason="Penolakan dicatat dalam rekap UPG.")
    assert 'id="status-kasus">Selesai<' in page
    assert "Penolakan dicatat dalam rekap UPG." in reporter_status_page(app, ticket, code)


def test_assignment_only_to_active_upg_accounts(app, upg, staff, today):
    ticket, _code = file_report(app)
    with app.app_context():
        complaints_id = db.session.scalar(select(User.id).where(User.email == ROLE_EMAILS["complaints"]))
    inactive = staff.create("upg-cuti@serangkab.go.id", {"gratification"}, name="Petugas Cuti")
    with app.app_context():
        db.session.execute(update(User).where(User.id == inactive).values(active=False))
        db.session.commit()
    page = upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True)
    assert "Petugas Cuti" not in page.split('id="f-handler"')[1].split("</select>")[0]
    for handler in (complaints_id, inactive):
        assert "bukan petugas UPG" in flash_danger(act(upg, ticket, "penugasan", handler=str(handler)))
    assert snapshot(app, ticket)["assigned_to_id"] is None
    act(upg, ticket, "penugasan", handler=str(db_user_id(app)))
    assert snapshot(app, ticket)["assigned_to_id"] == db_user_id(app)
    act(upg, ticket, "penugasan", handler="")
    assert snapshot(app, ticket)["assigned_to_id"] is None


# --------------------------------------------------------------------------- deadlines on real dates

def test_forward_deadline_is_ten_working_days_after_the_report_across_lebaran_2026(app, upg, today, pin_office_day):
    from portal import workdays

    today(date(2026, 3, 12))  # Thursday: UPG receives the report
    ticket, _code = file_report(app)
    pin_office_day(date(2026, 3, 16))  # Monday before Nyepi and Idul Fitri 1447 H
    page = act(upg, ticket, "verifikasi", result="complete")
    state = snapshot(app, ticket)
    assert state["verified_on"] == date(2026, 3, 16)
    # "10 hari kerja sejak laporan diterima UPG": counted from 12 March, verification restarts nothing.
    # 13, 16, 17 Mar (1–3); 18 cuti bersama, 19 Nyepi, 20 cuti bersama, 21–22 Idul Fitri, 23–24 cuti
    # bersama; 25, 26, 27, 30, 31 Mar, 1, 2 Apr (4–10).
    assert state["forward_due_on"] == date(2026, 4, 2) == state["due_on"]
    with app.app_context():
        off = [d for d, _name, _kind in workdays.holidays_between(date(2026, 3, 13), date(2026, 4, 2))]
        assert {date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)} <= set(off)
    assert 'data-date="2026-04-02"' in page and "10 hari kerja sejak laporan diterima UPG" in page
    assert "lewat tenggat" not in page.split('id="batas-teruskan"')[1].split("</dd>")[0]

    # On 6 April (3 April is Good Friday) it is overdue: on the case page and in the queue's overdue filter.
    pin_office_day(date(2026, 4, 6))
    page = html.unescape(upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True))
    assert "lewat tenggat" in page.split('id="batas-teruskan"')[1].split("</dd>")[0]
    assert ticket in upg.get("/kantor/gratifikasi?overdue=1").get_data(as_text=True)
    pin_office_day(date(2026, 4, 2))
    assert ticket not in upg.get("/kantor/gratifikasi?overdue=1").get_data(as_text=True)


def test_next_step_deadlines_use_the_sla_table_from_the_step_date(app, staff, today):
    from portal import workdays

    ticket, _code = file_report(app)
    force(app, ticket, **{**BEFORE, "status": "analysis"})
    call(app, casework.transition, ticket, "forwarded", FULL, today=SERVICE_DAY)
    call(app, casework.transition, ticket, "decided", FULL, today=SERVICE_DAY)
    state = snapshot(app, ticket)
    with app.app_context():
        assert state["due_on"] == workdays.add_working_days(date(2026, 3, 5), 7)  # 7 HK from the decree date
    assert state["due_on"] == date(2026, 3, 16)
    force(app, ticket, status="analysis")
    call(app, casework.transition, ticket, "forwarded", FULL, today=SERVICE_DAY)
    # 30 HK from the GOL date 2 March 2026, across Nyepi, Lebaran and Good Friday.
    assert snapshot(app, ticket)["due_on"] == date(2026, 4, 21)


# --------------------------------------------------------------------------- queue

def test_queue_filters_and_pages(app, upg, today, pin_office_day):
    pin_office_day(date(2026, 2, 20))
    tickets = {}
    for i in range(27):
        changes = {"item_type": "voucher"} if i % 9 == 0 else {}
        if i % 5 == 0:
            changes["action"] = "refused"
        ticket, _code = file_report(app, **changes)
        tickets[ticket] = changes
    first = list(tickets)[0]
    force(app, first, status="analysis", assigned_to_id=db_user_id(app), due_on=date(2026, 1, 2))

    def listed(query: str) -> set[str]:
        page = upg.get("/kantor/gratifikasi" + query).get_data(as_text=True)
        return set(re.findall(r">(GRT-\d{4}-\d+)</a>", page)) & set(tickets)

    # Keyset pages (portal.casequery): the pager's "Berikutnya" link leads to the remaining two.
    first_page = upg.get("/kantor/gratifikasi").get_data(as_text=True)
    following = re.search(r'<a href="/kantor/gratifikasi(\?setelah=\d+)" rel="next">Berikutnya</a>', first_page)[1]
    assert len(listed("")) == 25 and len(listed(following)) == 2 and not listed("") & listed(following)
    assert listed("?page=2") == listed("")  # an old numbered link lands on the newest page
    assert listed("?item_type=voucher") == {t for t, c in tickets.items() if c.get("item_type") == "voucher"}
    assert listed("?action=refused") == {t for t, c in tickets.items() if c.get("action") == "refused"}
    assert listed("?status=analysis") == {first} == listed("?mine=1") == listed("?overdue=1")
    assert listed(f"?q={first.lower()}") == {first}
    assert listed("?status=bogus&item_type=zzz&action=x&page=abc") == listed("")
    assert len(listed("?status=open&setelah=1")) == 0


def test_dashboard_panel_counts_for_the_upg(app, upg, today, monkeypatch):
    monkeypatch.setattr("portal.backoffice.dashboard.local_today", lambda: date(2026, 2, 20))
    for _ in range(3):
        ticket, _code = file_report(app)
    force(app, ticket, status="analysis", due_on=date(2026, 1, 2), assigned_to_id=db_user_id(app))
    page = html.unescape(upg.get("/kantor/").get_data(as_text=True))
    panel = re.search(r'<a href="/kantor/gratifikasi">Gratifikasi</a></h2>(.*?)</section>', page, re.S).group(1)
    assert re.findall(r"<dd>(?:<span[^>]*>)?(\d+)", panel) == ["3", "2", "1", "1"]


# --------------------------------------------------------------------------- digest

WEDNESDAY = date(2026, 3, 4)


def test_digest_section_counts_gratification_deadlines(app, staff, today):
    from portal.backoffice import digest

    upg_id = db_user_id(app)
    cases = [  # (due_on, assigned, status)
        (WEDNESDAY - timedelta(days=1), upg_id, "analysis"),
        (WEDNESDAY - timedelta(days=6), upg_id, "incomplete"),
        (WEDNESDAY, upg_id, "reported"),
        (WEDNESDAY + timedelta(days=1), None, "forwarded"),
        (WEDNESDAY, None, "reported"),
        (WEDNESDAY - timedelta(days=1), upg_id, "done"),         # finished: never counted
        (WEDNESDAY + timedelta(days=9), upg_id, "decided"),      # not due yet
    ]
    tickets = []
    for due_on, assigned, status in cases:
        ticket, _code = file_report(app)
        force(app, ticket, due_on=due_on, assigned_to_id=assigned, status=status)
        tickets.append(ticket)
    with app.test_request_context():
        user = upg_user(app)
        lines = dict(digest.gratification_lines(user, WEDNESDAY))
        subject, body = digest.compose(user, WEDNESDAY)
        complaints = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["complaints"]))
        assert digest.gratification_lines(complaints, WEDNESDAY) == []
    assert list(lines.values()) == [2, 1, 0, 0, 1, 1]
    assert "Gratifikasi\n  Lewat tenggat, ditugaskan kepada Anda: 2" in body
    assert "Jatuh tempo hari ini, belum ditugaskan: 1" in body
    assert re.search(r"Jatuh tempo hari kerja berikutnya \(5 Mar 2026\), belum ditugaskan: 1", body)
    assert "Pengaduan" not in body
    assert not any(t in body for t in tickets) and "Rina" not in body and "Rp" not in body


# --------------------------------------------------------------------------- clocks that never restart (issue 13)

def test_completion_window_counts_from_the_report_date_and_overdue_stays_overdue_until_forwarded(
        app, upg, today, pin_office_day):
    today(date(2026, 4, 25))  # Saturday: UPG receives the report (the web form is open every day)
    ticket, _code = file_report(app)
    pin_office_day(date(2026, 11, 29))
    act(upg, ticket, "verifikasi", result="incomplete", reason="Mohon lengkapi nilai taksiran.")
    # PerKPK 1/2026: an incomplete report is dropped 20 working days "sejak tanggal laporan" — from
    # 25 April, whenever UPG gets round to verifying it. Counted by hand; non-working days skipped:
    # 1 May Hari Buruh, 14 May Kenaikan Yesus Kristus, 15 May cuti bersama, 27 May Idul Adha,
    # 28 May cuti bersama (and weekends).
    # 27–30 Apr (1–4); 4–8 May (5–9); 11–13 May (10–12); 18–22 May (13–17); 25, 26 May (18, 19); 29 May (20).
    state = snapshot(app, ticket)
    assert state["completion_due_on"] == date(2026, 5, 29) == state["due_on"]
    assert ticket in upg.get("/kantor/gratifikasi?overdue=1").get_data(as_text=True)

    # Verification done: the UPG → KPK clock ("10 hari kerja sejak laporan diterima UPG") still runs
    # from 25 April: 27–30 Apr (1–4), 4–8 May (5–9), 11 May (10). Long past: the report stays overdue.
    page = act(upg, ticket, "verifikasi", result="complete")
    state = snapshot(app, ticket)
    assert state["status"] == "analysis"
    assert state["forward_due_on"] == date(2026, 5, 11) == state["due_on"]
    assert "lewat tenggat" in page.split('id="batas-teruskan"')[1].split("</dd>")[0]
    assert ticket in upg.get("/kantor/gratifikasi?overdue=1").get_data(as_text=True)

    # Only the step itself, forwarding to KPK, ends it.
    act(upg, ticket, "analisis", result="must_report", analysis="Pemberi berkepentingan dengan jabatan.")
    assert ticket in upg.get("/kantor/gratifikasi?overdue=1").get_data(as_text=True)
    act(upg, ticket, "teruskan", forwarded_to="kpk", gol_number="GOL-2026-09999", forwarded_on="2026-11-29")
    assert snapshot(app, ticket)["status"] == "forwarded"
    assert ticket not in upg.get("/kantor/gratifikasi?overdue=1").get_data(as_text=True)


def test_admin_forward_sla_takes_effect(app, upg, today, pin_office_day):
    from portal.models import SlaSetting

    with app.app_context():
        db.session.add(SlaSetting(channel="gratification", status="analysis", days=5,
                                  basis="Perbup Serang 5/2021 (uji): 5 hari kerja sejak laporan diterima UPG"))
        db.session.commit()
    today(date(2026, 4, 25))
    ticket, _code = file_report(app)
    # 5 working days after Saturday 25 April: 27, 28, 29, 30 Apr (1–4); 1 May Hari Buruh; 4 May (5).
    assert snapshot(app, ticket)["forward_due_on"] == date(2026, 5, 4)
    pin_office_day(date(2026, 4, 28))
    act(upg, ticket, "verifikasi", result="complete")
    assert snapshot(app, ticket)["due_on"] == date(2026, 5, 4)


def test_admin_analysis_deadline_sets_the_due_date_from_the_report(app, as_role, upg, today, pin_office_day):
    """The UPG → KPK clock is one deadline: the admin's setting on "analysis" is the due date of
    the report from the day it arrives (status Dilaporkan), not a constant of the reported step."""
    admin = as_role("admin")
    token = csrf(admin.get("/kantor/admin/sla").get_data(as_text=True))
    response = admin.post("/kantor/admin/sla", data={
        "csrf_token": token, "channel": "gratification", "status": "analysis", "days": "4", "unit": "working",
        "basis": "Perbup (uji): 4 hari kerja sejak laporan diterima UPG"})
    assert response.status_code == 303

    today(date(2026, 4, 25))  # a Saturday
    ticket, _code = file_report(app)
    # 4 working days after Saturday 25 April 2026: Mon 27 (1), Tue 28 (2), Wed 29 (3), Thu 30 (4).
    expected = date(2026, 4, 30)
    state = snapshot(app, ticket)
    assert state["status"] == "reported"
    assert state["due_on"] == expected == state["forward_due_on"]
    pin_office_day(date(2026, 4, 28))
    page = html.unescape(upg.get(f"/kantor/gratifikasi/{ticket}").get_data(as_text=True))
    assert 'data-date="2026-04-30"' in page and "4 hari kerja sejak laporan diterima UPG" in page
    act(upg, ticket, "verifikasi", result="complete")
    assert snapshot(app, ticket)["due_on"] == expected
    # The admin page says the reported step runs on that clock, with no setting of its own.
    page = html.unescape(admin.get("/kantor/admin/sla").get_data(as_text=True))
    assert "Tenggat yang sama dengan tahap «Verifikasi Lengkap - Analisis»: 4 hari kerja." in page
