"""Ticket allocation under concurrent submissions: distinct tickets, no errors, on both databases."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint

from samples import COMPLAINT as GOOD


def test_64_concurrent_submissions_get_64_distinct_tickets(app):
    def submit(i):
        client = app.test_client()
        response = client.post("/api/v1/complaints", json=dict(GOOD, subject=f"Pengaduan {i}"))
        return response.status_code, (response.get_json() or {}).get("ticket")

    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(submit, range(64)))
    statuses = [status for status, _ in results]
    tickets = [ticket for _, ticket in results]
    assert statuses == [201] * 64
    assert len(set(tickets)) == 64
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 64
        numbers = sorted(int(t.rsplit("-", 1)[1]) for t in db.session.scalars(select(Complaint.ticket)))
        assert numbers == list(range(numbers[0], numbers[0] + 64))  # no gaps, no repeats


def test_concurrent_double_click_with_one_key_stores_once(app):
    headers = {"Idempotency-Key": "double-click-0123456789abcdef"}

    def submit(_):
        response = app.test_client().post("/api/v1/complaints", json=GOOD, headers=headers)
        return response.status_code, response.get_json()["ticket"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(submit, range(8)))
    assert sorted(status for status, _ in results) == [200] * 7 + [201]
    assert len({ticket for _, ticket in results}) == 1
