"""Long tables are paged (?halaman=N, no JavaScript) on the public report page and the draft page;
lists and the home page load only the metadata of reports, in one query, even after a correction."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.reports import render
from publish_support import Publisher

import report_dataset

pytestmark = pytest.mark.usefixtures("periods_ended")

MONTH = "2026-10"


@pytest.fixture
def pub(app, as_role):
    return Publisher(app, as_role)


def _t6_tickets(app) -> list[str]:
    with app.app_context():
        from portal.reports import build_report
        return [r["ticket"] for r in build_report("complaints", MONTH).as_dict()["tables"]["t6"]["rows"]]


def test_long_table_is_paged_on_the_report_and_draft_pages(app, pub, client, monkeypatch):
    report_dataset.load(app)
    monkeypatch.setattr(render, "PAGE_ROWS", 2)
    tickets = _t6_tickets(app)
    assert len(tickets) >= 3, "the dataset needs a T6 of several rows"
    pages = -(-len(tickets) // 2)
    draft = pub.draft_id(pub.prepare("complaints", MONTH))
    draft_page = pub.client("leader").get(f"/kantor/laporan/draf/{draft}?halaman=2").get_data(as_text=True)
    assert tickets[2] in draft_page and tickets[0] not in draft_page
    report_id = int(re.search(r"/laporan/(\d+)$", pub.approve(draft).headers["Location"])[1])

    first = client.get(f"/laporan/{report_id}").get_data(as_text=True)
    assert tickets[0] in first and tickets[1] in first and tickets[2] not in first
    assert 'href="?halaman=2#tabel-t6"' in first
    assert f"Halaman 1 dari {pages}" in first
    second = client.get(f"/laporan/{report_id}?halaman=2").get_data(as_text=True)
    assert tickets[2] in second and tickets[0] not in second
    assert 'href="?halaman=1#tabel-t6"' in second
    # Not a number, or beyond the last page: the first, resp. the last page (never an error).
    for odd in ("abc", "0", "-1", "²", "1e3"):
        page = client.get(f"/laporan/{report_id}?halaman={odd}")
        assert page.status_code == 200 and tickets[0] in page.get_data(as_text=True), odd
    last = client.get(f"/laporan/{report_id}?halaman=99999").get_data(as_text=True)
    assert tickets[-1] in last and f"Halaman {pages} dari {pages}" in last
    # The other tables are whole on every page.
    assert "T1." in second and "T5." in second


@contextmanager
def statements(app):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_lists_load_no_stored_files_even_after_a_correction(app, pub, client):
    first = pub.publish("gratification", MONTH)
    second = pub.publish("gratification", MONTH, correction="Satu laporan penerimaan tercatat pada bulan yang salah.")
    for url in ("/", "/laporan", f"/laporan/{first}", "/api/v1/reports", "/laporan/feed.atom"):
        with statements(app) as seen:
            page = client.get(url)
        assert page.status_code == 200, url
        about_reports = [s for s in seen if "published_reports" in s]
        assert about_reports, url
        for name in ("pdf_data", "xlsx_data", "csv_data"):
            assert not [s for s in about_reports if name in s], (url, name)
        if url in ("/", "/laporan", "/api/v1/reports", "/laporan/feed.atom"):
            assert len(about_reports) == 1, (url, about_reports)
            assert not [s for s in about_reports if "snapshot" in s or "body_html" in s], url
    home = client.get("/").get_data(as_text=True)
    assert f'href="/laporan/{second}"' in home and f'href="/laporan/{first}"' not in home
    old = client.get(f"/laporan/{first}").get_data(as_text=True)
    assert f'href="/laporan/{second}"' in old and "diganti oleh versi 2" in old
