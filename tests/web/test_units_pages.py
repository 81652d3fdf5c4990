"""Pages read right (issue 14): unit names not codes, the EU level apart from the countries and
off the map, scores with the index's decimals, "best" by polarity, band labels in French.

IMPIC's real framework (examples/impic/framework.yaml, lower is better, scale 0–1, er and ed
declared as the EU level) is published with invented values, so no third-party data are needed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.test import Client

import polindex
from polindex.demo import synthetic_data
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

IMPIC = Path(__file__).parents[2] / "examples" / "impic" / "framework.yaml"
# each unit's value on every item (the index is then that value): er would be the most
# restrictive "country" and the lowest is the best
VALUES = {"de": 0.3812, "at": 0.4312, "se": 0.3611, "er": 0.6653, "ed": 0.3502}
SYNTH = Path(__file__).parents[2] / "src" / "polindex" / "demo" / "synthetic.yaml"


@pytest.fixture
def impic(db: None) -> Release:
    definition = polindex.load_index(IMPIC)
    data = [
        (u, 2010, ind.code, v) for u, v in VALUES.items() for ind in definition.framework.indicators
    ]
    results = polindex.score(definition, data)
    return publish_release(results, version="2016", publish_at=dt.datetime.now(dt.UTC))


def _table(body: str, selector: str) -> str:
    found = re.search(rf"<table {selector}>.*?</table>", body, re.S)
    assert found is not None, selector
    return found.group(0)


def test_impic_pages_name_countries_and_show_two_decimals(client: Client, impic: Release) -> None:
    body = client.get("/ImmPol/2016/de/").content.decode()
    assert "<title>Germany — Immigration Policies in Comparison (IMPIC) index</title>" in body
    assert "<h1>Germany <small>" in body
    assert '<td class="num">0.38</td>' in body  # 0.3812 on a 0–1 scale: 2 decimals, not "0.4"
    embed = client.get("/ImmPol/2016/chart/ranking/ImmPol/2010.html").content.decode()
    assert "<td>Germany</td><td>0.38</td>" in embed  # the chart's table, not 0.3812
    assert "<td>0.3812</td>" not in embed  # (the spec keeps the full value)
    french = client.get("/fr/ImmPol/2016/de/").content.decode()
    assert "<title>Allemagne — " in french
    assert '<td class="num">0,38</td>' in french
    # IMPIC's own texts are English only: French pages say so, English ones need not
    assert "publie ses propres textes (noms de ses domaines et indicateurs) en anglais" in french
    assert 'class="language-note"' not in body
    release = client.get("/ImmPol/2016/").content.decode()
    ranking = _table(release, 'id="ranking"')
    assert '>Sweden</a></td><td class="num">0.36</td>' in ranking
    assert ">de<" not in ranking


def test_the_eu_level_is_neither_ranked_nor_on_the_map_but_shown_apart(
    client: Client, impic: Release
) -> None:
    body = client.get("/ImmPol/2016/").content.decode()
    ranking = _table(body, 'id="ranking"')
    assert "EU regulations" not in ranking
    assert "EU directives" not in ranking
    # lower is better: Sweden (0.36) first, Austria (0.43) last of three countries
    ranks = re.findall(r'<td class="num">(\d+)</td><td><a href="/ImmPol/2016/(\w+)/">', ranking)
    assert ranks == [("1", "se"), ("2", "de"), ("3", "at")]
    apart = _table(body, 'class="apart"')
    assert "<caption>EU level <small>(not ranked among countries)</small></caption>" in apart
    assert '>EU directives</a></td><td class="num">0.35</td>' in apart
    assert '>EU regulations</a></td><td class="num">0.67</td>' in apart
    # the map colours the three countries, not Eritrea (er) nor anything for ed
    # countries are filled through SVG attributes (no inline style under the CSP)
    assert '<g class="se country map-element" fill="#' in body
    assert '<g class="at country map-element" fill="#' in body
    assert '<g class="er country map-element" fill=' not in body  # er is not Eritrea
    assert re.search(
        r'<g class="de country map-element" fill="#[0-9a-f]{6}"><title>Germany: 0.38</title>',
        body,
    )
    # nor are they bars of the ranking chart, whose axis shows names
    spec = client.get("/ImmPol/2016/chart/ranking/ImmPol/2010.json").json()
    assert [v["name"] for v in spec["data"]["values"]] == ["Sweden", "Germany", "Austria"]
    assert spec["encoding"]["y"]["field"] == "name"
    # the EU level's own page says what it is
    er = client.get("/ImmPol/2016/er/").content.decode()
    assert "<h1>EU regulations <small>" in er
    assert "never ranked among them nor drawn on the map" in er


def test_search_finds_a_country_by_its_name_in_any_language(client: Client, impic: Release) -> None:
    for prefix in ("", "/fr"):  # English, French: each links to its language's pages
        body = client.get(f"{prefix}/search/?q=Allemagne").content.decode()
        assert f'href="{prefix}/ImmPol/2016/de/"' in body, prefix
    assert "Germany (de)" in client.get("/search/?q=germ").content.decode()
    assert "Allemagne (de)" in client.get("/fr/search/?q=germ").content.decode()
    assert 'href="/ImmPol/2016/er/"' in client.get("/search/?q=regulations").content.decode()


def test_compare_marks_the_lowest_score_best_when_lower_is_better(
    client: Client, impic: Release
) -> None:
    body = client.get("/ImmPol/2016/compare/?units=de,at,se&period=2010").content.decode()
    table = _table(body, 'id="comparison"')
    index_row = table[table.index('href="/ImmPol/2016/node/ImmPol/"') :].split("</tr>")[0]
    cells = re.findall(r'<td class="num">(.*?)</td>', index_row)
    # Germany, Austria, Sweden, then the spread: Sweden's 0.36 is the best, not Austria's 0.43
    assert cells == [
        "0.38",
        "0.43",
        '<strong>0.36</strong><span class="sr"> (best)</span>',
        "0.07",
    ]
    assert "(lower scores are better)" in table
    assert '<a href="/ImmPol/2016/se/">Sweden</a></th>' in table  # names in the header
    chooser = body[body.index("<fieldset>") : body.index("</fieldset>")]
    assert "> Austria</label>" in chooser
    # countries by name first, then the EU level
    assert chooser.index("Sweden") < chooser.index("EU directives")
    # every chart's score axis says which end is better (the compare chart said "Score")
    for chart in ("compare/2010/de,at,se", "ranking/ImmPol/2010", "series/de"):
        spec = client.get(f"/ImmPol/2016/chart/{chart}.json").json()
        axes = [spec["encoding"][a].get("title") for a in ("x", "y") if a in spec["encoding"]]
        assert "Score (lower is better)" in axes, chart


def test_band_labels_and_colours_in_french_and_no_empty_band_column(
    client: Client, impic: Release
) -> None:
    data = synthetic_data()
    results = polindex.score(polindex.load_index(SYNTH), data)
    publish_release(results, version="demo", publish_at=dt.datetime.now(dt.UTC), synthetic=True)
    body = client.get("/fr/SYNTH/demo/").content.decode()
    ranking = _table(body, 'id="ranking"')
    assert '<a class="sort" href="?sort=band&amp;order=desc">Catégorie</a></th>' in ranking
    assert "Légèrement favorable" in ranking
    assert "slightly_favourable" not in body  # no band code anywhere on the page
    swatch = '<rect width="16" height="16" fill="#d1e5f0"/></svg> Légèrement favorable'
    assert swatch in body
    assert ">Synthétique A</a>" in ranking  # the demo's own names for its invented countries
    spec = client.get("/fr/SYNTH/demo/chart/ranking/SYNTH/2024.json").json()
    colour = spec["encoding"]["color"]["scale"]
    assert "Légèrement favorable" in colour["domain"]
    assert colour["range"][colour["domain"].index("Légèrement favorable")] == "#d1e5f0"
    profile = client.get("/fr/SYNTH/demo/Synthetic-A/").content.decode()
    assert "slightly_favourable" not in profile
    # IMPIC has no bands: no band column on its ranking nor its profile
    impic_body = client.get("/ImmPol/2016/").content.decode()
    assert ">Band</th>" not in impic_body
    assert ">Band</th>" not in client.get("/ImmPol/2016/de/").content.decode()
    assert "Band" in client.get("/SYNTH/demo/").content.decode()


def test_raw_values_read_with_their_unit_and_precision(client: Client, db: None) -> None:
    fw = polindex.load_framework(
        {
            "code": "RAW",
            "name": "Raw",
            "indicators": [
                {"code": "wait", "type": "numeric", "unit": "months", "bounds": [0, 48],
                 "goalposts": [0, 24], "direction": -1},
                {"code": "ok", "type": "boolean"},
            ],
        }
    )  # fmt: skip
    results = polindex.score(fw, [("FR", 2024, "wait", 8.66666666667), ("FR", 2024, "ok", "yes")])
    publish_release(results, version="1", publish_at=dt.datetime.now(dt.UTC))
    body = client.get("/RAW/1/FR/").content.decode()
    assert "<td>8.7 months</td>" in body  # bounds 0–48: one decimal, not 8.66666666667
    assert "8.666" not in body
    assert "<td>Yes</td>" in body
    assert "<td>Oui</td>" in client.get("/fr/RAW/1/FR/").content.decode()


def test_api_units_give_names_kinds_iso_codes_and_groups(client: Client, impic: Release) -> None:
    units = {u["unit"]: u for u in client.get("/api/v1/releases/ImmPol/2016/units").json()}
    assert units["de"]["name"] == "Germany"
    assert units["de"]["iso"] == {"alpha_2": "DE", "alpha_3": "DEU", "numeric": "276"}
    assert units["er"] == {
        "unit": "er",
        "periods": ["2010"],
        "name": "EU regulations",
        "names": {"en": "EU regulations", "fr": "EU regulations"},
        "kind": "supranational",
        "iso": None,
        "groups": ["EU-level"],
    }
    doc = json.loads(client.get("/ImmPol/2016/download/json").getvalue())
    assert doc["unit_groups"] == {
        "EU-level": {"en": "EU level", "fr": "EU level"},
        "EU": {"en": "EU member states (2010)", "fr": "EU member states (2010)"},
    }


def test_an_unlabelled_question_is_named_by_its_text_never_its_code(
    client: Client, db: None
) -> None:
    # regression: the MIPEX-style profile listed its questions as AN1, AD7… (they have a
    # question text but no label)
    fw = {
        "code": "Q", "name": {"en": "Questions"},
        "indicators": [
            {"code": "AN1", "type": "boolean", "question": {"en": "Is dual nationality allowed?"}},
            {"code": "AN2", "type": "boolean", "label": {"en": "Residence"}},
        ],
    }  # fmt: skip
    data = [("AT", 2024, "AN1", "yes"), ("AT", 2024, "AN2", "no")]
    publish_release(polindex.score(fw, data), version="1", publish_at=dt.datetime.now(dt.UTC))
    body = client.get("/Q/1/AT/").content.decode()
    assert ">Is dual nationality allowed?</a>" in body
    assert ">Residence</a>" in body
    assert ">AN1</a>" not in body
