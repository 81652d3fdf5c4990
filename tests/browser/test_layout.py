"""The layout holds on a phone (390 px) and a laptop (1366 px): on no page kind does anything
scroll sideways (wide tables scroll inside their own box), the world map fits its column, and
printing drops the navigation and writes out where links lead. One browser, every page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from typer.testing import CliRunner

from polindex.cli import app
from polindex.web.collection.editions import create_edition
from polindex.web.collection.models import Assignment

FRAMEWORK = Path(__file__).parents[2] / "examples" / "mipex-style" / "framework.yaml"
WIDTHS = (390, 1366)
PUBLIC = {
    "home": "/",
    "release": "/T/1/",
    "compare": "/T/1/compare/?units=AT,BE,DE,FR,IT,NL",
    "methodology": "/T/1/methodology/",
    "robustness": "/T/1/robustness/",
    "node": "/T/1/node/A/",
    "unit": "/T/1/AT/",
    "search": "/search/?q=Austria",
    "404": "/NOPE/1/",
    "API docs": "/api/v1/docs",
}
WORKSPACE = {
    "workspace: a country": "/work/lay-2025/AT/",
    "workspace: a question": "/work/lay-2025/AT/LMM1/",
}
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def site(transactional_db: None, robust_files: tuple[Path, Path], django_user_model: Any) -> Any:
    """A release of six countries with its robustness analyses (map, charts, every page kind),
    and an edition of the MIPEX-style questionnaire with an expert for AT."""
    framework, data = robust_files
    result = CliRunner().invoke(
        app, ["release", "create", str(framework), str(data), "--version", "1", "--robustness"]
    )
    assert result.exit_code == 0, result.output
    edition = create_edition(
        FRAMEWORK, code="lay-2025", name="Layout 2025", reference_date=dt.date(2024, 12, 31),
        period="2024", units=["AT"],
    )  # fmt: skip
    expert = django_user_model.objects.create_user("expert-at", password="pw-layout-1")
    Assignment.objects.create(
        edition=edition, user=expert, role="expert", unit="AT", accepted_at=dt.datetime.now(dt.UTC)
    )
    return expert


def _visit(page: Any, url: str, name: str) -> None:
    response = page.goto(url)
    assert response is not None, name
    assert response.status == (404 if name == "404" else 200), name
    if page.locator(".vega").count():  # the drawn charts take their width too
        page.locator(".vega svg").first.wait_for(timeout=15000)
    if name == "API docs":
        page.locator(".opblock").first.wait_for(timeout=15000)


def test_no_page_scrolls_sideways_the_map_fits_and_print_shows_links(
    local_page: Any, live_server: Any, site: Any
) -> None:
    page = local_page
    sideways = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in PUBLIC.items():
            _visit(page, live_server.url + path, name)
            assert page.locator(".site-header .brand").is_visible(), name
            if (extra := page.evaluate(SIDEWAYS)) > 0:
                sideways.append(f"{name} at {width} px: {extra} px too wide")
        # the world map: scaled by its viewBox to the width of its column
        _visit(page, live_server.url + "/T/1/", "release")
        svg, figure = (
            page.locator(s).bounding_box() for s in ("figure.map svg.worldmap", "figure.map")
        )
        assert svg is not None
        assert figure is not None
        assert svg["width"] == pytest.approx(figure["width"], abs=1)
        assert svg["height"] == pytest.approx(svg["width"] * 1398 / 2754, rel=0.02)
    # the workspace, signed in (the session of a signed-in test client)
    client = Client()
    client.force_login(site)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in WORKSPACE.items():
            _visit(page, live_server.url + path, name)
            assert page.get_by_role("button", name="Sign out").is_visible(), name
            if (extra := page.evaluate(SIDEWAYS)) > 0:
                sideways.append(f"{name} at {width} px: {extra} px too wide")
    assert sideways == []
    # printed: no header or forms, black text, each link's address after it
    _visit(page, live_server.url + "/T/1/", "release")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator("main form").first.is_hidden()
    link = page.get_by_role("link", name="Scores, long CSV")
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == '" </T/1/download/long.csv>"'
    assert link.evaluate("a => getComputedStyle(a).color") == "rgb(0, 0, 0)"
    row = page.locator("#ranking tbody a").first  # in tables the addresses would crowd out data
    assert row.evaluate("a => getComputedStyle(a, '::after').content") == "none"


LONG = {
    "code": "LONG",
    "name": {"en": "MIPEX-style demonstration questionnaire (not the official MIPEX)"},
    "bands": [
        {"code": code, "min": low, "label": {"en": label}}
        for code, low, label in [
            ("b0", 0, "Critically unfavourable"),
            ("b1", 1, "Unfavourable"),
            ("b2", 21, "Slightly unfavourable"),
            ("b3", 41, "Halfway favourable"),
            ("b4", 60, "Slightly favourable"),
            ("b5", 80, "Favourable"),
        ]
    ],
    "indicators": [{"code": "q1", "type": "numeric"}],
}


def test_the_ranking_chart_keeps_its_title_and_band_legend_on_a_phone(
    local_page: Any, live_server: Any, transactional_db: None
) -> None:
    """At 390 px the ranking chart's long title and its six bands' legend ran off both sides
    of the chart (cut off): each of its words is drawn inside the chart."""
    import polindex
    from polindex.web.releases.publish import publish_release

    rows = [(u, 2024, "q1", v) for u, v in (("AT", 90), ("BE", 50), ("DE", 10))]
    publish_release(
        polindex.score(polindex.load_framework(LONG), rows), version="1",
        publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
    )  # fmt: skip
    page = local_page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        _visit(page, live_server.url + "/LONG/1/", "release")
        chart = page.locator(".vega svg").first
        frame = chart.bounding_box()
        assert frame is not None
        texts = chart.locator("text")
        words = texts.all_text_contents()
        assert "Slightly unfavourable" in words  # the legend is drawn
        assert any("MIPEX-style" in w for w in words)  # and the title
        cut = []
        for i in range(texts.count()):
            box = texts.nth(i).bounding_box()
            if box and (
                box["x"] < frame["x"] - 1
                or box["x"] + box["width"] > frame["x"] + frame["width"] + 1
            ):
                cut.append(words[i])
        assert cut == [], f"{width} px: {cut}"
