"""The citizen's status page: the office's final answer is labelled "Jawaban resmi" and shown first;
the citizen's rating shows as a rating (stars, score and comment), not as an empty card."""
from __future__ import annotations

import html as html_lib
import re

import pytest

from samples import COMPLAINT
from staff import csrf

ANSWER = "KTP-el Anda sudah dicetak dan dapat diambil di UPT Kramatwatu mulai Senin."
FOLLOW_UP = "Kami sudah menghubungi UPT Kramatwatu tentang blangko."
COMMENT = "Petugas ramah, tetapi menunggu terlalu lama."


@pytest.fixture
def handler(as_role):
    client = as_role("complaints")
    client.token = csrf(client.get("/kantor/pengaduan").get_data(as_text=True))
    return client


def _act(client, ticket, path, **data):
    response = client.post(f"/kantor/pengaduan/{ticket}/{path}", data={"csrf_token": client.token, **data})
    assert response.status_code == 303


def _citizen(app):
    citizen = app.test_client()
    citizen.token = csrf(citizen.get("/pengaduan/status").get_data(as_text=True))
    return citizen


def _status_page(app, ticket, code) -> str:
    citizen = _citizen(app)
    response = citizen.post("/pengaduan/status", data={"csrf_token": citizen.token, "ticket": ticket,
                                                       "access_code": code})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _items(page: str) -> list[str]:
    timeline = page[page.index('class="timeline"'):]
    return [" ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", li)).split())
            for li in re.findall(r"<li>(.*?)</li>", timeline, re.S)]


def test_final_answer_is_labelled_and_shown_first_and_rating_is_a_rating(app, handler):
    body = app.test_client().post("/api/v1/complaints", json=COMPLAINT).get_json()
    ticket, code = body["ticket"], body["access_code"]
    _act(handler, ticket, "status", status="dispositioned", reason="")
    _act(handler, ticket, "catatan", visibility="public", body=FOLLOW_UP)
    _act(handler, ticket, "catatan", visibility="answer", body=ANSWER)
    _act(handler, ticket, "status", status="completed", reason="")

    page = _status_page(app, ticket, code)
    assert "Jawaban resmi" in page
    # First on the page: before the status facts and the history, under its own heading.
    answer_at = page.index(ANSWER)
    assert page.index("Jawaban resmi") < answer_at < page.index("Riwayat tindak lanjut")
    assert answer_at < page.index(FOLLOW_UP)
    assert any(item.startswith(tuple("0123456789")) and "Jawaban resmi" in item and ANSWER in item
               for item in _items(page))
    api = app.test_client().get(f"/api/v1/complaints/{ticket}", headers={"X-Access-Code": code}).get_json()
    assert api["answer"] == ANSWER

    citizen = _citizen(app)
    rated = citizen.post("/pengaduan/status/nilai", data={"csrf_token": citizen.token, "ticket": ticket,
                                                          "access_code": code, "rating": "4", "comment": COMMENT})
    assert rated.status_code == 200
    page = _status_page(app, ticket, code)
    rating_items = [item for item in _items(page) if "Penilaian Anda" in item]
    assert len(rating_items) == 1
    assert "★★★★☆" in rating_items[0] and "4 dari 5" in rating_items[0] and COMMENT in rating_items[0]
    # No history entry is left with a date and nothing else.
    assert not [item for item in _items(page) if re.fullmatch(r"[\d\s\w]+ \d{4}(,? [\d.:]+( WIB)?)?", item)]


def test_answer_heading_in_english(app, handler):
    body = app.test_client().post("/api/v1/complaints", json=COMPLAINT).get_json()
    _act(handler, body["ticket"], "status", status="dispositioned", reason="")
    _act(handler, body["ticket"], "catatan", visibility="answer", body=ANSWER)
    citizen = _citizen(app)
    citizen.get("/bahasa/en")
    token = csrf(citizen.get("/pengaduan/status").get_data(as_text=True))
    page = citizen.post("/pengaduan/status", data={"csrf_token": token, "ticket": body["ticket"],
                                                   "access_code": body["access_code"]}).get_data(as_text=True)
    assert "Official answer" in page and page.index("Official answer") < page.index(ANSWER)
