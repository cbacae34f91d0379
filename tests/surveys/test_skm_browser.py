"""The counter tablet: the kiosk survey in Chromium with JavaScript off, at phone size."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import SkmResponse


def answer_all(page, score: int) -> None:
    page.select_option("#f-service", "akta-lahir")
    for i in range(1, 10):
        page.locator(f'input[name="u{i}"][value="{score}"]').check()


def test_kiosk_returns_to_a_blank_form_after_each_answer(page_nojs, live_server, app):
    page = page_nojs
    page.goto(live_server.url + "/")
    page.set_content("<noscript><p id='nojs'>off</p></noscript>")
    assert page.locator("#nojs").count() == 1  # <noscript> renders: scripting is really off

    page.goto(live_server.url + "/survei/kiosk")
    box = page.locator("button[type=submit]").bounding_box()
    assert box["x"] + box["width"] <= 390  # fits a phone-width screen
    answer_all(page, 4)
    page.locator("#f-suggestion").fill("Pelayanan cepat, terima kasih.")
    page.locator("button[type=submit]").click()
    assert page.locator("#terima-kasih").is_visible()

    # No click: the thank-you page goes back to the kiosk form by itself (meta refresh, no script).
    page.wait_for_url(re.compile(r"/survei/kiosk$"), timeout=20_000)
    assert page.locator('input[type="radio"]:checked').count() == 0
    assert page.locator("#f-suggestion").input_value() == ""

    # The next visitor forgets one unsur: the error names it and the other answers stay.
    page.select_option("#f-service", "kk")
    for i in range(1, 9):
        page.locator(f'input[name="u{i}"][value="2"]').check()
    page.locator("button[type=submit]").click()
    assert page.locator("#e-u9").is_visible()
    assert page.locator('input[type="radio"]:checked').count() == 8
    page.locator('input[name="u9"][value="1"]').check()
    page.locator("button[type=submit]").click()
    page.locator("#survei-baru").click()  # or at once, with the link
    assert page.url.endswith("/survei/kiosk")

    with app.app_context():
        rows = db.session.scalars(select(SkmResponse).order_by(SkmResponse.id)).all()
        assert [(r.service, r.u1, r.u9) for r in rows] == [("akta-lahir", 4, 4), ("kk", 2, 1)]
        assert db.session.scalar(select(func.count()).select_from(SkmResponse)) == 2


def test_perception_kiosk_returns_to_a_blank_form_after_each_answer(page_nojs, live_server, app):
    from portal.models import PerceptionResponse

    page = page_nojs
    page.goto(live_server.url + "/")
    page.set_content("<noscript><p id='nojs'>off</p></noscript>")
    assert page.locator("#nojs").count() == 1  # scripting is really off

    page.goto(live_server.url + "/survei/ipak/kiosk")
    names = sorted({page.locator('input[type="radio"]').nth(i).get_attribute("name")
                    for i in range(page.locator('input[type="radio"]').count())})
    assert len(names) == 6  # the six installed IPAK statements
    for name in names:
        page.locator(f'input[name="{name}"][value="3"]').check()
    page.locator("button[type=submit]").click()
    assert page.locator("#terima-kasih").is_visible()

    # No click and no script: the thank-you page goes back to the IPAK kiosk form, blank.
    page.wait_for_url(re.compile(r"/survei/ipak/kiosk$"), timeout=20_000)
    assert page.locator('input[type="radio"]:checked').count() == 0

    # The next visitor leaves one statement out: refused, the other answers stay, still in kiosk mode.
    for name in names[:-1]:
        page.locator(f'input[name="{name}"][value="4"]').check()
    page.locator("button[type=submit]").click()
    assert page.locator(f"#f-{names[-1]}.has-error").is_visible()
    assert page.locator('input[type="radio"]:checked').count() == 5
    page.locator(f'input[name="{names[-1]}"][value="1"]').check()
    page.locator("button[type=submit]").click()
    page.locator("#survei-baru").click()
    assert page.url.endswith("/survei/ipak/kiosk")

    with app.app_context():
        rows = db.session.scalars(select(PerceptionResponse).order_by(PerceptionResponse.id)).all()
        assert [r.survey for r in rows] == ["ipak", "ipak"]
