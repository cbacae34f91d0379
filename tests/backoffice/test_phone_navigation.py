"""On a phone (390 × 844, JavaScript off) the home page shows its three public actions before any
scrolling, and the back office carries its own navigation, not the public menu (issue 14)."""
from __future__ import annotations

import pytest

from staff import ROLE_EMAILS

VIEWPORT_HEIGHT = 844


@pytest.mark.browser
def test_the_three_public_actions_are_above_the_fold_on_a_phone(live_server, page_nojs):
    page = page_nojs
    page.goto(live_server.url + "/")
    for name, path in (("Buat pengaduan", "/pengaduan/baru"), ("Laporkan gratifikasi", "/gratifikasi"),
                       ("Laporkan pelanggaran (WBS)", "/wbs")):
        link = page.get_by_role("link", name=name, exact=True).first
        box = link.bounding_box()
        assert box is not None and box["y"] + box["height"] <= VIEWPORT_HEIGHT, (name, box)
        assert link.get_attribute("href").rstrip("/") == path


def test_the_back_office_has_its_own_navigation(app, as_role):
    office = as_role("complaints").get("/kantor/pengaduan").get_data(as_text=True)
    assert 'class="office-nav"' in office and 'class="main-nav"' not in office
    public = app.test_client().get("/").get_data(as_text=True)
    assert 'class="main-nav"' in public
