"""Headless Chromium opens a published report: the server-rendered SVG charts show real bars."""
from __future__ import annotations

import io
import os
import shutil

import pytest

from portal.reports.render import BAR_FILL
from publish_support import Publisher

import report_dataset

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("periods_ended")]

BAR_RGB = tuple(int(BAR_FILL[i:i + 2], 16) for i in (1, 3, 5))


def _bar_pixels(png: bytes) -> tuple[int, tuple[int, int]]:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(image.size[0] * image.size[1]) or []
    pixels = sum(n for n, rgb in colours if all(abs(a - b) <= 2 for a, b in zip(rgb, BAR_RGB)))
    return pixels, image.size


def test_report_page_chart_shows_bars_without_javascript(app, as_role, live_server, page_nojs, tmp_path):
    report_dataset.load(app)
    report_id = Publisher(app, as_role).publish("complaints", "2026-10")
    violations = []
    page_nojs.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = page_nojs.goto(f"{live_server.url}/laporan/{report_id}")
    assert response.status == 200

    chart = page_nojs.locator("#fig-masuk-kanal svg")
    chart.scroll_into_view_if_needed()
    assert chart.get_attribute("role") == "img"
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100  # laid out at the page's width, not 0×0
    shot = chart.screenshot(path=str(tmp_path / "chart.png"))
    pixels, size = _bar_pixels(shot)
    # October: 20 received over several channels; the longest bar spans 400/520 of the width.
    assert pixels > 0.02 * size[0] * size[1], (pixels, size)
    # The numbers are in the accessible name/description and as text.
    description = page_nojs.locator("#grafik-masuk-kanal-uraian").text_content()
    texts = chart.locator("text").all_text_contents()
    for row in app.test_client().get(f"/api/v1/reports/{report_id}").get_json()["report"]["tables"]["t1"]["rows"]:
        assert f"{row['label']}: {row['received']}" in description
        assert row["label"] in texts and str(row["received"]) in texts
    assert violations == []  # no inline style or script refused by the CSP

    keep = os.environ.get("REPORT_SCREENSHOT_DIR")
    if keep:
        shutil.copy(tmp_path / "chart.png", os.path.join(keep, f"chart-{app.config['SQLALCHEMY_DATABASE_URI'][:5]}.png"))
        page_nojs.screenshot(path=os.path.join(keep, "page.png"), full_page=True)
