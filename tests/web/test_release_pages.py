"""The pages a visitor expects (issue 14, point 4) on IMPIC's real framework: the release page
(what the index measures, key findings, a ranking with change and area columns that sorts and
filters as its URL says, the map of any node), the node view's chart / table / map tabs, the
country profile's baseline and charts — every expected value computed here from the release's
stored scores.

IMPIC (scale 0–1, two decimals, lower = more open) is published with invented values (a seeded
generator) for six countries, the EU level and three years: no third-party data needed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.test import Client

import polindex
from polindex.web.releases.models import Index, Release, ReleaseScore
from polindex.web.releases.publish import publish_release

IMPIC = Path(__file__).parents[2] / "examples" / "impic" / "framework.yaml"
COUNTRIES = ["de", "at", "se", "fr", "us", "ch"]  # de, at, se and fr are in the EU group
EU = {"de", "at", "se", "fr"}
YEARS = (2008, 2009, 2010)
FINDINGS = "# Findings\n\n* **Sweden** is the most open.<script>alert(1)</script>\n"


@pytest.fixture(scope="module")
def impic(django_db_setup: None, django_db_blocker: Any) -> Iterator[Release]:
    """The release, published once for the module's tests (each test's own changes are rolled
    back as usual) and removed afterwards."""
    definition = polindex.load_index(IMPIC)
    rng = np.random.default_rng(14)
    data = [
        (unit, year, item.code, round(float(rng.uniform(0, 1)), 3))
        for unit in [*COUNTRIES, "er", "ed"]
        for year in YEARS
        for item in definition.framework.indicators
    ]
    with django_db_blocker.unblock():
        release = publish_release(
            polindex.score(definition, data), version="2016", key_findings=FINDINGS,
            publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        )  # fmt: skip
    yield release
    with django_db_blocker.unblock():  # (a release refuses to be deleted: its rows go by query)
        ReleaseScore.objects.filter(release=release).delete()
        Release.objects.filter(pk=release.pk).delete()
        Index.objects.filter(code="ImmPol").delete()


def _scores(release: Release, node: str, period: str) -> dict[str, float]:
    """The stored score of each country (the EU level left out) on ``node`` in ``period``."""
    rows = release.scores.filter(node=node, period=period).exclude(unit__in=["er", "ed"])
    return {s.unit: s.score for s in rows}


def _ranking(body: str) -> str:
    found = re.search(r'<table id="ranking">.*?</table>', body, re.S)
    assert found is not None
    return found.group(0)


def _units(table: str) -> list[str]:
    return re.findall(r'<td><a href="/ImmPol/2016/(\w+)/">', table)


def _name(release: Release, unit: str) -> str:
    return release.unit_table.name(unit, "en")


def test_sorted_by_an_area_descending_the_highest_score_comes_first(
    client: Client, db: None, impic: Release
) -> None:
    area = "Reg_B"  # Labour migration: regulations
    scores = _scores(impic, area, "2010")
    highest = max(scores, key=lambda u: scores[u])
    body = client.get(f"/ImmPol/2016/?sort={area}&order=desc").content.decode()
    table = _ranking(body)
    assert _units(table) == sorted(scores, key=lambda u: -scores[u])
    first_row = table[table.index(f'<td><a href="/ImmPol/2016/{highest}/">') :].split("</tr>")[0]
    assert f">{_name(impic, highest)}</a>" in first_row  # a name, never the code
    assert f'<td class="num">{scores[highest]:.2f}</td>' in first_row  # 2 decimals on 0–1
    # the column says it is sorted, and a click sorts it the other way
    assert 'aria-sort="descending"><a class="sort" href="?sort=Reg_B&amp;order=asc">' in table
    assert "Labour migration: regulations" in table  # the area's name heads its column
    # the default is the rank, best (lowest: lower is more open) first
    default = _ranking(client.get("/ImmPol/2016/").content.decode())
    index = _scores(impic, "ImmPol", "2010")
    assert _units(default) == sorted(index, key=lambda u: index[u])
    assert "lower scores are better" in default


def test_filtering_by_group_keeps_its_countries_and_their_ranks(
    client: Client, db: None, impic: Release
) -> None:
    body = client.get("/ImmPol/2016/?group=eu&sort=name").content.decode()  # any case
    table = _ranking(body)
    assert set(_units(table)) == EU
    assert _units(table) == sorted(EU, key=lambda u: _name(impic, u))  # by name, as asked
    assert "— EU member states (2010)" in table  # the caption names the group
    index = _scores(impic, "ImmPol", "2010")
    rank = 1 + sorted(index.values()).index(index["de"])  # Germany's rank among all countries
    assert f'<td class="num">{rank}</td><td><a href="/ImmPol/2016/de/">' in table
    assert 'class="apart"' not in body  # the EU level belongs to another group
    assert '<option value="EU" selected>' in body
    # the EU level's group: no country, the two EU-level units apart
    level = client.get("/ImmPol/2016/?group=EU-level").content.decode()
    assert "No country in this selection." in _ranking(level)
    assert ">EU regulations</a>" in level
    assert ">EU directives</a>" in level


@pytest.mark.parametrize(
    ("path", "notice"),
    [
        ("/ImmPol/2016/?group=asean", "There is no group “asean” in this index"),
        ("/ImmPol/2016/?sort=%3Cscript%3E", "There is no column “&lt;script&gt;” to sort by"),
        ("/ImmPol/2016/?node=nope", "There is no node “nope” in this index"),
        ("/ImmPol/2016/node/Reg_A/?sort=change2", "There is no column “change2” to sort by"),
        ("/ImmPol/2016/de/?baseline=2011", "2011 is not a period before 2010"),
        ("/ImmPol/2016/de/?period=2008&baseline=2008", "2008 is the first period"),
    ],
)
def test_a_bad_address_gives_the_default_view_and_says_why(
    client: Client, db: None, impic: Release, path: str, notice: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert notice in response.content.decode()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/ImmPol/2016/node/Reg_A/?tab=%3Cb%3E", 200),  # the default tab
        ("/ImmPol/2016/node/Reg_A/?units=zz,,de,de", 200),  # the known unit, once
        ("/ImmPol/2016/node/a01/?tab=table&group=x&sort=y", 200),
        ("/ImmPol/2016/?period=1999", 404),
        ("/ImmPol/2016/node/nope/", 404),
        ("/ImmPol/2016/chart/trend/Reg_A/de,zz.csv", 404),
        ("/ImmPol/2016/chart/trend/Reg_A/de,de.csv", 404),
        ("/ImmPol/2016/chart/trend/nope/de.csv", 404),
        ("/ImmPol/2016/chart/areas/de/1999.csv", 404),
        ("/ImmPol/2016/chart/areas/zz/2010.csv", 404),
        ("/ImmPol/2016/chart/area-series/zz.json", 404),
        ("/NOPE/", 404),
    ],
)
def test_no_input_gives_an_error_page(
    client: Client, db: None, impic: Release, path: str, status: int
) -> None:
    assert client.get(path).status_code == status


def test_the_ranking_shows_the_change_since_the_period_before_by_polarity(
    client: Client, db: None, impic: Release
) -> None:
    now, before = _scores(impic, "ImmPol", "2010"), _scores(impic, "ImmPol", "2009")
    body = client.get("/ImmPol/2016/").content.decode()
    table = _ranking(body)
    assert "Change since 2009" in table
    for unit in COUNTRIES:
        change = round(now[unit] - before[unit], 2)
        row = table[table.index(f'/ImmPol/2016/{unit}/">') :].split("</tr>")[0]
        if change == 0:
            assert '<td class="num">0.00</td>' in row
            continue
        arrow, sign = ("▲", "+") if change > 0 else ("▼", "−")
        verdict = "worse" if change > 0 else "better"  # IMPIC: lower is more open
        assert f'<span class="{verdict}">{arrow} {sign}{abs(change):.2f}</span>' in row, unit


def test_the_map_of_any_node_titles_and_links_each_country(
    client: Client, db: None, impic: Release
) -> None:
    scores = _scores(impic, "Reg_C", "2010")
    body = client.get("/ImmPol/2016/?node=Reg_C").content.decode()
    assert "Map: Asylum and refugees: regulations, 2010" in body
    assert (
        '<g class="de country map-element" fill="#'
    ) in body  # fmt: skip
    group = re.search(
        r'<g class="de country map-element" fill="#[0-9a-f]{6}">(.*?)</g>', body, re.S
    )
    assert group is not None
    assert group.group(1).startswith(
        f'<title>Germany: {scores["de"]:.2f}</title><a href="/ImmPol/2016/de/" tabindex="-1">'
    )
    assert '<g class="er country map-element" fill=' not in body  # the EU level is no country
    # the legend: the colours from best (lowest) to worst, with the scores they stand for
    best = min(scores.values())
    assert re.search(
        rf'<span class="legend-label">Best</span> <span class="legend-values">{best:.2f}'
        r"( to \d\.\d\d)?</span>",
        body,
    )
    # the node's own page shows the same map on its map tab
    node = client.get("/ImmPol/2016/node/Reg_C/?tab=map").content.decode()
    assert f"<title>Germany: {scores['de']:.2f}</title>" in node


def test_the_release_page_says_what_the_index_measures_and_what_it_found(
    client: Client, db: None, impic: Release
) -> None:
    body = client.get("/ImmPol/2016/").content.decode()
    assert "What the index measures" in body
    assert "How restrictive immigration policy is overall" in body  # the framework's words
    assert '<h2 id="findings">Key findings</h2>' in body
    assert "<h3>Findings</h3>" in body  # the team's Markdown, its headings under the page's
    assert "<li><strong>Sweden</strong> is the most open.</li>" in body
    assert "<script>alert" not in body  # sanitised
    assert "Published on " in body
    assert "Helbling, M., Bjerre, L." in body  # the citation
    assert '<a href="https://www.impic-project.eu/"' in body  # the licence, linked
    assert 'href="/ImmPol/2016/download/datapackage.zip"' in body
    assert "mailto:?subject=Immigration%20Policies" in body  # share by e-mail
    assert 'value="http://testserver/ImmPol/2016/"' in body  # the page's address to copy


def test_the_node_view_has_chart_table_and_map_tabs_on_one_address(
    client: Client, db: None, impic: Release
) -> None:
    scores = _scores(impic, "Reg_A", "2010")
    best = sorted(scores, key=lambda u: (scores[u], _name(impic, u)))[:5]  # lower is better
    chart = client.get("/ImmPol/2016/node/Reg_A/").content.decode()  # the chart tab
    assert '<a href="?tab=chart" aria-current="page" class="current">Chart</a>' in chart
    assert f'href="/ImmPol/2016/chart/trend/Reg_A/{",".join(best)}.csv"' in chart
    assert '&lt;iframe src="http://testserver/ImmPol/2016/chart/trend/Reg_A/' in chart  # embed
    # the text alternative: each period's score of each country drawn
    trend = re.search(r'<table id="trend-table">.*?</table>', chart, re.S)
    assert trend is not None
    before = _scores(impic, "Reg_A", "2008")
    assert f'<th scope="row">2008</th><td class="num">{before[best[0]]:.2f}</td>' in trend.group(0)
    # the text alternative reads in the page's language, numbers in its notation
    french = client.get("/fr/ImmPol/2016/node/Reg_A/").content.decode()
    first = f"{before[best[0]]:.2f}".replace(".", ",")
    name = impic.unit_table.name(best[0], "fr")
    told = f"Family reunification: regulations dans le temps\u00a0: {name} de {first} (2008)"
    assert told in french
    # other countries, chosen in the URL; their data as CSV
    chosen = client.get("/ImmPol/2016/node/Reg_A/?units=us,de").content.decode()
    assert 'href="/ImmPol/2016/chart/trend/Reg_A/us,de.csv"' in chosen
    assert '<input type="checkbox" name="u" value="us" checked>' in chosen
    csv = client.get("/ImmPol/2016/chart/trend/Reg_A/us,de.csv").content.decode().splitlines()
    assert csv[0] == "unit,name,period,score,rank"
    assert csv[1].startswith("us,United States,2008,")
    assert len(csv) == 1 + 2 * len(YEARS)
    # the table tab: every country, sortable, with the node's children as columns
    table = client.get("/ImmPol/2016/node/Reg_A/?tab=table&sort=score&order=desc").content
    units = _units(_ranking(table.decode()))
    assert units == sorted(scores, key=lambda u: -scores[u])
    assert "Family reunification: external regulations" in table.decode()  # a child column


def test_the_country_profile_measures_change_from_a_chosen_baseline(
    client: Client, db: None, impic: Release
) -> None:
    now, then = _scores(impic, "ImmPol", "2010"), _scores(impic, "ImmPol", "2008")
    body = client.get("/ImmPol/2016/de/?baseline=2008").content.decode()
    assert "change since 2008" in body
    assert '<option value="2008" selected>' in body
    row = body[body.index('href="/ImmPol/2016/node/ImmPol/"') :].split("</tr>")[0]
    change = round(now["de"] - then["de"], 2)
    assert f"{abs(change):.2f}</span>" in row
    assert "change since 2009" in client.get("/ImmPol/2016/de/").content.decode()  # default
    # links to compare, download and share
    assert 'href="/ImmPol/2016/compare/?units=de"' in body
    assert 'href="/ImmPol/2016/chart/areas/de/2010.csv"' in body
    assert 'href="/ImmPol/2016/chart/area-series/de.csv"' in body
    assert "mailto:?subject=Germany" in body


def test_the_profile_charts_give_the_areas_the_countries_mean_and_the_series(
    client: Client, db: None, impic: Release
) -> None:
    csv = client.get("/ImmPol/2016/chart/areas/de/2010.csv").content.decode().splitlines()
    assert csv[0] == "unit,name,node,label,score,rank,band,mean"
    reg_a = _scores(impic, "Reg_A", "2010")
    unit, name, node, label, score, _rank, _band, mean = csv[1].split(",")
    assert (unit, name, node, label) == (
        "de",
        "Germany",
        "Reg_A",
        "Family reunification: regulations",
    )
    assert float(score) == pytest.approx(reg_a["de"])
    assert float(mean) == pytest.approx(sum(reg_a.values()) / len(reg_a))  # countries only
    series = client.get("/ImmPol/2016/chart/area-series/de.csv").content.decode().splitlines()
    assert len(series) == 1 + (1 + 5) * len(YEARS)  # the index and its five areas, each year
    assert series[1].startswith("ImmPol,Immigration Policies in Comparison (IMPIC) index,2008,")


def test_the_latest_release_is_at_the_index_address(
    client: Client, published: Release, embargoed: Release, insider: Any
) -> None:
    response = client.get("/TOY/?sort=name")
    assert response.status_code == 302
    assert response["Location"] == "/TOY/2024.1/?sort=name"  # the query string kept
    client.force_login(insider)  # the latest *public* one, for the team too
    assert client.get("/TOY/")["Location"] == "/TOY/2024.1/"


def test_an_embargoed_release_carries_a_banner_for_those_who_see_it(
    client: Client, published: Release, embargoed: Release, insider: Any
) -> None:
    client.force_login(insider)
    for path in ("/TOY/2025.1/", "/TOY/2025.1/node/q1/", "/TOY/2025.1/AA/",
                 "/TOY/2025.1/compare/", "/TOY/2025.1/methodology/",
                 "/TOY/2025.1/chart/ranking/TOY/2024.html"):  # fmt: skip
        body = client.get(path).content.decode()
        assert '<div class="embargo" role="note"><p><strong>Under embargo</strong>' in body, path
    assert "Under embargo" not in client.get("/TOY/2024.1/").content.decode()
    assert "To be published on" in client.get("/TOY/2025.1/").content.decode()


def test_the_band_column_sorts_best_band_first_and_back(client: Client, published: Release) -> None:
    # regression: the band column had no sort link (issue 14)
    body = client.get("/TOY/2024.1/").content.decode()
    assert '<a class="sort" href="?sort=band&amp;order=desc">Band</a>' in body
    worst_first = client.get("/TOY/2024.1/?sort=band&order=asc").content.decode()
    table = worst_first[worst_first.index('<table id="ranking">') :].split("</table>")[0]
    assert 'aria-sort="ascending"><a class="sort" href="?sort=band&amp;order=desc">Band' in table
    names = re.findall(r'<td><a href="/TOY/2024\.1/[^"]*/">([^<]*)</a>', table)
    assert names == ["&lt;b&gt;CC", "Barbados", "AA"]  # low (0), then high (50, 100)
