"""IPAK and IPKP perception surveys on the SKM engine: questions from the install (migration),
public forms that refuse bad answers, the index by the IKM formula, and admin edits of the set."""
from __future__ import annotations

import re
from datetime import date

import pytest

from staff import csrf

SEEDED_IPKP_FIRST = "Informasi tentang pelayanan mudah diperoleh"


@pytest.fixture
def answered_on(monkeypatch):
    monkeypatch.setattr("portal.surveys.perception.local_today", lambda: date(2026, 3, 10))
    monkeypatch.setattr("portal.reports.periods.office_today", lambda: date(2026, 3, 20))


def question_ids(page: str) -> list[int]:
    return sorted({int(i) for i in re.findall(r'name="q(\d+)"', page)})


def send(client, survey: str, scores: dict[int, object]):
    page = client.get(f"/survei/{survey}").get_data(as_text=True)
    data = {"csrf_token": csrf(page), "website": "", **{f"q{qid}": str(v) for qid, v in scores.items()}}
    return client.post(f"/survei/{survey}", data=data)


def test_public_forms_ask_the_installed_questions_and_refuse_bad_answers(app, client, as_role):
    ipkp = client.get("/survei/ipkp").get_data(as_text=True)
    assert SEEDED_IPKP_FIRST in ipkp and "Sangat setuju" in ipkp
    assert len(question_ids(ipkp)) == 8
    assert len(question_ids(client.get("/survei/ipak").get_data(as_text=True))) == 6
    assert client.get("/survei/ipxx").status_code == 404

    ids = question_ids(ipkp)
    missing = send(client, "ipkp", {qid: 4 for qid in ids[1:]})
    assert missing.status_code == 422 and "Wajib dijawab" in missing.get_data(as_text=True)
    out_of_scale = send(client, "ipkp", {**{qid: 4 for qid in ids}, ids[0]: 5})
    assert out_of_scale.status_code == 422 and "1 sampai 4" in out_of_scale.get_data(as_text=True)
    page = as_role("complaints").get("/kantor/survei/persepsi").get_data(as_text=True)
    assert re.search(r'id="indeks-ipkp">[^<]*responden 0 ', page)


def test_index_is_the_ikm_formula_and_follows_the_admins_edits(app, client, as_role, answered_on):
    ids = question_ids(client.get("/survei/ipkp").get_data(as_text=True))
    assert send(client, "ipkp", {qid: 4 for qid in ids}).status_code == 200
    assert send(client, "ipkp", {**{qid: 3 for qid in ids}, ids[0]: 1}).status_code == 200
    # 8 questions, 2 respondents: Σ = 32 + (7 × 3 + 1) = 54 → index 54 ÷ 16 = 3.375; × 25 = 84.375 → 84.38.
    team = as_role("complaints")
    page = team.get("/kantor/survei/persepsi").get_data(as_text=True)
    assert re.search(r'id="indeks-ipkp">Semester I 2026: responden 2 · indeks \(1–4\) 3.375 · nilai konversi 84.38<',
                     page), page
    assert team.post(f"/kantor/survei/persepsi/pertanyaan/{ids[0]}",
                     data={"csrf_token": csrf(page), "text": "x", "active": ""}).status_code == 403

    admin = as_role("admin")
    page = admin.get("/kantor/survei/persepsi").get_data(as_text=True)
    token = csrf(page)
    # Retire the first question and reword the second: the form and the index change with them.
    assert admin.post(f"/kantor/survei/persepsi/pertanyaan/{ids[0]}",
                      data={"csrf_token": token, "text": SEEDED_IPKP_FIRST + ".", "active": ""}).status_code == 302
    assert admin.post(f"/kantor/survei/persepsi/pertanyaan/{ids[1]}",
                      data={"csrf_token": token, "text": "Persyaratan pelayanan jelas dan tidak berubah-ubah.",
                            "active": "1"}).status_code == 302
    assert admin.post("/kantor/survei/persepsi/ipkp", data={"csrf_token": token, "text": "  "}).status_code == 422
    assert admin.post("/kantor/survei/persepsi/ipkp",
                      data={"csrf_token": token, "text": "Hasil pelayanan sesuai dengan yang diminta."}).status_code == 302
    form = client.get("/survei/ipkp").get_data(as_text=True)
    assert SEEDED_IPKP_FIRST not in form and "tidak berubah-ubah" in form and "Hasil pelayanan sesuai" in form
    assert len(question_ids(form)) == 8 and ids[0] not in question_ids(form)
    # Active now: the 7 answered questions (each NRR = (4 + 3) ÷ 2 = 3.5) and the new one nobody has
    # answered yet, which has no NRR and stays out: index 7 × 3.5 ÷ 7 = 3.500; × 25 = 87.50.
    page = team.get("/kantor/survei/persepsi").get_data(as_text=True)
    assert "responden 2 · indeks (1–4) 3.500 · nilai konversi 87.50<" in page
    # A third respondent answers the new set: the new question gets an NRR of its own (1 ÷ 1 = 1).
    ids = question_ids(form)
    assert send(client, "ipkp", {**{qid: 4 for qid in ids}, ids[-1]: 1}).status_code == 200
    # Six kept questions: (4 + 3 + 4) ÷ 3 = 11/3 each; reworded ids[1]: same 11/3; new one: 1.
    # Index = (7 × 11/3 + 1) ÷ 8 = (77/3 + 3/3) ÷ 8 = 80/24 = 3.3333 → 3.333; × 25 = 83.333… → 83.33.
    page = team.get("/kantor/survei/persepsi").get_data(as_text=True)
    assert "responden 3 · indeks (1–4) 3.333 · nilai konversi 83.33<" in page


def test_question_for_an_unknown_survey_is_refused(app, as_role):
    admin = as_role("admin")
    token = csrf(admin.get("/kantor/survei/persepsi").get_data(as_text=True))
    response = admin.post("/kantor/survei/persepsi/skm", data={"csrf_token": token, "text": "Pertanyaan baru."})
    assert response.status_code == 422 and "Survei tidak dikenal" in response.get_data(as_text=True)
