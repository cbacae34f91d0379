"""The first-run checklist on the admin's dashboard: a new instance's admin sees what is still
to do (accounts per role, WBS recovery key, SK, handlers' key pairs, holidays, SLAs), each step
ticks once done through the real pages and commands, and other roles' landing page is unchanged."""
from __future__ import annotations

import re

import pyotp
import pytest

from staff import PASSWORD, ROLE_EMAILS, csrf
from wbs_helpers import Team

STEPS = ("accounts", "recovery_key", "decree", "handlers", "holidays", "sla")


def checklist_state(client) -> dict[str, str]:
    html = client.get("/kantor/").get_data(as_text=True)
    return dict(re.findall(r'<li id="periksa-(\w+)" class="(done|todo)">', html))


def post(client, url, data=None):
    page = client.get("/kantor/admin/pengguna").get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf(page), **(data or {})})


@pytest.fixture
def admin(app, accounts):
    """The first admin of a fresh instance, and nobody else."""
    accounts.create(ROLE_EMAILS["admin"], {"admin"})
    return accounts.login(app.test_client(), ROLE_EMAILS["admin"])


def create_account(runner, accounts, role: str) -> None:
    """`flask --app wsgi users create`, as the README tells the admin."""
    email = ROLE_EMAILS[role]
    result = runner.invoke(args=["users", "create", "--email", email, "--name", role.title(), "--role", role,
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    accounts.secrets[email] = pyotp.parse_uri(result.output.strip().splitlines()[-1]).secret


def test_fresh_admin_sees_every_step_unticked_with_its_link(admin):
    html = admin.get("/kantor/").get_data(as_text=True)
    assert "Daftar periksa pemasangan pertama" in html
    assert "tidak menangani kanal laporan" not in html
    assert checklist_state(admin) == {step: "todo" for step in STEPS}
    for link in ("/kantor/admin/pengguna", "/kantor/wbs/tim", "/kantor/admin/libur", "/kantor/admin/sla"):
        assert f'href="{link}"' in html
    assert "wbs recovery-key" in html


def test_each_step_done_through_the_real_pages_and_commands_ticks(app, admin, accounts, runner):
    for role in ("complaints", "gratification", "wbs"):
        create_account(runner, accounts, role)
    assert checklist_state(admin)["accounts"] == "todo"  # the leader is still missing
    create_account(runner, accounts, "leader")
    assert checklist_state(admin)["accounts"] == "done"

    result = runner.invoke(args=["wbs", "recovery-key"])
    assert result.exit_code == 0, result.output
    assert checklist_state(admin)["recovery_key"] == "done"

    team = admin.get("/kantor/wbs/tim").get_data(as_text=True)
    user_id = re.search(r'name="user_id" value="(\d+)"', team).group(1)
    response = admin.post("/kantor/wbs/tim/sk", data={"csrf_token": csrf(team), "sk_number": "800/12/Disdukcapil/2026",
                                                       "sk_date": "2026-01-05", "user_id": user_id})
    assert response.status_code == 303
    state = checklist_state(admin)
    assert state["decree"] == "done"
    assert state["handlers"] == "todo"  # appointed, but no key pair before the first sign-in
    team = Team(app, accounts, result.output.splitlines()[3])  # the printed private half
    team.choose_password(ROLE_EMAILS["wbs"])  # the key pair is born under the handler's own password
    assert checklist_state(admin)["handlers"] == "todo"  # a key pair nobody vouched for receives no tip
    team.endorse(ROLE_EMAILS["wbs"])
    assert checklist_state(admin)["handlers"] == "done"

    assert post(admin, "/kantor/admin/libur/diperiksa").status_code == 303
    assert checklist_state(admin)["holidays"] == "done"
    assert post(admin, "/kantor/admin/sla/ditinjau").status_code == 303
    assert checklist_state(admin) == {step: "done" for step in STEPS}
    assert "6 dari 6 langkah selesai" in admin.get("/kantor/").get_data(as_text=True)


def test_saving_an_override_or_an_sla_counts_as_checking_that_page(admin):
    post(admin, "/kantor/admin/libur", {"day": "2026-06-01", "working": "0", "note": "Keputusan Bupati 1/2026"})
    post(admin, "/kantor/admin/sla", {"channel": "complaints", "status": "unverified", "days": "3",
                                      "basis": "Perpres 76/2013 Pasal 1"})
    state = checklist_state(admin)
    assert state["holidays"] == "done" and state["sla"] == "done"


def test_the_confirmations_are_audited_and_admin_only(app, as_role):
    leader = as_role("leader")
    page = leader.get("/kantor/").get_data(as_text=True)
    assert leader.post("/kantor/admin/sla/ditinjau", data={"csrf_token": csrf(page)}).status_code == 403
    admin = as_role("admin")
    post(admin, "/kantor/admin/libur/diperiksa")
    audit = admin.get("/kantor/admin/audit").get_data(as_text=True)
    assert "holiday_calendar_checked" in audit


def test_other_roles_land_where_they_did(as_role):
    complaints = as_role("complaints").get("/kantor/").get_data(as_text=True)
    assert "Daftar periksa" not in complaints and 'href="/kantor/pengaduan"' in complaints
    leader = as_role("leader").get("/kantor/").get_data(as_text=True)
    assert "Daftar periksa" not in leader and 'href="/kantor/laporan"' in leader
