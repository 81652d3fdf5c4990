"""Similar countries on the profile, the typology page with its chart, CSV and API, on the
release of tests/web/recs_release.py (area scores AT (0, 0), BE (75, 0), DE (100, 100),
FR (50, 100)).

By hand: from AT, BE is √((75² + 0²)/2) = 53.0 away, FR √((50² + 100²)/2) = 79.1, DE 100.0.
Ward merges DE–FR (50 apart) then AT–BE (75): with k = 2 the mean silhouette width is 0.451,
with k = 3 (AT and BE alone) 0.257, so k = 2: group 1 {DE, FR} (means 75, 100), group 2
{AT, BE} (37.5, 0). Approaches: "open" (Work ≥ 50 and Family ≥ 50) takes DE and FR, "closed"
(index ≤ 40) AT (0) and BE (37.5)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from polindex.web.releases.models import Release

from .recs_release import publish


@pytest.fixture
def release(db: None) -> Release:
    return publish()


def test_the_profile_lists_the_nearest_countries(client: Client, release: Release) -> None:
    page = client.get("/ARE/1/AT/").content.decode()
    part = page[page.index('id="similar"') :]
    assert part.index("Belgium") < part.index("France") < part.index("Germany")
    assert "distance 53.0" in part
    assert "distance 79.1" in part
    assert "distance 100.0" in part
    assert "/ARE/1/typology/" in part
    assert "/ARE/1/recommendations/AT/" in part
    fr = client.get("/fr/ARE/1/AT/").content.decode()
    assert "Pays à l’approche semblable" in fr
    assert "distance 53,0" in fr


def test_the_typology_page(client: Client, release: Release) -> None:
    page = client.get("/ARE/1/typology/").content.decode()
    groups = page[page.index('id="groups"') :]
    assert groups.index("France") < groups.index("Germany") < groups.index("Austria")
    assert "2 groups (method: Ward): the number of groups with the highest mean silhouette" in page
    assert "0.451" in page
    assert "0.257" in page
    assert '<img src="chart.svg?level=area&amp;method=ward"' in page
    approaches = page[page.index("Approaches defined by the index") :]
    assert approaches.index("Open approach") < approaches.index("France")
    assert approaches.index("Closed approach") < approaches.index("Austria")
    assert "Work at least 50.0; Family at least 50.0" in approaches
    assert "Areas index at most 40.0" in approaches


def test_in_french(client: Client, release: Release) -> None:
    page = client.get("/fr/ARE/1/typology/?method=kmeans&k=3").content.decode()
    assert "Approche ouverte" in page
    assert "Allemagne" in page
    assert "Travail au moins 50,0" in page


def test_the_chart_is_drawn_on_the_server(client: Client, release: Release) -> None:
    svg = client.get("/ARE/1/typology/chart.svg?method=ward")
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert b"Group 1" in svg.content
    data = list(
        csv.DictReader(io.StringIO(client.get("/ARE/1/typology/chart.csv").content.decode()))
    )
    assert [(r["group"], r["node"], float(r["mean_score"])) for r in data] == [
        ("1", "A", 75.0), ("1", "B", 100.0), ("2", "A", 37.5), ("2", "B", 0.0)
    ]  # fmt: skip
    assert client.get("/ARE/1/typology/chart.exe").status_code == 404


def test_csv_each_countrys_group_and_approach(client: Client, release: Release) -> None:
    text = client.get("/ARE/1/typology/?format=csv").content.decode()
    rows = {r["unit"]: r for r in csv.DictReader(io.StringIO(text))}
    assert {u: (r["group"], r["approach"]) for u, r in rows.items()} == {
        "DE": ("1", "open"), "FR": ("1", "open"), "AT": ("2", "closed"), "BE": ("2", "closed")
    }  # fmt: skip
    assert float(rows["AT"]["group_stability"]) == 1.0


def test_api(client: Client, release: Release) -> None:
    peers = client.get("/api/v1/releases/ARE/1/peers/AT?k=2").json()
    assert [(p["unit"], round(p["distance"], 3)) for p in peers] == [("BE", 53.033), ("FR", 79.057)]
    t = client.get("/api/v1/releases/ARE/1/typology").json()
    assert (t["k"], t["k_criterion"], t["resamples"]) == (2, "silhouette", 1000)
    assert round(t["silhouettes"]["2"], 3) == 0.451
    assert [[m["unit"] for m in g["members"]] for g in t["groups"]] == [["FR", "DE"], ["AT", "BE"]]
    assert t["groups"][1]["centre"] == {"A": 37.5, "B": 0.0}
    assert [a["code"] for a in t["approaches"]] == ["open", "closed"]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("?level=nope", "There is no level “nope”"),
        ("?method=magic", "There is no method “magic”"),
        ("?k=9", "k = 9 is out of range"),
        ("?k=three", "k = “three” is not a whole number"),
        ("?k=3&method=ward&level=", ""),
    ],
)
def test_bad_choices_show_the_default_and_say_why(
    client: Client, release: Release, query: str, says: str
) -> None:
    response = client.get(f"/ARE/1/typology/{query}")
    assert response.status_code == 200
    assert says in response.content.decode()


def test_k_the_countries_cannot_make(client: Client, release: Release) -> None:
    page = client.get("/ARE/1/typology/?k=4").content.decode()  # 4 countries: at most 3 groups
    assert "k = 4 is out of range: give a number of groups from 2 to 3" in page
    api = client.get("/api/v1/releases/ARE/1/typology?k=4")
    assert api.status_code == 422
    assert "from 2 to 3" in api.json()["detail"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("peers/XX", 404), ("peers/AT?level=nope", 422), ("peers/AT?period=1999", 422),
        ("peers/AT?k=0", 422), ("typology?method=magic", 422), ("typology?k=1", 422),
        ("typology?level=nope", 422),
    ],
)  # fmt: skip
def test_api_bad_input(client: Client, release: Release, url: str, status: int) -> None:
    response = client.get(f"/api/v1/releases/ARE/1/{url}")
    assert response.status_code == status
    assert response.json()["detail"]


def test_a_flat_index_has_no_typology(client: Client, published: Release) -> None:
    page = client.get("/TOY/2024.1/typology/")
    assert page.status_code == 404
    assert "This index has no areas" in page.content.decode()
    assert client.get("/api/v1/releases/TOY/2024.1/typology").status_code == 404
    assert client.get("/api/v1/releases/TOY/2024.1/peers/AA").status_code == 404
    assert 'id="similar"' not in client.get("/TOY/2024.1/AA/").content.decode()


def test_the_release_navigation_links_the_typology_where_there_are_areas(
    client: Client, release: Release, published: Release
) -> None:
    assert 'href="/ARE/1/typology/"' in client.get("/ARE/1/").content.decode()
    assert "/typology/" not in client.get("/TOY/2024.1/").content.decode()
