"""A visitor's path through the explorer, in a real browser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import polindex
from polindex.web.releases.publish import publish_release

FW = {
    "code": "TOY",
    "name": {"en": "Toy index"},
    "citation": "Toy team (2025). Toy index.",
    "indicators": [{"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}],
}
NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def releases(transactional_db: None) -> None:
    fw = polindex.load_framework(FW)
    data = [
        (u, y, q, v)
        for u, answers in {"AA": ("yes", "yes"), "BB": ("yes", "no"), "CC": ("no", "no")}.items()
        for y in (2023, 2024)
        for q, v in zip(("q1", "q2"), answers, strict=True)
    ]
    publish_release(
        polindex.score(fw, data), version="2024.1", publish_at=NOW - dt.timedelta(days=1)
    )
    later = [(u, y, q, "yes") for u, y, q, _ in data]
    publish_release(
        polindex.score(fw, later), version="2025.1", publish_at=NOW + dt.timedelta(days=5)
    )


def test_home_release_country_period_and_download(
    local_page: Any, live_server: Any, releases: None
) -> None:
    page = local_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Indexes"
    assert "2025.1" not in page.content()  # embargoed: invisible
    page.get_by_role("link", name="Toy index").click()
    page.wait_for_url("**/TOY/2024.1/")
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    assert rows.first.inner_text().split("\t")[:2] == ["1", "AA"]
    page.select_option("#period", "2023")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/TOY/2024.1/?period=2023")
    with page.expect_download() as info:
        page.get_by_role("link", name="Scores, long CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    header = "unit,name,period,node,level,parent,score,rank,band,band_label,status"
    assert text.splitlines()[0] == header
    assert "AA,AA,2024,TOY,index,,100.0,1,,,ok" in text
    page.goto(live_server.url + "/TOY/2024.1/")
    page.get_by_role("link", name="Barbados").click()  # BB is ISO's code for Barbados
    page.wait_for_url("**/TOY/2024.1/BB/")
    assert "Barbados" in page.locator("h1").inner_text()


def test_embargoed_release_is_invisible_everywhere(
    local_page: Any, live_server: Any, releases: None
) -> None:
    page = local_page
    for path in (
        "/TOY/2025.1/",
        "/TOY/2025.1/AA/",
        "/TOY/2025.1/download/long.csv",
        "/api/v1/releases/TOY/2025.1/scores",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 404, path
    page.goto(live_server.url + "/api/v1/releases")
    assert "2025.1" not in page.content()


def test_api_docs_page_loads_locally(local_page: Any, live_server: Any, releases: None) -> None:
    page = local_page
    page.goto(live_server.url + "/api/v1/docs")
    page.get_by_text("/api/v1/releases/{index}/{version}/scores").first.wait_for(timeout=15000)


def test_compare_three_countries(local_page: Any, live_server: Any, releases: None) -> None:
    page = local_page
    page.goto(live_server.url + "/TOY/2024.1/")
    page.get_by_role("link", name="Compare countries").click()
    for name in ("AA", "Barbados", "Cocos (Keeling) Islands"):  # BB and CC are ISO codes
        page.get_by_label(name).check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/?units=AA%2CBB%2CCC&period=2024")
    header = page.locator("#comparison thead th").all_inner_texts()
    assert header == ["Area or indicator", "AA", "Barbados", "Cocos (Keeling) Islands", "Spread"]
    row = page.locator("#comparison tbody tr", has_text="Toy index").inner_text().split("\t")
    toy = [" ".join(cell.split()) for cell in row]
    assert toy == ["Toy index", "100.0 (best)", "50.0", "0.0", "100.0"]


def test_country_chart_draws_from_local_scripts(
    local_page: Any, live_server: Any, releases: None
) -> None:
    page = local_page
    page.goto(live_server.url + "/TOY/2024.1/AA/")
    page.locator("#chart-series .vega svg").first.wait_for(timeout=15000)
    assert page.locator("#series tbody tr").count() == 2  # the table alternative
