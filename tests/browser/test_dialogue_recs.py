"""The recommendations and typology pages in Chromium at 390 and 1366 px, in English and French:
nothing scrolls sideways, the typology's chart (an SVG drawn on the server) shows, the forms
keep their state in the address, and a peer's justification opens without a script."""

from __future__ import annotations

from typing import Any

import pytest

from ..web.recs_release import publish

WIDTHS = (390, 1366)
PAGES = {
    "recommendations": "/ARE/1/recommendations/AT/",
    "recommendations (fr)": "/fr/ARE/1/recommendations/AT/",
    "typology": "/ARE/1/typology/",
    "typology (fr)": "/fr/ARE/1/typology/?method=kmeans&k=3",
    "profile": "/ARE/1/AT/",
}
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def release(transactional_db: None) -> Any:
    return publish()


def test_every_page_fits_a_phone_and_a_laptop(
    local_page: Any, live_server: Any, release: Any
) -> None:
    page = local_page
    sideways = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in PAGES.items():
            response = page.goto(live_server.url + path)
            assert response is not None
            assert response.status == 200, name
            assert page.locator("h1").is_visible(), name
            if (extra := page.evaluate(SIDEWAYS)) > 0:
                sideways.append(f"{name} at {width} px: {extra} px too wide")
            if name.startswith("typology"):
                img = page.locator("figure.chart img")
                img.wait_for()
                assert img.evaluate("i => i.complete && i.naturalWidth > 0"), name
                box = img.bounding_box()
                assert box is not None
                assert box["width"] <= width, name
    assert sideways == []


def test_choices_are_in_the_address_and_justifications_open(
    local_page: Any, live_server: Any, release: Any
) -> None:
    page = local_page
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + "/ARE/1/typology/")
    page.select_option("#method", "kmeans")
    page.select_option("#k", "3")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/typology/?level=area&method=kmeans&k=3")
    assert page.locator("#groups .card").count() == 3
    page.goto(live_server.url + "/ARE/1/recommendations/AT/")
    page.select_option("#area", "B")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/recommendations/AT/?level=area&area=B")
    assert page.get_by_text("Can families reunite?").is_visible()
    page.goto(live_server.url + "/ARE/1/recommendations/AT/")
    page.get_by_text("2 countries already give this answer").first.click()
    assert page.get_by_text("Section 3 of the").is_visible()
