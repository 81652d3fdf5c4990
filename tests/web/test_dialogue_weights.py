"""Your own weights: the page and the API route, with hand-checked rankings."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from polindex.cli import app
from polindex.web.releases.models import Release

# The `two` release in 2024 (areas A, B, C, D; one yes/no question each):
#   XX: 100, 100,   0,   0 → 50    YY: 0, 100, 100, 100 → 75    ZZ: 0, 0, 0, 100 → 25
# Weights A 5, the others 1 (official):
#   XX: (5×100 + 100) / 8 = 75     YY: 300 / 8 = 37.5            ZZ: 100 / 8 = 12.5
URL = "/TWO/1/weights/"


def _cells(page: str) -> list[list[str]]:
    """The weights table's rows as text cells."""
    import re

    body = page.split('<table id="weights-ranking">')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def test_the_ranking_under_your_weights(client: Client, two: Release) -> None:
    response = client.get(URL, {"level": "area", "w.A": "5"})
    page = response.content.decode()
    assert response.status_code == 200
    assert _cells(page) == [
        ["XX", "1", "2", "+1", "75.0", "50.0"],
        ["YY", "2", "1", "−1", "37.5", "75.0"],
        ["ZZ", "3", "3", "0", "12.5", "25.0"],
    ]
    assert "This release has no uncertainty analysis" in page
    assert 'name="w.A" value="5"' in page
    assert 'href="/TWO/1/weights/?level=area"' in page  # reset
    assert "/api/v1/releases/TWO/1/weights?weights=A%3A5" in page


def test_blank_weights_keep_the_official_ranking(client: Client, two: Release) -> None:
    page = client.get(URL).content.decode()
    assert [r[1] for r in _cells(page)] == [r[2] for r in _cells(page)] == ["1", "2", "3"]
    assert "No weight is changed yet" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"w.A": "0", "w.B": "0", "w.C": "0", "w.D": "0"},
            "All the weights under “Two-area index” are zero",
        ),
        ({"w.A": "-1"}, "Access: the weight must be a number from 0 to 5 (got “-1”)."),
        ({"w.A": "6"}, "Access: the weight must be a number from 0 to 5 (got “6”)."),
        ({"w.A": "lots"}, "Access: the weight must be a number from 0 to 5 (got “lots”)."),
        ({"w.A": "nan"}, "Access: the weight must be a number from 0 to 5 (got “nan”)."),
        ({"w.Q9": "1"}, "There is no node “Q9” in this index."),
        ({"w.TWO": "1"}, "The index itself has no weight"),
    ],
)
def test_weights_that_cannot_be_used(
    client: Client, two: Release, query: dict[str, str], message: str
) -> None:
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    api = client.get(
        "/api/v1/releases/TWO/1/weights",
        {"weights": ",".join(f"{k[2:]}:{v}" for k, v in query.items())},
    )
    assert api.status_code == 422
    assert message.split("“")[0].split(":")[0] in api.json()["detail"]


def test_an_unknown_level_says_so(client: Client, two: Release) -> None:
    page = client.get(URL, {"level": "<b>x"}).content.decode()
    assert "There is no level “&lt;b&gt;x” in this index" in page


def test_the_indicator_level_weighs_indicators(client: Client, two: Release) -> None:
    page = client.get(URL, {"level": "indicator"}).content.decode()
    assert 'name="w.a1"' in page
    assert 'name="w.A"' not in page


def test_the_api_ranks_as_the_page(client: Client, two: Release) -> None:
    out = client.get("/api/v1/releases/TWO/1/weights", {"weights": "A:5"}).json()
    assert [
        (r["unit"], r["custom_score"], r["custom_rank"], r["places_gained"]) for r in out["rows"]
    ] == [("XX", 75.0, 1, 1), ("YY", 37.5, 2, -1), ("ZZ", 12.5, 3, 0)]
    assert out["weights"]["A"] == 5.0
    assert out["weights"]["B"] == 1.0
    assert (out["intervals"], out["within"]) == (False, None)
    bad = client.get("/api/v1/releases/TWO/1/weights", {"weights": "A5"})
    assert bad.status_code == 422
    assert "not CODE:WEIGHT" in bad.json()["detail"]


def test_an_embargoed_release_is_not_found(
    client: Client, published: Release, embargoed: Release, insider: Any
) -> None:
    assert client.get("/TOY/2025.1/weights/").status_code == 404
    page = client.get("/TOY/2024.1/weights/").content.decode()
    assert "&lt;b&gt;CC" in page  # a unit's name is escaped
    assert "<b>CC" not in page
    assert client.get("/api/v1/releases/TOY/2025.1/weights").status_code == 404
    client.force_login(insider)
    assert client.get("/TOY/2025.1/weights/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_custom_ranks_against_the_rank_intervals(robust_files: Any) -> None:
    framework, data = robust_files
    result = CliRunner().invoke(
        app, ["release", "create", str(framework), str(data), "--version", "1", "--robustness"]
    )
    assert result.exit_code == 0, result.output
    release = Release.objects.get(version="1")
    summary = release.robustness["uncertainty"]["summary"]
    ranks = dict(release.scores.filter(node="T").values_list("unit", "rank"))
    # official weights: each custom rank is the official one; inside its interval or not
    inside = sum(1 for s in summary if s["rank_q05"] <= ranks[s["unit"]] <= s["rank_q95"])
    client = Client()
    page = client.get("/T/1/weights/").content.decode()
    assert f"{inside} of {len(summary)} countries keep a rank inside" in page
    out = client.get("/api/v1/releases/T/1/weights").json()
    assert (out["within"], out["of"]) == (inside, len(summary))
    low = {s["unit"]: s["rank_q05"] for s in summary}
    assert all(r["interval_low"] == low[r["unit"]] for r in out["rows"])
    assert json.dumps(out)  # plain JSON


def test_the_page_in_french(client: Client, two: Release) -> None:
    page = client.get("/fr/TWO/1/weights/", {"w.A": "5"}).content.decode()
    assert "<h1>Vos propres pondérations" in page
    assert "Cette publication n’a pas d’analyse d’incertitude" in page
    assert ">37,5</td>" in page  # YY under the weights, with a decimal comma
    bad = client.get("/fr/TWO/1/weights/", {"w.A": "9"})
    assert bad.status_code == 400
    assert "le poids doit être un nombre de 0 à 5 (reçu « 9 »)" in bad.content.decode()


def test_a_release_without_inputs_is_ranked_from_its_indicator_scores(
    client: Client, two: Release
) -> None:
    Release.objects.filter(pk=two.pk).update(inputs_csv="")  # as a release of scores only
    page = client.get(URL, {"w.A": "5"}).content.decode()
    assert [[r[0], r[1], r[4]] for r in _cells(page)] == [
        ["XX", "1", "75.0"],
        ["YY", "2", "37.5"],
        ["ZZ", "3", "12.5"],
    ]
