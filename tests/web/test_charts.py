"""Every chart in every format: PNG, SVG, CSV, its Vega-Lite spec and an embeddable page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from polindex.web.releases.models import Release


def test_series_chart_in_every_format(client: Client, two: Release) -> None:
    csv = client.get("/TWO/1/chart/series/XX.csv")
    assert csv.content.decode() == (
        "unit,name,period,score,rank\r\nXX,XX,2023,25.0,2\r\nXX,XX,2024,50.0,2\r\n"
    )
    assert csv["Content-Disposition"] == 'attachment; filename="TWO-1-series-XX.csv"'
    spec = client.get("/TWO/1/chart/series/XX.json").json()
    assert spec["mark"]["type"] == "line"
    assert [(v["period"], v["score"]) for v in spec["data"]["values"]] == [
        ("2023", 25.0),
        ("2024", 50.0),
    ]
    svg = client.get("/TWO/1/chart/series/XX.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")
    assert b"XX: Two-area index" in svg.content
    png = client.get("/TWO/1/chart/series/XX.png")
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.content[12:16] == b"IHDR"
    assert int.from_bytes(png.content[16:20], "big") >= 1200  # a 600 px plot at scale 2, + axes
    embed = client.get("/TWO/1/chart/series/XX.html")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed  # other sites may frame it
    body = embed.content.decode()
    assert "<td>2024</td><td>50.0</td><td>2</td>" in body  # the data, for screen readers too
    assert client.get("/TWO/1/XX/")["X-Frame-Options"] == "SAMEORIGIN"  # pages may not


def test_profile_links_every_format_of_its_chart(client: Client, two: Release) -> None:
    body = client.get("/TWO/1/XX/").content.decode()
    for fmt in ("png", "svg", "csv", "json", "html"):
        assert f'href="/TWO/1/chart/series/XX.{fmt}"' in body
    assert "XX: Two-area index went from 25.0 in 2023 to 50.0 in 2024." in body  # text alternative


def test_ranking_chart_on_release_and_node_pages(client: Client, two: Release) -> None:
    release = client.get("/TWO/1/").content.decode()
    assert 'href="/TWO/1/chart/ranking/TWO/2024.csv"' in release
    node = client.get("/TWO/1/node/A/?period=2023").content.decode()
    # the node's chart is its line over time; the bar chart of the period is a link away
    assert 'href="/TWO/1/chart/trend/A/XX,YY,ZZ.svg"' in node
    assert 'href="/TWO/1/chart/ranking/A/2023.html"' in node
    csv = client.get("/TWO/1/chart/ranking/A/2023.csv").content.decode().splitlines()
    assert csv == ["rank,unit,name,score,band", "1,XX,XX,100.0,", "2,YY,YY,0.0,", "2,ZZ,ZZ,0.0,"]
    spec = client.get("/TWO/1/chart/ranking/TWO/2024.json").json()
    assert [v["unit"] for v in spec["data"]["values"]] == ["YY", "XX", "ZZ"]


@pytest.mark.parametrize(
    "path",
    [
        "/TWO/1/chart/ranking/NOPE/2024.csv",
        "/TWO/1/chart/ranking/A/1999.csv",
        "/TWO/1/chart/series/NOPE.png",
        "/TWO/1/chart/compare/2024/XX.csv",  # one country
        "/TWO/1/chart/compare/2024/XX,XX.csv",  # the same twice
        "/TWO/1/chart/compare/2024/XX,NOPE.csv",
        "/TWO/1/chart/compare/1999/XX,YY.csv",
        "/TWO/1/chart/robustness.png",  # this release has no uncertainty analysis
        "/TWO/1/chart/series/XX.exe",
        "/TWO/9/chart/series/XX.csv",
    ],
)
def test_unknown_charts_are_404(client: Client, two: Release, path: str) -> None:
    assert client.get(path, follow=True).status_code == 404


def test_compare_chart_and_table(client: Client, two: Release) -> None:
    body = client.get("/TWO/1/compare/?units=XX,YY&period=2024").content.decode()
    assert 'href="/TWO/1/chart/compare/2024/XX,YY.png"' in body
    assert "Citizenship" in body  # rows are labelled, drilling down to indicators
    assert "<strong>100.0</strong>" in body
    csv = client.get("/TWO/1/chart/compare/2024/XX,YY.csv").content.decode().splitlines()
    assert csv[0] == "node,label,unit,name,score"
    assert "TWO,Two-area index,XX,XX,50.0" in csv
    assert "C,Citizenship,YY,YY,100.0" in csv
    assert len(csv) == 1 + 5 * 2  # the index and its four areas, for each country
    spec = json.loads(client.get("/TWO/1/chart/compare/2024/XX,YY.json").content)
    assert spec["encoding"]["xOffset"]["field"] == "name"
