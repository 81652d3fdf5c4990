"""Comparing two releases of one index: the page, its CSV and the API route, hand-checked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

import polindex
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from .conftest import TWO_FW


def _release(fw: dict[str, Any], answers: dict[str, dict[str, str]], version: str) -> Release:
    data = [(u, 2024, code, v) for u, row in answers.items() for code, v in row.items()]
    results = polindex.score(polindex.load_framework(fw), data)
    return publish_release(results, version=version, publish_at=dt.datetime.now(dt.UTC))


def _yes(*codes: str) -> dict[str, str]:
    every = ("a1", "b1", "b2", "c1", "d1")
    return {c: "yes" if c in codes else "no" for c in every}


# Version 2, same methodology, 2024: XX 50 → 75 (C now yes), YY 75 → 75, ZZ 25 → 0 (D now no)
V2 = {"XX": _yes("a1", "b1", "c1"), "YY": _yes("b1", "c1", "d1"), "ZZ": _yes()}
# Version 3: area D dropped, b2 added to B. On the core (a1, b1, c1) under version 3's tree:
#   version 1 back-cast: XX 100, 100, 0 → 66.67   YY 0, 100, 100 → 66.67   ZZ 0
#   version 3:           XX 100, 100, 100 → 100    YY 0, 100, 100 → 66.67   ZZ 0
V3_FW = {
    **TWO_FW,
    "version": "2.0",
    "areas": [
        TWO_FW["areas"][0],
        {**TWO_FW["areas"][1], "indicators": [{"code": "b1", "type": "boolean"},
                                              {"code": "b2", "type": "boolean"}]},
        TWO_FW["areas"][2],
    ],
}  # fmt: skip
V3 = {"XX": _yes("a1", "b1", "c1"), "YY": _yes("c1", "b1"), "ZZ": _yes()}


def _drop(row: dict[str, str], *codes: str) -> dict[str, str]:
    return {k: v for k, v in row.items() if k not in codes}


@pytest.fixture
def v2(two: Release) -> Release:
    return _release(TWO_FW, {u: _drop(r, "b2") for u, r in V2.items()}, "2")


@pytest.fixture
def v3(two: Release) -> Release:
    return _release(V3_FW, {u: _drop(r, "d1") for u, r in V3.items()}, "3")


def _cells(page: str) -> list[list[str]]:
    body = page.split('<table id="comparison-table">')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cell = r"<t[hd][^>]*>(.*?)</t[hd]>"
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(cell, r, re.S)] for r in rows]


def test_two_releases_of_one_methodology(client: Client, two: Release, v2: Release) -> None:
    response = client.get("/TWO/2/compare-with/1/")
    page = response.content.decode()
    assert response.status_code == 200
    assert _cells(page) == [  # biggest movers first: by places, then by points
        ["XX", "50.0", "75.0", "+25.0", "2", "1", "+1"],
        ["ZZ", "25.0", "0.0", "−25.0", "3", "3", "0"],
        ["YY", "75.0", "75.0", "0.0", "1", "1", "0"],
    ]
    assert "Back-cast" not in page
    movers = page.split('<ul id="movers">')[1].split("</ul>")[0]
    assert "<strong>XX</strong>: rank 2 → 1, +25.0 points — Citizenship +25.0" in movers
    assert "<strong>ZZ</strong>: rank 3 → 3, −25.0 points — Diversity −25.0" in movers
    assert client.get("/TWO/1/compare-with/2/").content.decode().count("<tr>") == 4  # same


def test_the_table_as_csv(client: Client, two: Release, v2: Release) -> None:
    response = client.get("/TWO/1/compare-with/2/", {"format": "csv"})
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0] == "unit,name,score_1,score_2,score_difference,rank_1,rank_2,places_gained"
    assert lines[1] == "XX,XX,50.0,75.0,25.0,2,1,1"


def test_another_methodology_is_back_cast(client: Client, two: Release, v3: Release) -> None:
    page = client.get("/TWO/3/compare-with/1/").content.decode()
    assert 'id="backcast-note"' in page
    assert "scored here on the 3 indicators they share" in page
    assert "Only in 1 (left out): d1" in page
    assert "Only in 3 (left out): b2" in page
    csv = client.get("/TWO/3/compare-with/1/", {"format": "csv"}).content.decode()
    assert csv.startswith("unit,name,score_1_backcast,score_3,score_difference,rank_1_backcast,")
    assert _cells(page) == [
        ["YY", "66.7", "66.7", "0.0", "1", "2", "−1"],
        ["XX", "66.7", "100.0", "+33.3", "1", "1", "0"],
        ["ZZ", "0.0", "0.0", "0.0", "3", "3", "0"],
    ]
    out = client.get("/api/v1/releases/TWO/3/compare-with/1").json()
    assert (out["a"], out["b"], out["backcast"]) == ("1", "3", True)
    assert (sorted(out["core"]), out["dropped"], out["added"]) == (
        ["a1", "b1", "c1"],
        ["d1"],
        ["b2"],
    )
    xx = next(r for r in out["rows"] if r["unit"] == "XX")
    assert xx["score_a"] == pytest.approx(200 / 3)
    assert xx["score_b"] == 100.0
    assert out["movers"] == [
        {
            "unit": "XX",
            "reasons": [{"node": "C", "name": "Citizenship", "difference": pytest.approx(100 / 3)}],
        }
    ]  # YY lost a place without a change of its own: nothing to explain


def test_the_api_compares_as_the_page(client: Client, two: Release, v2: Release) -> None:
    out = client.get("/api/v1/releases/TWO/1/compare-with/2").json()
    assert out["backcast"] is False
    assert (out["period_a"], out["period_b"]) == ("2024", "2024")
    assert [(r["unit"], r["score_difference"], r["places_gained"]) for r in out["rows"]] == [
        ("XX", 25.0, 1), ("ZZ", -25.0, 0), ("YY", 0.0, 0)
    ]  # fmt: skip


def test_the_chooser_lists_the_other_releases(client: Client, two: Release, v2: Release) -> None:
    page = client.get("/TWO/1/compare-with/").content.decode()
    assert '<option value="2"' in page
    response = client.get("/TWO/1/compare-with/", {"other": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/TWO/1/compare-with/2/"
    response = client.get("/TWO/1/compare-with/", {"other": "<9>"})
    assert response.status_code == 404
    assert "There is no other release “&lt;9&gt;” of this index." in response.content.decode()


def test_bad_comparisons(client: Client, two: Release, v2: Release) -> None:
    assert client.get("/TWO/1/compare-with/9/").status_code == 404
    same = client.get("/TWO/1/compare-with/1/")
    assert same.status_code == 400
    assert "Choose another release" in same.content.decode()
    node = client.get("/TWO/1/compare-with/2/", {"node": "Q"})
    assert node.status_code == 400
    assert "There is no node “Q” in both releases." in node.content.decode()
    api = client.get("/api/v1/releases/TWO/1/compare-with/1")
    assert api.status_code == 422
    assert "another release" in api.json()["detail"]
    assert client.get("/api/v1/releases/TWO/1/compare-with/2", {"node": "Q"}).status_code == 422
    assert client.get("/api/v1/releases/TWO/1/compare-with/9").json()["detail"]


def test_an_embargoed_other_release_is_not_found(
    client: Client, published: Release, embargoed: Release, insider: Any
) -> None:
    assert client.get("/TOY/2024.1/compare-with/2025.1/").status_code == 404
    assert client.get("/api/v1/releases/TOY/2024.1/compare-with/2025.1").status_code == 404
    assert "2025.1" not in client.get("/TOY/2024.1/compare-with/").content.decode()
    # the embargoed release's own comparison pages, and its aggregation variant
    assert client.get("/TOY/2025.1/compare-with/2024.1/").status_code == 404
    assert client.get("/TOY/2025.1/compare-with/").status_code == 404
    assert client.get("/api/v1/releases/TOY/2025.1/compare-with/2024.1").status_code == 404
    variant = "/api/v1/releases/TOY/2025.1/compare-aggregation/arithmetic"
    assert client.get(variant).status_code == 404
    client.force_login(insider)
    assert client.get("/TOY/2024.1/compare-with/2025.1/").status_code == 200
    assert client.get("/TOY/2025.1/compare-with/").status_code == 200
    assert client.get("/api/v1/releases/TOY/2025.1/compare-with/2024.1").status_code == 200
    assert client.get(variant).status_code == 200


def test_the_page_in_french(client: Client, two: Release, v3: Release) -> None:
    page = client.get("/fr/TWO/3/compare-with/1/").content.decode()
    assert "Chiffres rétropolés." in page
    assert "sur les 3 indicateurs qu’elles partagent" in page
    assert ">+33,3</td>" in page


NUMERIC_FW = {
    "code": "NUM",
    "name": {"en": "Numeric index"},
    "levels": ["area"],
    "areas": [
        {"code": "A", "label": {"en": "Access"}, "indicators": [{"code": "a", "type": "numeric"}]},
        {
            "code": "B",
            "label": {"en": "Benefits"},
            "indicators": [{"code": "b", "type": "numeric"}],
        },
    ],
}


def test_a_release_against_another_aggregation(client: Client, db: None) -> None:
    # XX: a 100, b 25 → arithmetic 62.5, geometric √(100 × 25) = 50; YY: 50, 50 → 50 both
    data = [
        ("XX", 2024, "a", 100),
        ("XX", 2024, "b", 25),
        ("YY", 2024, "a", 50),
        ("YY", 2024, "b", 50),
    ]
    publish_release(
        polindex.score(polindex.load_framework(NUMERIC_FW), data), version="1",
        publish_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    page = client.get("/NUM/1/compare-with/", {"variant": "geometric"}).content.decode()
    assert 'id="variant-note"' in page
    assert "Score 1, geometric mean" in page
    assert _cells(page) == [  # YY ties XX at 50: both first, YY moved most
        ["YY", "50.0", "50.0", "0.0", "2", "1", "+1"],
        ["XX", "62.5", "50.0", "−12.5", "1", "1", "0"],
    ]
    csv = client.get("/NUM/1/compare-with/", {"variant": "geometric", "format": "csv"})
    xx = csv.content.decode().splitlines()[2].split(",")
    assert [float(x) for x in xx[2:5]] == pytest.approx([62.5, 50.0, -12.5])
    assert (xx[:2], xx[5:]) == (["XX", "XX"], ["1", "1", "0"])
    bad = client.get("/NUM/1/compare-with/", {"variant": "median"})
    assert bad.status_code == 400
    assert "There is no aggregation method “median” to compare with." in bad.content.decode()


def test_a_geometric_mean_cannot_take_a_zero(client: Client, two: Release) -> None:
    response = client.get("/TWO/1/compare-with/", {"variant": "geometric"})
    assert response.status_code == 400
    assert "The geometric mean cannot take a score of 0 or less" in response.content.decode()


def test_the_api_compares_another_aggregation(client: Client, two: Release) -> None:
    out = client.get("/api/v1/releases/TWO/1/compare-aggregation/arithmetic").json()
    assert (out["a"], out["b"]) == ("1", "1, arithmetic mean")
    assert {r["score_difference"] for r in out["rows"]} == {0.0}  # as published: arithmetic
    bad = client.get("/api/v1/releases/TWO/1/compare-aggregation/geometric")
    assert bad.status_code == 422
    assert "cannot take a score of 0" in bad.json()["detail"]
    assert client.get("/api/v1/releases/TWO/1/compare-aggregation/median").status_code == 422
