"""The recommendations page, its CSV and API route, on a release whose scores are checked by hand
(tests/web/recs_release.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import polindex
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from .recs_release import publish


@pytest.fixture
def release(db: None) -> Release:
    return publish()


def test_per_area_the_changes_worth_most_named_with_who_already_does_them(
    client: Client, release: Release
) -> None:
    page = client.get("/ARE/1/recommendations/AT/").content.decode()
    # Work: job centres (0 → 100: area +50, index +25), any job c → a (+25) then c → b (+12.5);
    # Family: reunion (index +50)
    assert page.index("Can they use job centres?") < page.index("Can they take any job?")
    # gains with one decimal more than scores
    assert page.count("<strong>+25.00</strong> points for the index; +50.00 for Work") == 2
    assert "<strong>+12.50</strong> points for the index; +25.00 for Work" in page
    assert "<strong>+50.00</strong> points for the index; +100.00 for Family" in page
    assert "Yes, any job" in page
    assert "No job" in page
    assert "Some jobs" in page
    assert "Section 3 of the <strong>Employment Act</strong>" in page  # DE's justification
    assert "<script>alert" not in page
    assert 'href="https://example.org/employment-act"' in page
    assert ">Germany</a>" in page
    assert ">Belgium</a>" in page
    assert "/ARE/1/what-if/AT/?q1=true" in page
    assert "/ARE/1/what-if/AT/?q2=a" in page


def test_in_french(client: Client, release: Release) -> None:
    page = client.get("/fr/ARE/1/recommendations/AT/").content.decode()
    assert "Ont-ils accès aux agences ?" in page
    assert "Oui, tout emploi" in page
    assert "<strong>+25,00</strong> points pour l’indice\u202f; +50,00 pour Travail" in page
    assert "2 pays donnent déjà cette réponse" in page
    assert "les 3 meilleurs changements de chaque groupe" in page
    assert "Allemagne" in page
    assert "/fr/ARE/1/what-if/AT/?q1=true" in page


def test_one_area_shows_every_change(client: Client, release: Release) -> None:
    page = client.get("/ARE/1/recommendations/AT/?area=B").content.decode()
    assert "Can families reunite?" in page
    assert "Can they take any job?" not in page


def test_csv_one_row_per_change_and_country_with_inert_cells(
    client: Client, release: Release
) -> None:
    response = client.get("/ARE/1/recommendations/AT/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "ARE-1-recommendations-AT.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    q1 = [r for r in rows if r["indicator"] == "q1"]
    assert [(r["peer"], r["peer_name"]) for r in q1] == [("BE", "Belgium"), ("DE", "Germany")]
    assert float(q1[0]["gain"]) == 25.0
    assert float(q1[0]["group_gain"]) == 50.0
    assert q1[0]["justification"] == '\'=HYPERLINK("x")'  # never run as a formula
    assert q1[1]["sources"] == "Employment Act art. 3 (2015) https://example.org/employment-act"
    assert {(r["indicator"], r["proposed"]) for r in rows} == {
        ("q1", "true"),
        ("q2", "a"),
        ("q2", "b"),
        ("q3", "true"),
    }


def test_api(client: Client, release: Release) -> None:
    body = client.get("/api/v1/releases/ARE/1/recommendations/AT").json()
    got = [
        (r["group"], r["indicator"], r["proposed_label"], r["gain"])
        for r in body["recommendations"]
    ]
    assert got == [
        ("A", "q1", "Yes", 25.0), ("A", "q2", "Yes, any job", 25.0),
        ("A", "q2", "Some jobs", 12.5), ("B", "q3", "Yes", 50.0),
    ]  # fmt: skip
    assert [p["name"] for p in body["recommendations"][3]["peers"]] == ["France", "Germany"]


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/ARE/1/recommendations/XX/", 404, "There is no country “XX” in this release."),
        ("/ARE/1/recommendations/AT/?level=nope", 200, "There is no level “nope”"),
        ("/ARE/1/recommendations/AT/?area=ZZ", 200, "There is no area “ZZ”"),
        ("/ARE/2/recommendations/AT/", 404, ""),
    ],
)
def test_bad_input_says_why(
    client: Client, release: Release, url: str, status: int, says: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert says in response.content.decode()


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("recommendations/XX", 404, "There is no country “XX” in this release."),
        ("recommendations/AT?level=nope", 422, "There is no level “nope”"),
        ("recommendations/AT?area=ZZ", 422, "There is no area “ZZ”"),
    ],
)
def test_api_bad_input_is_a_4xx_with_detail(
    client: Client, release: Release, url: str, status: int, says: str
) -> None:
    response = client.get(f"/api/v1/releases/ARE/1/{url}")
    assert response.status_code == status
    assert says in response.json()["detail"]


def test_a_flat_index_has_no_areas_to_recommend_by(client: Client, published: Release) -> None:
    response = client.get("/TOY/2024.1/recommendations/AA/")
    assert response.status_code == 404
    assert "This index has no areas" in response.content.decode()
    api = client.get("/api/v1/releases/TOY/2024.1/recommendations/AA")
    assert api.status_code == 404
    assert "no areas" in api.json()["detail"]


def test_embargoed_is_hidden_from_the_public(client: Client, db: None, insider: Any) -> None:
    import datetime as dt

    publish("9", publish_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    routes = [
        "/ARE/9/recommendations/AT/",
        "/ARE/9/recommendations/AT/?format=csv",
        "/api/v1/releases/ARE/9/recommendations/AT",
        "/api/v1/releases/ARE/9/peers/AT",
        "/ARE/9/typology/",
        "/ARE/9/typology/chart.csv",
        "/api/v1/releases/ARE/9/typology",
    ]
    for route in routes:
        assert client.get(route).status_code == 404, route
    client.force_login(insider)  # the embargo role sees every one of them
    for route in routes:
        assert client.get(route).status_code == 200, route


def test_a_built_index_ranks_changes_by_rebuilding(
    client: Client, db: None, robust_files: tuple[Path, Path]
) -> None:
    """Each of AT's values moved to the best the countries show, the index rebuilt (decision
    049; hand-checked in tests/analysis/test_rebuilt.py): a1 to NL's 80 gains 24.75."""
    framework, data = robust_files
    publish_release(polindex.load_index(framework), data, version="b")
    page = client.get("/T/b/recommendations/AT/")
    assert page.status_code == 200
    assert "construction pipeline" not in page.content.decode()
    api = client.get("/api/v1/releases/T/b/recommendations/AT")
    assert api.status_code == 200
    first = api.json()["recommendations"][0]
    assert (first["indicator"], first["proposed"]) == ("a1", "80")
    assert first["gain"] == pytest.approx(24.75)
    assert [p["unit"] for p in first["peers"]] == ["NL"]
    assert first["effective_weight"] is None  # gains of a build do not add up
    assert first["step"] == pytest.approx(100.0)  # the whole observed range, 10 to 80
    assert "1 country already does at least as well" in page.content.decode()
    csv = client.get("/T/b/recommendations/AT/?format=csv")
    assert csv.status_code == 200
    assert "a1" in csv.content.decode()
    profile = client.get("/T/b/AT/").content.decode()
    assert 'id="similar"' in profile
    assert "/T/b/recommendations/" in profile
    assert client.get("/T/b/typology/").status_code == 200


def test_hostile_choices_are_escaped(client: Client, release: Release) -> None:
    page = client.get("/ARE/1/recommendations/AT/?level=<script>x</script>").content.decode()
    assert "There is no level “&lt;script&gt;x&lt;/script&gt;”" in page
    typology = client.get("/ARE/1/typology/?k=99999999999999999999999&method=<b>")
    assert typology.status_code == 200
    assert "&lt;b&gt;" in typology.content.decode()
