"""Country profile, node, methodology and search pages."""

from __future__ import annotations

import datetime as dt

from django.test import Client

import polindex
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release


def test_country_profile_with_change_strengths_and_series(client: Client, two: Release) -> None:
    body = client.get("/TWO/1/XX/").content.decode()
    # XX in 2024: A 100, B 100, C 0, D 0 → index 50; in 2023: 25 → change +25
    assert "Scores in 2024" in body
    assert "change since 2023" in body
    assert '<td class="num">50.0</td>' in body
    # the index's change, up and better (higher is better here)
    assert (
        '<td class="num"><span class="better">▲ +25.0</span><span class="sr"> (better)</span>'
        in body
    )
    assert "Ranks best in" in body
    assert '<table id="series">' in body
    older = client.get("/TWO/1/XX/?period=2023").content.decode()
    assert "Scores in 2023" in older
    assert "change since" not in older
    assert client.get("/TWO/1/XX/?period=1999").status_code == 404


def test_node_page_ranks_every_country(client: Client, two: Release) -> None:
    body = client.get("/TWO/1/node/A/").content.decode()
    assert "<h1>Access" in body
    assert body.index(">XX<") < body.index(">YY<")
    assert client.get("/TWO/1/node/NOPE/").status_code == 404


def test_methodology_from_the_framework(client: Client, two: Release) -> None:
    body = client.get("/TWO/1/methodology/").content.decode()
    assert "Scores run from 0.0 to 100.0." in body
    for label in ("Access", "Benefits", "Citizenship", "Diversity"):
        assert label in body


def test_search_finds_countries_and_nodes(client: Client, two: Release) -> None:
    body = client.get("/search/?q=citiz").content.decode()
    assert "Citizenship (C)" in body
    assert 'href="/TWO/1/node/C/"' in body
    assert 'href="/TWO/1/YY/"' in client.get("/search/?q=yy").content.decode()
    assert "Nothing found." in client.get("/search/?q=qqqq").content.decode()


def test_search_never_shows_embargoed_releases(
    client: Client, two: Release, embargoed: Release
) -> None:
    body = client.get("/search/?q=AA").content.decode()
    assert "TOY 2025.1" not in body
    assert "TOY 2024.1" in body


def test_choropleth_colours_countries_by_band(client: Client, db: None) -> None:
    fw = polindex.load_framework(
        {
            "code": "MAP",
            "name": "Map index",
            "bands": [
                {"code": "low", "min": 0, "colour": "#aa0000"},
                {"code": "high", "min": 50, "colour": "#0000aa"},
            ],
            "indicators": [{"code": "q1", "type": "boolean"}],
        }
    )
    results = polindex.score(
        fw, [("AUT", 2024, "q1", "yes"), ("de", 2024, "q1", "no"), ("Atlantis", 2024, "q1", "yes")]
    )
    publish_release(results, version="1", publish_at=dt.datetime.now(dt.UTC))
    body = client.get("/MAP/1/").content.decode()
    # colours are SVG attributes of the inline map, not inline CSS (the CSP allows none)
    assert '<g class="at country map-element" fill="#0000aa">' in body  # AUT (alpha-3) → at
    assert '<g class="de country map-element" fill="#aa0000">' in body
    assert '<g class="fr country map-element">' in body  # not in the index: the grey base
    assert "Atlantis" in body  # not on the map, still in the table
    assert "http://c2pa" not in body
    # the key: each band's colour, label, score range and how many countries it holds
    assert (
        '<rect width="16" height="16" fill="#aa0000"/></svg> <span class="legend-label">low</span>'
        ' <span class="legend-values">0.0 to under 50.0</span>'
        ' <span class="legend-count">(1 country)</span></li>'
    ) in body
    assert '<span class="legend-values">50.0 to 100.0</span>' in body
    # each country is titled with its name and score and linked to its profile
    assert (
        '<g class="at country map-element" fill="#0000aa"><title>Austria: 100.0</title>'
        '<a href="/MAP/1/AUT/" tabindex="-1">'
    ) in body
    assert 'stroke="#6b6b6b" stroke-width="0.6"' in body  # outlines contrast with the page
    assert "<style" not in body
    assert " style=" not in body


def test_choropleth_without_bands_colours_by_rank(client: Client, db: None) -> None:
    fw = polindex.load_framework(
        {"code": "NB", "name": "No bands", "indicators": [{"code": "q1", "type": "numeric"}]}
    )
    data = [(u, 2024, "q1", v) for u, v in (("FRA", 90), ("ESP", 50), ("PRT", 10))]
    publish_release(polindex.score(fw, data), version="1", publish_at=dt.datetime.now(dt.UTC))
    body = client.get("/NB/1/").content.decode()
    assert '<g class="fr country map-element" fill="#2166ac">' in body  # rank 1: darkest blue
    assert '<g class="es country map-element" fill="#d1e5f0">' in body  # rank 2 of 3: 2 steps
    assert '<g class="pt country map-element" fill="#b2182b">' in body  # last: darkest red


def test_home_period_selector(client: Client, two: Release) -> None:
    latest = client.get("/").content.decode()
    assert '<option value="2024" selected>' in latest
    older = client.get("/?index=TWO&period=2023").content.decode()
    assert '<option value="2023" selected>' in older
    assert "release 1, 2023" in older
    # XX scores 25 in 2023 and 50 in 2024
    assert '>XX</a></td><td class="num">25.0</td>' in older
    assert '>XX</a></td><td class="num">50.0</td>' in latest
    unknown = client.get("/?index=TWO&period=1999").content.decode()
    assert '<option value="2024" selected>' in unknown  # an unknown period: the latest
