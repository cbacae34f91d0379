"""The complaint queue at scale (issue 20, portal.casequery): a ticket goes to the unique index, words
to the database's full-text index (SQLite FTS5 / PostgreSQL tsvector + GIN), which follows the case's
text as it changes and holds nothing of the reporter's identity; pages are keyset pages (no OFFSET)
whose links visit every case once, newest first, with and without filters."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, update

from portal import casequery
from portal.backoffice import casedesk
from portal.extensions import db
from portal.models import Complaint

from samples import COMPLAINT

TICKETS = re.compile(r'href="/kantor/pengaduan/(PGD-\d{4}-\d{6})"')


def file_complaint(app, **changes) -> tuple[str, str]:
    body = app.test_client().post("/api/v1/complaints", json={**COMPLAINT, **changes}).get_json()
    return body["ticket"], body["access_code"]


def force(app, ticket, **values) -> None:
    """Change a case's row behind the services' back (as an erasure or a repair script would)."""
    with app.app_context():
        db.session.execute(update(Complaint).where(Complaint.ticket == ticket).values(**values))
        db.session.commit()


def page_of(client, query: str) -> str:
    return client.get(f"/kantor/pengaduan?{query}").get_data(as_text=True)


def queue_tickets(client, query="") -> list[str]:
    return TICKETS.findall(page_of(client, query))


def pager_link(html: str, label: str) -> str | None:
    found = re.search(r'<a href="/kantor/pengaduan\?([^"]*)"[^>]*>' + label + "</a>", html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def handler(as_role):
    return as_role("complaints")


def test_a_ticket_is_found_exactly_and_only_through_the_ticket(app, handler):
    ticket, _ = file_complaint(app, subject="Antrean KTP")
    quoting, _ = file_complaint(app, description=f"Menyusul laporan {ticket} yang belum dijawab sama sekali.")
    assert queue_tickets(handler, f"q={ticket}") == [ticket]
    assert queue_tickets(handler, f"q=%20{ticket.lower()}%20") == [ticket]
    with app.test_request_context():
        clause = str(casequery.complaint_search(Complaint, ticket).compile(db.engine))
    assert "LIKE" not in clause.upper() and " OR " not in clause.upper() and "ticket" in clause
    # A ticket-looking text that is no ticket of ours finds nothing, not its mentions.
    assert queue_tickets(handler, "q=PGD-1999-000001") == []
    assert quoting != ticket


def test_words_are_found_in_subject_and_description_not_in_the_identity(app, handler):
    road, _ = file_complaint(app, subject="Jalan rusak di Cikande", description="Lubang besar depan kantor kelurahan.")
    queue, _ = file_complaint(app, subject="Antrean panjang", description="Loket Disdukcapil buka terlambat, antre sejak subuh.")
    file_complaint(app, subject="Lain", description="Hal lain sama sekali.", name="Rahmawati Cikande")
    assert queue_tickets(handler, "q=rusak") == [road]
    assert queue_tickets(handler, "q=KELURAHAN") == [road]           # case does not matter
    assert queue_tickets(handler, "q=kelurah") == [road]             # a word's beginning is enough
    assert queue_tickets(handler, "q=loket+subuh") == [queue]        # every word must occur
    assert queue_tickets(handler, "q=loket+rusak") == []
    assert queue_tickets(handler, "q=Cikande") == [road]             # the reporter's name is not searched
    assert queue_tickets(handler, "q=siti") == []                    # nor the sample's encrypted name
    assert queue_tickets(handler, "q=%22%29%28*+OR+NEAR") == []      # search syntax is plain words
    assert queue_tickets(handler, "q=%25%25%25") == []
    html = handler.get("/kantor/pengaduan?q=rusak&category=ktp-el").get_data(as_text=True)
    assert "Pencarian mencakup nomor tiket (persis), judul dan isi pengaduan" in html
    assert TICKETS.findall(html) == [road]
    assert "<p>1 pengaduan</p>" in page_of(handler, "q=rusak") and "<p>0 pengaduan</p>" in page_of(handler, "q=zzqxw")
    assert "<p>1 pengaduan</p>" in page_of(handler, "q=loket&status=unverified")


def test_a_changed_text_is_found_by_its_new_words_only(app, handler):
    ticket, _ = file_complaint(app, subject="Pungutan liar", description="Diminta uang pelicin di loket.")
    assert queue_tickets(handler, "q=pelicin") == [ticket]
    force(app, ticket, subject="Disunting", description="Isi diganti oleh petugas karena memuat data pribadi.")
    assert queue_tickets(handler, "q=pelicin") == []
    assert queue_tickets(handler, "q=pungutan") == []
    assert queue_tickets(handler, "q=disunting+pribadi") == [ticket]
    with app.app_context():
        db.session.query(Complaint).filter(Complaint.ticket == ticket).delete()
        db.session.commit()
    assert queue_tickets(handler, "q=disunting") == []


def walk(handler, start: str, label: str) -> list[list[str]]:
    """Follow the pager's `label` links from `start`; the tickets of every page visited."""
    pages, query = [], start
    while query is not None and len(pages) < 20:
        html = page_of(handler, query)
        pages.append(TICKETS.findall(html))
        query = pager_link(html, label)
    return pages


def test_keyset_pages_visit_every_case_once_in_order_without_offset(app, handler, monkeypatch):
    monkeypatch.setattr(casedesk, "PER_PAGE", 4)
    tickets = [file_complaint(app, category="kk" if i % 3 else "ktp-el")[0] for i in range(11)]
    newest_first = list(reversed(tickets))

    statements = []
    with app.app_context():
        listener = lambda conn, cursor, statement, params, *rest: statements.append((statement, params))  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
    try:
        forward = walk(handler, "", "Berikutnya")
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", listener)
    assert [len(p) for p in forward] == [4, 4, 3]
    assert sum(forward, []) == newest_first
    # SQLAlchemy writes SQLite's LIMIT as `LIMIT ? OFFSET ?` and casequery fences small PostgreSQL
    # results with `OFFSET 0`: no page ever skips rows by an offset.
    offsets = [params[-1] if isinstance(params, (tuple, list)) else re.search(r"OFFSET (\w+)", statement.upper())[1]
               for statement, params in statements if "OFFSET" in statement.upper()]
    assert len(statements) > 3 and set(offsets) <= {0, "0"}

    backward = walk(handler, "terakhir=1", "Sebelumnya")
    assert [len(p) for p in backward] == [4, 4, 3]
    assert backward[0] == newest_first[-4:] and sum(reversed(backward), []) == newest_first

    # With a filter, the links keep it and still visit every matching case once, in order.
    kk = [t for t in newest_first if t in {tickets[i] for i in range(11) if i % 3}]
    assert sum(walk(handler, "category=kk", "Berikutnya"), []) == kk
    # A cursor from a stale link or a stranger is just a place in the order.
    assert queue_tickets(handler, "setelah=abc") == newest_first[:4]
    assert queue_tickets(handler, "setelah=1") == []
    assert queue_tickets(handler, "sebelum=999999999") == []


def test_the_queue_stays_for_its_role_only(app, as_role):
    file_complaint(app)
    for role in ("gratification", "wbs", "admin"):
        client = as_role(role)
        for query in ("", "?setelah=5", "?terakhir=1", "?q=ktp"):
            assert client.get(f"/kantor/pengaduan{query}").status_code == 403, (role, query)
    assert app.test_client().get("/kantor/pengaduan?terakhir=1").status_code in (302, 303)


def test_upgrade_indexes_the_cases_already_there(app):
    """Migration 0017 on an office with cases: they are found by their words right after it."""
    import flask_migrate
    from alembic.script import ScriptDirectory
    from sqlalchemy import select

    ticket, _ = file_complaint(app, subject="Sebelum pembaruan")
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        flask_migrate.downgrade(revision=script.get_revision("0019_search").down_revision)
        db.session.execute(update(Complaint).where(Complaint.ticket == ticket)
                           .values(description="Uraian yang ditulis ketika pencarian belum ada."))
        db.session.commit()
        flask_migrate.upgrade()

        def found(words: str) -> list[str]:
            return list(db.session.scalars(select(Complaint.ticket).where(casequery.complaint_search(Complaint, words))))
        assert found("ketika pencarian") == [ticket]
        assert found("pembaruan") == [ticket]
        assert found("Kramatwatu") == []  # the sample's first description, replaced before the upgrade


def test_a_common_word_says_more_than_the_cap_and_still_pages_through_every_match(app, handler, monkeypatch):
    monkeypatch.setattr(casequery, "COUNT_CAP", 3)
    monkeypatch.setattr(casedesk, "PER_PAGE", 2)
    blangko = [file_complaint(app, subject="Blangko kosong" if i < 3 else "Blangko habis")[0] for i in range(5)]
    other, _ = file_complaint(app, subject="Antrean panjang", description="Loket buka terlambat.")
    html = page_of(handler, "q=blangko")
    assert "<p>Lebih dari 3 pengaduan</p>" in html
    assert sum(walk(handler, "q=blangko", "Berikutnya"), []) == list(reversed(blangko))
    assert sum(reversed(walk(handler, "q=blangko&terakhir=1", "Sebelumnya")), []) == list(reversed(blangko))
    # At or under the cap the count is exact; filters and the whole queue are always counted exactly.
    assert "<p>3 pengaduan</p>" in page_of(handler, "q=kosong")
    assert "<p>1 pengaduan</p>" in page_of(handler, "q=antrean")
    assert "<p>6 pengaduan</p>" in page_of(handler, "")
    assert other not in sum(walk(handler, "q=blangko", "Berikutnya"), [])
