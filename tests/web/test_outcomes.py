"""Outcome indicators attached to a release: imported all or nothing, and set against a policy
node on the release's page (scatter with names, r and n, the periods aligned, the caveat)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from polindex.analysis.outcomes import link
from polindex.io.problems import DataError
from polindex.io.tables import Upload
from polindex.web.outcomes.importing import import_outcomes
from polindex.web.outcomes.models import Outcome, OutcomeValue
from polindex.web.outcomes.views import CHAR_WIDTH, DOT, LINE_HEIGHT, scatter
from polindex.web.releases.models import Release

# TOY 2024.1 scores the index 100 (AA), 50 (BB) and 0 (<b>CC)
FILE = (
    "outcome,label,unit,period,value,measure,source\n"
    "gap,Employment gap,AA,2025,3,pp,Synthetic survey\n"
    "gap,Employment gap,BB,2025,2,pp,Synthetic survey\n"
    "gap,Employment gap,<b>CC,2025,0.5,pp,Synthetic survey\n"
)


@pytest.fixture
def linked(published: Release) -> Release:
    import_outcomes(published, Upload("outcomes.csv", FILE.encode()))
    return published


def test_an_outcome_file_is_stored_with_its_values(linked: Release) -> None:
    outcome = Outcome.objects.get(release=linked)
    assert (outcome.code, outcome.label, outcome.measure, outcome.source_file) == (
        "gap",
        "Employment gap",
        "pp",
        "outcomes.csv",
    )
    values = {(v.unit, v.period): v.value for v in outcome.values.all()}
    assert values == {("AA", "2025"): 3.0, ("BB", "2025"): 2.0, ("<b>CC", "2025"): 0.5}
    # importing the outcome again replaces it
    import_outcomes(linked, Upload("outcomes.csv", FILE.replace(",3,", ",4,").encode()))
    assert OutcomeValue.objects.get(unit="AA").value == 4.0
    assert Outcome.objects.count() == 1


def test_a_bad_file_stores_nothing_and_says_where(published: Release) -> None:
    bad = FILE + "gap,Employment gap,ZZ,2025,x,pp,\n"
    with pytest.raises(DataError) as caught:
        import_outcomes(published, Upload("outcomes.csv", bad.encode()))
    assert [str(p) for p in caught.value.problems] == [
        "outcomes.csv row 5, column 'value': 'x': not a number",
        "outcomes.csv row 5, column 'unit': 'ZZ': not a unit of the release",
    ]
    assert not Outcome.objects.exists()
    assert not OutcomeValue.objects.exists()


def test_the_page_sets_the_index_against_the_outcome(linked: Release) -> None:
    page = Client().get("/TOY/2024.1/outcomes/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Correlation is not causation" in html
    # x = 100, 50, 0 and y = 3, 2, 0.5: sxy = 125, sxx = 5000, syy = 3.1667, r = 0.9934
    assert "Pearson's correlation r = 0.99 over 3 countries" in html
    assert "Policy scores of 2024 against outcomes of 2025, 1 year later." in html
    assert "&lt;b&gt;CC" in html
    assert "<b>CC" not in html  # a unit's name is text, in the table and in the chart
    assert html.count("<circle") == 3
    assert "Synthetic survey" in html
    assert "vega-embed" not in html  # the chart is drawn on the server: no script


def test_the_outcome_says_its_unit_in_the_table_and_on_the_axis(linked: Release) -> None:
    """The outcome column had no unit: a reader could not tell 3 from 3 %."""
    html = Client().get("/TOY/2024.1/outcomes/").content.decode()
    assert '>Outcome (2025, <span class="measure">pp</span>)</th>' in html
    assert 'class="label" text-anchor="middle">Employment gap (pp)</text>' in html


def _boxes(svg: str) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """The names written in a scatter (their estimated boxes) and its dots."""
    names = []
    for x, y, anchor, text in re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" class="name" text-anchor="(\w+)">(.*?)</text>', svg
    ):
        w = len(html.unescape(text)) * CHAR_WIDTH
        left = float(x) - w if anchor == "end" else float(x)
        names.append((left, float(y) - LINE_HEIGHT, left + w, float(y)))
    dots = [
        (float(cx) - DOT, float(cy) - DOT, float(cx) + DOT, float(cy) + DOT)
        for cx, cy in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    ]
    return names, dots


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_scatter_writes_only_the_names_that_overlap_nothing() -> None:
    """Twelve countries, some close together (the demo's labels ran over each other): each
    name written overlaps no other name and no dot; a name that fits nowhere is left to the
    dot's tooltip and the table."""
    pairs = [(f"Country {c}", x, y) for c, x, y in [
        ("A", 67.8, -3.4), ("B", 49.9, -8.9), ("C", 61.8, -6.8), ("D", 97.3, -6.5),
        ("E", 86.2, -4.9), ("F", 22.5, -13.2), ("G", 9.7, -11.4), ("H", 4.2, -13.3),
        ("I", 61.7, -7.4), ("J", 9.8, -10.3), ("K", 65.9, -8.2), ("L", 62.0, -7.0),
    ]]  # fmt: skip
    linkage = link({u: x for u, x, _ in pairs}, {u: y for u, _, y in pairs}, "2024", "2024")
    svg = str(scatter(linkage, {u: u for u, _, _ in pairs}, "Index", "Gap", 1, (0, 100)))
    names, dots = _boxes(svg)
    assert len(dots) == 12
    assert len(names) >= 8  # (one hemmed in would be left out: see place_labels)
    for i, a in enumerate(names):
        assert not any(_overlaps(a, b) for b in names[i + 1 :]), a
        assert not any(_overlaps(a, d) for d in dots), a
    assert svg.count("<title>") == 12  # each dot's tooltip


def test_a_dots_tooltip_is_worded_in_french(linked: Release) -> None:
    html = Client().get("/fr/TOY/2024.1/outcomes/").content.decode()
    assert "<title>Barbade\u00a0: 50,0\u202f; 2,00</title>" in html  # (BB: Barbados)


def test_a_choice_the_release_does_not_have_gives_the_default(linked: Release) -> None:
    page = Client().get("/TOY/2024.1/outcomes/?node=nope&outcome=<x>&period=1999")
    html = page.content.decode()
    assert page.status_code == 200
    assert "“nope” is not available here" in html
    assert "<x>" not in html
    assert "r = 0.99" in html


def test_a_release_without_outcomes_says_so(published: Release) -> None:
    html = Client().get("/TOY/2024.1/outcomes/").content.decode()
    assert "No outcome indicators have been imported for this release." in html


def test_an_embargoed_release_has_no_outcome_page_for_the_public(embargoed: Release) -> None:
    assert Client().get("/TOY/2025.1/outcomes/").status_code == 404


def test_the_french_page(linked: Release) -> None:
    html = Client().get("/fr/TOY/2024.1/outcomes/").content.decode()
    assert "La corrélation n’est pas la causalité" in html
    assert "r = 0,99" in html


def test_the_api_gives_the_same_figures(linked: Release) -> None:
    body = Client().get("/api/v1/releases/TOY/2024.1/outcomes?node=TOY&outcome=gap").json()
    assert (body["index"], body["version"], body["node"], body["period"]) == (
        "TOY",
        "2024.1",
        "TOY",
        "2024",
    )
    assert (body["outcome"], body["outcome_period"], body["measure"], body["n"]) == (
        "gap",
        "2025",
        "pp",
        3,
    )
    assert body["r"] == pytest.approx(125 / (5000 * 3.1666667) ** 0.5, abs=1e-6)
    assert body["r_low"] is None  # (3 countries: no interval)
    assert body["caveat"] == "Correlation is not causation."
    assert [p["unit"] for p in body["pairs"]] == ["<b>CC", "AA", "BB"]
    for query, problem in [
        ("outcome=nope", "no outcome 'nope' in this release"),
        ("node=nope", "no node 'nope' in this release"),
        ("period=1999", "no period '1999' in this release"),
        ("outcome_period=1999", "no period '1999' for this outcome"),
    ]:
        response = Client().get(f"/api/v1/releases/TOY/2024.1/outcomes?{query}")
        assert response.status_code == 200, query
        assert (response.json()["problems"], response.json()["pairs"]) == ([problem], [])
    assert Client().get("/api/v1/releases/TOY/nope/outcomes").status_code == 404


def test_the_api_without_outcomes_says_there_are_none(published: Release) -> None:
    body = Client().get("/api/v1/releases/TOY/2024.1/outcomes").json()
    assert (body["outcomes"], body["n"], body["pairs"]) == ([], 0, [])
    assert body["problems"] == ["this release has no outcome indicators"]
