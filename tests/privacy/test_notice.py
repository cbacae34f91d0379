"""The privacy notice is generated from what the code enforces: a retention setting the admin
changes is the period the notice states and the one the purge applies; the officer comes from the
settings; who sees a channel is the role its back office requires."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from portal import settings
from portal.backoffice.admin import ROLE_LABELS
from portal.extensions import db
from portal.models import Complaint, User
from portal.privacy import retention
from portal.privacy.channels import CHANNELS

from privacy_helpers import SITI, submit_complaint

TODAY = date(2026, 11, 1)


def _admin() -> User:
    return db.session.scalar(select(User).where(User.roles_csv == "admin"))


def _retention_items(page: str) -> list[str]:
    block = re.search(r'<ul id="pdp-retensi">(.*?)</ul>', page, re.S).group(1)
    return [" ".join(item.split()) for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def test_a_changed_retention_setting_is_the_period_the_notice_states_and_the_purge_applies(app, client, staff,
                                                                                          monkeypatch):
    monkeypatch.setattr("portal.privacy.retention.local_today", lambda: TODAY)
    before = _retention_items(client.get("/privasi").get_data(as_text=True))
    assert len(before) == len(retention.RULES) + 1
    assert "1825 hari" in before[0] and "730 hari" in before[1]
    ticket, _ = submit_complaint(app, SITI)
    with app.app_context():
        row = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        row.status, row.closed_on = "completed", date(2026, 6, 1)  # 153 days before TODAY
        db.session.commit()
    dry = app.test_cli_runner().invoke(args=["privacy", "purge", "--dry-run"])
    assert "akan dihapus: 0 kasus" in dry.output  # 1825 days: kept

    with app.test_request_context():
        settings.save("COMPLAINTS_RETENTION_DAYS", "120", _admin())
    after = _retention_items(client.get("/privasi").get_data(as_text=True))
    assert "120 hari" in after[0] and "1825 hari" not in after[0]
    assert after[1:] == before[1:]
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert f"{ticket}\tcomplaints\tcompleted" in result.output and "retensi 120 hari" in result.output
    with app.app_context():
        assert db.session.scalar(select(Complaint.name).where(Complaint.ticket == ticket)) in (None, "[dihapus]")


def test_the_officer_and_the_access_list_come_from_settings_and_roles(app, client, staff):
    page = client.get("/privasi").get_data(as_text=True)
    assert "contoh" not in page and 'id="pdp-nama"' not in page and 'id="pdp-telepon"' not in page
    for channel in CHANNELS.values():
        assert f"{channel.label} dapat dilihat oleh setiap petugas yang memiliki peran {ROLE_LABELS[channel.role]}" \
            in page.replace("&#34;", '"').replace("&#39;", "'")
    assert "Pasal 20 ayat (2) huruf e" in page
    with app.test_request_context():
        for key, value in (("PDP_OFFICER_NAME", "Dewi Lestari"), ("PDP_OFFICER_UNIT", "Sekretaris Dinas"),
                           ("PDP_OFFICER_PHONE", "(0254) 123456"), ("PDP_OFFICER_EMAIL", "pdp@dukcapil.serangkab.go.id")):
            settings.save(key, value, _admin())
    page = client.get("/privasi").get_data(as_text=True)
    assert re.search(r'id="pdp-nama">Dewi Lestari<', page)
    assert re.search(r'id="pdp-jabatan">Sekretaris Dinas<', page)
    assert re.search(r'id="pdp-telepon">\(0254\) 123456<', page)
    assert re.search(r'id="pdp-email"[^>]*>.*pdp@dukcapil\.serangkab\.go\.id', page)
