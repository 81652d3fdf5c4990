"""The what-if and goal pages in a real browser, on a phone (390 px) and a laptop (1366 px): a
visitor changes an answer with the form, reads the new figures, asks what it would take, opens
a proposal in the simulator and resets — no JavaScript needed, nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import polindex
from polindex.web.releases.publish import publish_release

from ..web.whatif_index import DATA, FW

SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def wif_site(transactional_db: None) -> None:
    results = polindex.score(polindex.load_framework(FW), DATA)
    publish_release(results, version="1", publish_at=dt.datetime.now(dt.UTC))


def index_row(page: Any) -> list[str]:
    cells = page.locator("#whatif-nodes tbody tr").first.locator("th, td").all_inner_texts()
    return [" ".join(c.split()) for c in cells]


@pytest.mark.parametrize("width", [390, 1366])
def test_change_an_answer_then_seek_a_goal(
    local_page: Any, live_server: Any, wif_site: None, width: int
) -> None:
    page = local_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/WIF/1/CC/")
    page.get_by_role("link", name="What if the answers changed?").click()
    page.wait_for_url("**/WIF/1/what-if/CC/")
    assert page.evaluate(SIDEWAYS) <= 0
    page.locator("summary", has_text="Access").click()  # the area's questions
    page.select_option("#q-q1", "a")
    page.get_by_role("button", name="Simulate").click()
    page.wait_for_url("**/WIF/1/what-if/CC/?q1=a")  # only the change is in the address
    assert index_row(page)[:4] == ["What-if index", "50.0", "56.2", "▲ +6.2 (better)"]
    assert page.locator("#changed").inner_text().count("Work permit") == 1
    assert page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways"
    # a wrong number: named by its field, the published figures kept
    page.fill("#q-q2", "30")
    page.get_by_role("button", name="Simulate").click()
    assert page.locator("#e-q2").inner_text() == "Give a number from 0 to 24, or n/a."
    assert index_row(page)[:3] == ["What-if index", "50.0", "2"]  # the published figures
    page.get_by_role("link", name="What would it take to reach a goal?").click()
    page.wait_for_url("**/WIF/1/goal/CC/")
    page.select_option("#band", "strong")
    page.get_by_role("button", name="Find the changes").click()
    page.wait_for_url("**/WIF/1/goal/CC/?node=WIF&band=strong&rank=&score=")
    assert page.locator(".proposal h3").first.inner_text().startswith("2 changes")
    assert page.evaluate(SIDEWAYS) <= 0, "the goal page scrolls sideways"
    page.get_by_role("link", name="Open in the what-if simulator").first.click()
    page.wait_for_url("**/WIF/1/what-if/CC/?r2=a&q2=7.2")
    assert index_row(page)[:2] + index_row(page)[6:8] == ["What-if index", "50.0", "Fair", "Strong"]
    assert index_row(page)[2] == "80.0"
    page.get_by_role("link", name="Reset: the published answers").click()
    page.wait_for_url("**/WIF/1/what-if/CC/")
    assert index_row(page) == ["What-if index", "50.0", "2", "Fair"]  # one period: no change


def test_the_pages_in_french(local_page: Any, live_server: Any, wif_site: None) -> None:
    page = local_page
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + "/fr/WIF/1/what-if/CC/")
    page.locator("summary", has_text="Droits").click()
    page.select_option("#q-r1", "false")
    page.get_by_role("button", name="Simuler").click()
    page.wait_for_url("**/fr/WIF/1/what-if/CC/?r1=false")
    assert index_row(page)[:8] == [
        "Indice de simulation", "50,0", "25,0", "▼ −25,0 (moins bien)", "2", "2", "Moyen", "Faible",
    ]  # fmt: skip
    assert "par conséquence" in page.locator("#changed").inner_text()
    page.goto(live_server.url + "/fr/WIF/1/goal/CC/?score=100")
    assert "ne peut pas être atteint" in page.locator("main").inner_text()
    assert page.evaluate(SIDEWAYS) <= 0


@pytest.fixture
def built_site(transactional_db: None) -> None:
    """The robustness toy index: a build (min-max across countries) with its design."""
    from polindex.framework.definition import load_index
    from polindex.io.tables import Upload

    from ..conftest import ROBUST_FRAMEWORK, ROBUST_ROWS

    lines = ["unit,period,a1,a2,b1,b2"] + [
        ",".join(map(str, (u, 2024, *v))) for u, *v in ROBUST_ROWS
    ]
    publish_release(
        load_index(text=ROBUST_FRAMEWORK, name="fw.yaml"),
        Upload("data.csv", "\n".join(lines).encode()),
        version="b1", publish_at=dt.datetime.now(dt.UTC), robustness=True,
    )  # fmt: skip


@pytest.mark.parametrize("width", [390, 1366])
def test_a_build_changes_a_value_and_recomputes_the_interval(
    local_page: Any, live_server: Any, built_site: None, width: int
) -> None:
    page = local_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/T/b1/what-if/AT/")
    assert "The index is rebuilt with them" in page.locator("main").inner_text()
    page.locator("summary", has_text="A").first.click()
    page.fill("#q-a1", "80")  # AT's a1, 10 (the lowest), becomes the highest
    page.get_by_role("button", name="Simulate").click()
    page.wait_for_url("**/T/b1/what-if/AT/?a1=80")
    assert index_row(page)[:4] == ["Toy", "26.6", "51.4", "▲ +24.8 (better)"]
    assert page.get_by_role("link", name="Reset: the published values").count() == 1  # a build
    page.get_by_role("link", name="Recompute the rank interval").click()
    page.wait_for_url("**/T/b1/what-if/AT/?a1=80&interval=1")
    assert "With these changes: between" in page.locator("#rank-interval").inner_text()
    assert page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways"
    page.goto(live_server.url + "/T/b1/goal/AT/?score=50")
    assert page.locator(".proposal h3").first.inner_text().startswith("1 change")
    assert "76.65" in page.locator(".proposal").first.inner_text()
    assert page.evaluate(SIDEWAYS) <= 0, "the goal page scrolls sideways"


TABLE_OVERFLOW = (
    "(() => { const box = document.querySelector('#whatif-nodes').parentElement;"
    " return box.scrollWidth - box.clientWidth; })()"
)
CUE_SHOWN = "getComputedStyle(document.querySelector('.scroll-cue')).display !== 'none'"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_figures_table_fits_a_laptop_and_says_it_scrolls_on_a_phone(
    local_page: Any, live_server: Any, wif_site: None, language: str
) -> None:
    prefix = "/fr" if language == "fr" else ""
    page = local_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}{prefix}/WIF/1/what-if/CC/?r2=a&q2=7.2")
    assert page.evaluate(TABLE_OVERFLOW) <= 0, "a column of the figures is cut off"
    assert not page.evaluate(CUE_SHOWN)
    last = page.locator("#whatif-nodes thead tr").nth(1).locator("th").last.bounding_box()
    assert last["x"] + last["width"] <= 1366  # "New" of the change, in view
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways"
    assert page.evaluate(TABLE_OVERFLOW) > 0  # the table scrolls in its box ...
    assert page.evaluate(CUE_SHOWN)  # ... and says so
    # the node's name stays in view while the figures scroll
    page.locator("#whatif-nodes").evaluate("t => { t.parentElement.scrollLeft = 400; }")
    name = page.locator("#whatif-nodes tbody th[scope=row]").first.bounding_box()
    assert 0 <= name["x"] < 40
    # the answers changed: one card per question on a phone, each value named
    cell = page.locator("#changed tbody tr").first.locator("td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    published = "Published answer" if language == "en" else "Réponse publiée"
    assert cell.get_attribute("data-label") == published
    assert (
        page.evaluate(
            "document.querySelector('#changed').parentElement.scrollWidth"
            " - document.querySelector('#changed').parentElement.clientWidth"
        )
        <= 0
    )
