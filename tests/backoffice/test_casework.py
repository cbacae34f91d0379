"""Complaint case work: the status table, reasons, follow-ups, answer, rating, assignment, queue,
history, audit — and the deadline digest mailed to handlers (counts only, no case content)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from email import message_from_bytes

import pytest
from sqlalchemy import func, select, update

from portal import audit
from portal.complaints import casework
from portal.complaints.casework import CaseError
from portal.extensions import db
from portal.models import AuditEntry, Complaint, ComplaintEvent, OutboxMail, User
from portal.workflow import COMPLAINTS

from samples import COMPLAINT
from staff import ROLE_EMAILS, Accounts, csrf

# DOMAIN.md §3 (LAPOR! labels), written out here on purpose: the code's table is checked
# against this one, not against itself.
ALLOWED = {
    "unverified": {"dispositioned", "pending", "not_authority", "archived"},
    "pending": {"unverified", "dispositioned", "in_progress", "archived"},
    "dispositioned": {"in_progress", "not_authority"},
    "in_progress": {"completed", "pending", "not_authority"},
    "completed": {"closed", "in_progress"},
    "not_authority": set(),
    "archived": set(),
    "closed": set(),
}
NEEDS_REASON = {"archived", "not_authority", "closed", "pending"}
STATUSES = list(ALLOWED)


# --------------------------------------------------------------------------- helpers

def file_complaint(app, **changes) -> tuple[str, str]:
    response = app.test_client().post("/api/v1/complaints", json={**COMPLAINT, **changes})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    return body["ticket"], body["access_code"]


def force(app, ticket, **values) -> None:
    """Arrange a case's state directly (a factory, not the behaviour under test)."""
    with app.app_context():
        db.session.execute(update(Complaint).where(Complaint.ticket == ticket).values(**values))
        db.session.commit()


def snapshot(app, ticket) -> dict:
    with app.app_context():
        c = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        return {"status": c.status, "due_on": c.due_on, "assigned_to_id": c.assigned_to_id, "rating": c.rating,
                "events": [(e.kind, e.public, e.status_from, e.status_to, e.body, e.actor_id) for e in c.events]}


def actions(app, ticket=None) -> list[str]:
    """Audited actions other than page views, oldest first."""
    with app.app_context():
        query = select(AuditEntry.action).where(AuditEntry.action != "case_view").order_by(AuditEntry.id)
        if ticket:
            query = query.where(AuditEntry.case_ref == ticket)
        return list(db.session.scalars(query))


def user_id(app, email) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def complaint_id(app, ticket) -> int:
    with app.app_context():
        return db.session.scalar(select(Complaint.id).where(Complaint.ticket == ticket))


@pytest.fixture
def handler(as_role):
    client = as_role("complaints")
    client.token = csrf(client.get("/kantor/pengaduan").get_data(as_text=True))
    return client


def act(client, ticket, path, **data):
    """Submit a case form and return the case page it leads to (with its flash message)."""
    response = client.post(f"/kantor/pengaduan/{ticket}/{path}", data={"csrf_token": client.token, **data})
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def citizen_status_page(app, ticket, code) -> str:
    citizen = app.test_client()
    token = csrf(citizen.get("/pengaduan/status").get_data(as_text=True))
    response = citizen.post("/pengaduan/status", data={"csrf_token": token, "ticket": ticket, "access_code": code})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def api_timeline(app, ticket, code) -> list[dict]:
    response = app.test_client().get(f"/api/v1/complaints/{ticket}", headers={"X-Access-Code": code})
    assert response.status_code == 200
    return response.get_json()["timeline"]


def rate(app, ticket, code, rating):
    citizen = app.test_client()
    token = csrf(citizen.get("/pengaduan/status").get_data(as_text=True))
    return citizen.post("/pengaduan/status/nilai", data={"csrf_token": token, "ticket": ticket,
                                                         "access_code": code, "rating": rating})


# --------------------------------------------------------------------------- the workflow table

def test_the_code_table_is_the_documented_table():
    assert set(COMPLAINTS.statuses) == set(ALLOWED)
    assert set(COMPLAINTS.reason_required) == NEEDS_REASON


@pytest.mark.parametrize("source", STATUSES)
def test_every_forbidden_transition_is_refused_and_every_allowed_one_accepted(app, staff, source):
    wrong = []
    for target in STATUSES:
        ticket, _code = file_complaint(app)
        force(app, ticket, status=source)
        if target == "completed":  # Selesai needs the final answer (its own test below)
            with app.app_context():
                db.session.add(ComplaintEvent(complaint_id=complaint_id(app, ticket), kind="answer", public=True,
                                              body="Jawaban resmi."))
                db.session.commit()
        before, audited = snapshot(app, ticket), actions(app, ticket)
        with app.app_context():
            actor = db.session.get(User, user_id(app, ROLE_EMAILS["complaints"]))
            try:
                casework.change_status(complaint_id(app, ticket), target, "Alasan tertulis untuk pelapor", actor)
            except CaseError as exc:
                accepted, field = False, exc.field
            else:
                accepted, field = True, None
        after = snapshot(app, ticket)
        if accepted != (target in ALLOWED[source]):
            wrong.append((source, target, "accepted" if accepted else "refused"))
        elif accepted:
            assert after["status"] == target
            assert after["events"][-1][:4] == ("status", True, source, target)
            assert actions(app, ticket) == audited + ["status_change"]
        else:
            assert field == "status"
            assert after == before and actions(app, ticket) == audited  # nothing saved
    assert wrong == []


@pytest.mark.parametrize("source, target", [(s, t) for s, ts in ALLOWED.items() for t in sorted(ts) if t in NEEDS_REASON])
def test_a_reason_is_required_for_side_and_closing_statuses(app, staff, source, target):
    ticket, _code = file_complaint(app)
    force(app, ticket, status=source)
    before, audited = snapshot(app, ticket), actions(app)
    with app.app_context():
        actor = db.session.get(User, user_id(app, ROLE_EMAILS["complaints"]))
        for empty in (None, "", "   \n "):
            with pytest.raises(CaseError) as refused:
                casework.change_status(complaint_id(app, ticket), target, empty, actor)
            assert refused.value.field == "reason"
    assert snapshot(app, ticket) == before and actions(app) == audited
    with app.app_context():
        actor = db.session.get(User, user_id(app, ROLE_EMAILS["complaints"]))
        casework.change_status(complaint_id(app, ticket), target, "Alasan yang jelas", actor)
    assert snapshot(app, ticket)["status"] == target


def test_missing_reason_on_the_form_gets_a_message(app, handler):
    ticket, _code = file_complaint(app)
    page = act(handler, ticket, "status", status="archived", reason=" ")
    assert "Alasan wajib diisi untuk status «Arsip»." in page
    assert snapshot(app, ticket)["status"] == "unverified"


# --------------------------------------------------------------------------- follow-ups, answer, rating

def test_public_follow_up_and_answer_reach_the_citizen_and_internal_notes_never_do(app, handler):
    ticket, code = file_complaint(app)
    act(handler, ticket, "status", status="dispositioned", reason="")
    act(handler, ticket, "catatan", visibility="internal", body="Internal: operator UPT sedang cuti, cek besok.")
    page = act(handler, ticket, "catatan", visibility="public", body="Kami sudah menghubungi UPT Kramatwatu.")
    assert "Tindak lanjut disimpan." in page
    assert snapshot(app, ticket)["status"] == "in_progress"  # the first public follow-up starts the work
    act(handler, ticket, "catatan", visibility="answer", body="KTP-el Anda sudah dicetak dan dapat diambil.")

    html = citizen_status_page(app, ticket, code)
    assert "Kami sudah menghubungi UPT Kramatwatu." in html
    assert "KTP-el Anda sudah dicetak dan dapat diambil." in html
    assert "Sedang Diproses" in html
    assert "operator UPT sedang cuti" not in html

    timeline = api_timeline(app, ticket, code)
    bodies = [entry["body"] for entry in timeline]
    assert "Kami sudah menghubungi UPT Kramatwatu." in bodies
    assert "KTP-el Anda sudah dicetak dan dapat diambil." in bodies
    assert [e["kind"] for e in timeline if e["body"]] == ["note", "answer"]
    assert not any("operator UPT" in (body or "") for body in bodies)


def test_rating_only_after_completion_once_and_only_1_to_5(app, handler):
    ticket, code = file_complaint(app)
    assert rate(app, ticket, code, "5").status_code == 422  # the form is not even offered yet
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        with pytest.raises(CaseError, match="Penilaian dapat diberikan setelah pengaduan selesai."):
            casework.rate(complaint, 5, None)
    act(handler, ticket, "status", status="dispositioned")
    act(handler, ticket, "catatan", visibility="answer", body="Blangko sudah tersedia, KTP-el dicetak.")
    act(handler, ticket, "status", status="completed")
    for bad in ("0", "6", "-1", "lima", "", "3.5", "9" * 40):
        response = rate(app, ticket, code, bad)
        assert response.status_code == 422, bad
        assert "Pilih nilai 1 sampai 5." in response.get_data(as_text=True)
    assert snapshot(app, ticket)["rating"] is None
    assert rate(app, ticket, code, "4").status_code == 200
    again = rate(app, ticket, code, "1")
    assert again.status_code == 422 and "penilaian Anda: 4 dari 5" in again.get_data(as_text=True)
    # The form is no longer offered; a forged second post is refused by the service.
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        with pytest.raises(CaseError, match="sudah dinilai"):
            casework.rate(complaint, 2, None)
    assert snapshot(app, ticket)["rating"] == 4
    # Closing after the rating needs a reason, like every closing status.
    assert "Alasan wajib diisi" in act(handler, ticket, "status", status="closed", reason="")
    act(handler, ticket, "status", status="closed", reason="Pelapor puas; pengaduan ditutup.")
    assert snapshot(app, ticket)["status"] == "closed"
    assert "Pelapor puas; pengaduan ditutup." in citizen_status_page(app, ticket, code)


# --------------------------------------------------------------------------- assignment

def test_assignment_only_to_active_complaint_handlers(app, handler, staff):
    ticket, _code = file_complaint(app)
    me = user_id(app, ROLE_EMAILS["complaints"])
    colleague = staff.create("rahmat@serangkab.go.id", {"complaints"}, name="Andi Pengaduan")
    gone = staff.create("lama@serangkab.go.id", {"complaints"}, name="Petugas Lama")
    with app.app_context():
        db.session.execute(update(User).where(User.id == gone).values(active=False))
        db.session.commit()
    page = handler.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True)
    assert "Andi Pengaduan" in page and "Petugas Lama" not in page  # only active handlers offered

    assert "Penugasan diperbarui." in act(handler, ticket, "penugasan", handler=str(me))
    assert snapshot(app, ticket)["assigned_to_id"] == me
    before, audited = snapshot(app, ticket), actions(app)
    for bad in (str(user_id(app, ROLE_EMAILS["gratification"])), str(gone), "99999", "abc", "1; DROP"):
        page = act(handler, ticket, "penugasan", handler=bad)
        assert "Petugas tidak ditemukan atau bukan anggota Tim Pengaduan." in page, bad
    assert snapshot(app, ticket) == before and actions(app) == audited
    act(handler, ticket, "penugasan", handler=str(colleague))
    assert snapshot(app, ticket)["assigned_to_id"] == colleague
    act(handler, ticket, "penugasan", handler="")
    assert snapshot(app, ticket)["assigned_to_id"] is None
    assert actions(app, ticket) == ["assign", "assign", "assign"]


# --------------------------------------------------------------------------- queue

def queue_tickets(client, query="") -> list[str]:
    html = client.get(f"/kantor/pengaduan?{query}").get_data(as_text=True)
    return re.findall(r'href="/kantor/pengaduan/(PGD-\d{4}-\d{6})"', html)


def test_queue_filters_and_search(app, handler):
    me = user_id(app, ROLE_EMAILS["complaints"])
    long_ago = date(2025, 12, 31)  # long past, whatever the clock says
    new, _ = file_complaint(app, subject="Blangko habis di Kramatwatu")
    mine, _ = file_complaint(app, category="kk", subject="Nama ibu salah ketik")
    force(app, mine, status="in_progress", assigned_to_id=me, due_on=long_ago)
    closed, _ = file_complaint(app, category="akta-lahir", subject="Akta kelahiran")
    force(app, closed, status="closed", due_on=long_ago)
    rude, _ = file_complaint(app, description="Petugas jemput bola di Desa Bugel, Padarincang, kasar kepada lansia.")

    assert set(queue_tickets(handler)) == {new, mine, closed, rude}
    assert queue_tickets(handler, "status=in_progress") == [mine]
    assert set(queue_tickets(handler, "status=open")) == {new, mine, rude}
    assert queue_tickets(handler, "category=kk") == [mine]
    assert queue_tickets(handler, "overdue=1") == [mine]   # a closed case is never overdue
    assert queue_tickets(handler, "mine=1") == [mine]
    assert queue_tickets(handler, f"q={new.lower()}") == [new]
    assert queue_tickets(handler, "q=blangko") == [new]
    assert queue_tickets(handler, "q=Padarincang") == [rude]
    assert queue_tickets(handler, "q=tidak-ada-yang-cocok") == []
    assert queue_tickets(handler, "status=in_progress&mine=1&category=kk&overdue=1") == [mine]
    html = handler.get("/kantor/pengaduan?overdue=1").get_data(as_text=True)
    assert "lewat" in html  # past its deadline: marked
    # Nonsense filter values are ignored rather than failing.
    assert set(queue_tickets(handler, "status=terbang&category=%00&page=-4")) == {new, mine, closed, rude}


def pager_link(html: str, label: str) -> str | None:
    """The query string of the pager's link with this label (None when there is none)."""
    found = re.search(r'<a href="/kantor/pengaduan\?([^"]*)"[^>]*>' + label + "</a>", html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_queue_pages_25_at_a_time_newest_first(app, handler):
    tickets = [file_complaint(app)[0] for _ in range(30)]
    first_html = handler.get("/kantor/pengaduan").get_data(as_text=True)
    first = queue_tickets(handler)
    assert pager_link(first_html, "Sebelumnya") is None
    second = queue_tickets(handler, pager_link(first_html, "Berikutnya"))
    assert first == list(reversed(tickets))[:25] and second == list(reversed(tickets))[25:]
    html = handler.get("/kantor/pengaduan?" + pager_link(first_html, "Berikutnya")).get_data(as_text=True)
    assert "Sebelumnya" in html and "Berikutnya" not in html
    assert queue_tickets(handler, pager_link(html, "Sebelumnya")) == first
    # Links of the old numbered pager still work: they land on the newest page.
    assert queue_tickets(handler, "page=abc") == first
    assert queue_tickets(handler, "page=2") == first and queue_tickets(handler, "page=999") == first
    filtered = handler.get("/kantor/pengaduan?status=unverified").get_data(as_text=True)
    assert "status=unverified" in pager_link(filtered, "Berikutnya")  # the pager keeps the filters


# --------------------------------------------------------------------------- history, audit, bad input

def test_case_page_lists_the_whole_history_and_every_action_is_audited(app, handler):
    ticket, code = file_complaint(app)
    me = user_id(app, ROLE_EMAILS["complaints"])
    act(handler, ticket, "penugasan", handler=str(me))
    act(handler, ticket, "status", status="dispositioned")
    act(handler, ticket, "catatan", visibility="internal", body="Catatan-internal-satu")
    act(handler, ticket, "catatan", visibility="public", body="Tindak-lanjut-publik-dua")
    act(handler, ticket, "catatan", visibility="answer", body="Jawaban-akhir-tiga")
    act(handler, ticket, "status", status="completed")
    assert rate(app, ticket, code, "5").status_code == 200
    act(handler, ticket, "status", status="closed", reason="Alasan-tutup-empat")

    html = handler.get(f"/kantor/pengaduan/{ticket}").get_data(as_text=True)
    history = html[html.index('id="riwayat"'):]
    expected = ["Diterima", "Ditugaskan", "Belum Terverifikasi → Terdisposisi", "Catatan-internal-satu",
                "Tindak-lanjut-publik-dua", "Terdisposisi - Belum Ditindaklanjuti → Sedang Diproses",
                "Jawaban-akhir-tiga", "Sedang Diproses → Selesai", "Dinilai pelapor", "Selesai → Ditutup",
                "Alasan-tutup-empat"]
    positions = [history.find(text) for text in expected]
    assert -1 not in positions, dict(zip(expected, positions))
    assert positions == sorted(positions)

    assert actions(app, ticket) == ["assign", "status_change", "note_add", "followup_add", "answer_add",
                                    "status_change", "status_change"]
    with app.app_context():
        views = db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "case_view", AuditEntry.case_ref == ticket))
        assert views == 8  # each case page shown above
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.case_ref == ticket)).all()
        assert {e.actor_id for e in entries} == {me} and {e.channel for e in entries} == {"complaints"}
        # The trail holds codes, never what anyone wrote.
        assert not any("Catatan-internal" in (e.detail or "") or "Alasan-tutup" in (e.detail or "") for e in entries)
        assert audit.verify().ok


@pytest.mark.parametrize("path, data, message", [
    ("status", {"status": "terbang"}, "Status tidak dikenal."),
    ("status", {"status": ""}, "Status tidak dikenal."),
    ("status", {"status": "closed", "reason": "tutup"}, "Perpindahan dari «Belum Terverifikasi» ke «Ditutup» tidak diizinkan."),
    ("status", {"status": "archived", "reason": ""}, "Alasan wajib diisi untuk status «Arsip»."),
    ("status", {"status": "archived", "reason": "x" * 2001}, "Terlalu panjang: maksimal 2000 karakter"),
    ("status", {"status": "archived", "reason": "duplikat\x00"}, "Mengandung karakter yang tidak diizinkan."),
    ("catatan", {"visibility": "internal", "body": "   "}, "Wajib diisi."),
    ("catatan", {"visibility": "rahasia", "body": "isi catatan"}, "Pilih jenis catatan."),
    ("catatan", {"body": "isi catatan"}, "Pilih jenis catatan."),
    ("catatan", {"visibility": "public", "body": "y" * 10_001}, "Terlalu panjang: maksimal 10000 karakter"),
    ("penugasan", {"handler": "-1"}, "Petugas tidak ditemukan"),
])
def test_bad_input_on_case_forms_gets_a_message_and_saves_nothing(app, handler, path, data, message):
    ticket, _code = file_complaint(app)
    before, audited = snapshot(app, ticket), actions(app)
    page = act(handler, ticket, path, **data)
    assert message in page
    assert 'class="notice notice-danger"' in page
    assert snapshot(app, ticket) == before and actions(app) == audited


def test_no_public_follow_up_on_a_closed_case(app, handler):
    ticket, _code = file_complaint(app)
    act(handler, ticket, "status", status="archived", reason="Duplikat dari pengaduan lain.")
    before = snapshot(app, ticket)
    assert "sudah ditutup" in act(handler, ticket, "catatan", visibility="public", body="Tambahan")
    assert snapshot(app, ticket) == before
    act(handler, ticket, "catatan", visibility="internal", body="Arsip dicek ulang.")  # internal notes still allowed
    assert snapshot(app, ticket)["events"][-1][:2] == ("note", False)


# --------------------------------------------------------------------------- deadline digest

WEDNESDAY = date(2026, 3, 4)  # 5 March is a working day; 3 March the day before


def test_digest_mails_each_handler_counts_only(app_factory, smtp_server):
    app = app_factory(MAIL_PORT=smtp_server.port)
    accounts = Accounts(app)
    handler = accounts.create(ROLE_EMAILS["complaints"], {"complaints"}, name="Siti Handler")
    colleague = accounts.create("rahmat@serangkab.go.id", {"complaints", "leader"})
    away = accounts.create("cuti@serangkab.go.id", {"complaints"})
    accounts.create(ROLE_EMAILS["gratification"], {"gratification"})
    accounts.create(ROLE_EMAILS["admin"], {"admin"})
    with app.app_context():
        db.session.execute(update(User).where(User.id == away).values(active=False))
        db.session.commit()
    secret_subject, secret_words = "Pungli di loket akta", "Petugas loket minta Rp150.000 biar cepat"
    cases = [  # (due_on, assigned, status)
        (WEDNESDAY - timedelta(days=1), handler, "in_progress"),
        (WEDNESDAY - timedelta(days=8), handler, "dispositioned"),
        (WEDNESDAY, handler, "unverified"),
        (WEDNESDAY + timedelta(days=1), handler, "pending"),
        (WEDNESDAY, None, "unverified"),
        (WEDNESDAY + timedelta(days=1), None, "unverified"),
        (WEDNESDAY + timedelta(days=1), None, "unverified"),
        (WEDNESDAY - timedelta(days=1), handler, "closed"),       # finished: never counted
        (WEDNESDAY + timedelta(days=9), handler, "in_progress"),  # not due yet
    ]
    tickets = []
    for due_on, assigned, status in cases:
        ticket, _code = file_complaint(app, subject=secret_subject, description=secret_words + " di Cikande.",
                                       email=None)
        force(app, ticket, due_on=due_on, assigned_to_id=assigned, status=status)
        tickets.append(ticket)

    result = app.test_cli_runner().invoke(args=["cases", "digest", "--date", WEDNESDAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "queued=2 sent=2 failed=0" in result.output

    mails = {tuple(m.rcpt_tos): message_from_bytes(m.content) for m in smtp_server.messages}
    assert set(mails) == {(ROLE_EMAILS["complaints"],), ("rahmat@serangkab.go.id",)}
    mine = mails[(ROLE_EMAILS["complaints"],)].get_payload(decode=True).decode()
    theirs = mails[("rahmat@serangkab.go.id",)].get_payload(decode=True).decode()
    assert "Lewat tenggat, ditugaskan kepada Anda: 2" in mine
    assert "Jatuh tempo hari ini, ditugaskan kepada Anda: 1" in mine
    assert re.search(r"Jatuh tempo hari kerja berikutnya \(5 Mar 2026\), ditugaskan kepada Anda: 1", mine)
    assert "Jatuh tempo hari ini, belum ditugaskan: 1" in mine
    assert re.search(r"Jatuh tempo hari kerja berikutnya \(5 Mar 2026\), belum ditugaskan: 2", mine)
    assert "Lewat tenggat, ditugaskan kepada Anda: 0" in theirs  # the colleague sees the unassigned ones
    assert "Jatuh tempo hari ini, belum ditugaskan: 1" in theirs
    for body in (mine, theirs):
        assert "Pengaduan" in body and "http://portal.test/kantor/" in body
        assert secret_subject not in body and "Rp150.000" not in body and "Cikande" not in body
        assert not any(ticket in body for ticket in tickets)
        assert "Siti" not in body  # no names either
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_digest_sends_nothing_when_nothing_is_due(app_factory, smtp_server):
    app = app_factory(MAIL_PORT=smtp_server.port)
    Accounts(app).create(ROLE_EMAILS["complaints"], {"complaints"})
    result = app.test_cli_runner().invoke(args=["cases", "digest"])
    assert result.exit_code == 0 and "queued=0" in result.output
    assert smtp_server.messages == []


def test_digest_sections_are_a_registry_other_channels_join(app):
    from portal.backoffice import digest

    def gratification_lines(user, today):
        return [("Laporan gratifikasi jatuh tempo hari ini", 3)] if user.has_role("gratification") else []

    digest.SECTIONS.append(("Gratifikasi", gratification_lines))
    try:
        Accounts(app).create(ROLE_EMAILS["gratification"], {"gratification"})
        with app.test_request_context():
            user = db.session.scalar(select(User).where(User.email == ROLE_EMAILS["gratification"]))
            subject, body = digest.compose(user, WEDNESDAY)
        assert "Ringkasan tenggat kasus" in subject
        assert "Gratifikasi\n  Laporan gratifikasi jatuh tempo hari ini: 3" in body
        assert "Pengaduan" not in body
    finally:
        digest.SECTIONS.remove(("Gratifikasi", gratification_lines))
