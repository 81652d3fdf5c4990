"""The what-if page's form and table made in Python (decision 060): every text escaped, numbers
exactly as the template filters write them, kept parts never leaking between languages or
countries, and the API's body (written without the schema) still the schema's."""

from __future__ import annotations

import copy
import datetime as dt
import math
import re

import pytest
from django.test import Client
from django.utils import translation

import polindex
from polindex.web.dialogue.whatif_api import WhatIfOut
from polindex.web.dialogue.whatif_html import Numbers
from polindex.web.explorer.templatetags.scores import change, score
from polindex.web.releases.publish import publish_release

from .whatif_index import DATA, FW, wif  # noqa: F401 (a fixture)

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def hostile(db: None) -> None:
    """The what-if index with a hostile text in every label a what-if page shows."""
    fw = copy.deepcopy(FW)
    fw["code"] = "HOS"
    fw["bands"][1]["label"] = {"en": f"Fair {HOSTILE}", "fr": f"Moyen {HOSTILE}"}
    area = fw["areas"][0]
    area["label"] = {"en": f"Access {HOSTILE}", "fr": f"Accès {HOSTILE}"}
    area["indicators"][0]["label"] = {"en": f"Work {HOSTILE}", "fr": f"Travail {HOSTILE}"}
    area["indicators"][0]["options"][0]["label"] = {"en": f"Now {HOSTILE}", "fr": HOSTILE}
    area["indicators"][1]["unit"] = {"en": f"months {HOSTILE}", "fr": HOSTILE}
    results = polindex.score(polindex.load_framework(fw), DATA)
    publish_release(results, version="1", publish_at=dt.datetime.now(dt.UTC))


@pytest.mark.parametrize(
    "path",
    [
        "/HOS/1/what-if/CC/",  # the published figures
        "/HOS/1/what-if/CC/?q1=a",  # a change: the changed question made afresh
        "/HOS/1/what-if/CC/?q2=%3Cb%3E7",  # a wrong number, kept in its field
        "/fr/HOS/1/what-if/BB/?q1=a&q2=3",
    ],
)
def test_hostile_labels_and_values_are_escaped(client: Client, hostile: None, path: str) -> None:
    r = client.get(path)
    body = r.content.decode()
    assert r.status_code in (200, 400)
    assert "<script>alert" not in body
    assert "<b>7" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    if "q2=%3Cb" in path:
        assert 'value="&lt;b&gt;7"' in body  # the wrong number as given, escaped
        assert r.status_code == 400


@pytest.mark.usefixtures("wif")
def test_the_kept_questions_follow_the_language_and_the_country(client: Client) -> None:
    fr = client.get("/fr/WIF/1/what-if/AA/").content.decode()
    en = client.get("/WIF/1/what-if/AA/").content.decode()
    other = client.get("/WIF/1/what-if/BB/").content.decode()
    assert '<option value="a" selected>Immédiat</option>' in fr
    assert '<option value="a" selected>Immediate</option>' in en
    assert "Publié : 6,0 mois" in re.sub(r"<[^>]+>|\s+", " ", fr).replace("  ", " ")
    # BB's published answer is 'c' (never) and r2 does not apply there
    assert '<option value="c" selected>Never</option>' in other
    assert '<option value="a" selected>Immediate</option>' not in other
    assert '<option value="n/a" selected>Not applicable</option>' in other
    # a question changed is made afresh, the others as kept: the changed one is open
    changed = client.get("/WIF/1/what-if/AA/?q1=b").content.decode()
    assert '<option value="b" selected>After a year</option>' in changed
    assert '<p class="question changed">' in changed
    assert changed.count('<p class="question changed">') == 1


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_numbers_are_written_as_the_template_filters_write_them(lang: str, decimals: int) -> None:
    values = [0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.004, -0.004, 0.005, -0.0049, 12.345, 99.995,
              100.0, -56.25, 1e-12, 123456.789, -7.0, math.nan, None]  # fmt: skip
    values += [k / 7 - 50 for k in range(700)]
    with translation.override(lang):
        numbers = Numbers(decimals)
        for v in values:
            assert numbers.score(v) == score(v, decimals), v
            assert numbers.change(v) == change(v, decimals), v
    with translation.override("fr"):
        assert Numbers(2).score(56.25) == "56,25"  # (a hand-checked one)
        assert Numbers(1).change(-0.04) == "0,0"
        assert Numbers(1).change(-6.25) == "\u22126,2"


@pytest.mark.usefixtures("wif")
def test_the_api_body_is_the_schemas(client: Client) -> None:
    r = client.get("/api/v1/releases/WIF/1/what-if/CC?change=q1:a")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json; charset=utf-8"
    body = WhatIfOut.model_validate(r.json())
    index = body.nodes[0]
    # Access (50 + 50) / 2 = 50 → (75 + 50) / 2 = 62.5; the index (62.5 + 50) / 2 = 56.25
    assert (index.node, index.score, index.new_score, index.rank, index.new_rank) == (
        "WIF", 50.0, 56.25, 2, 2,
    )  # fmt: skip
    assert index.score_difference == 6.25
    assert index.rank_difference == 0
    assert [c.indicator for c in body.changes] == ["q1"]
    assert body.changes[0].before_label == "After a year"
    assert body.query == {"q1": "a"}
    assert list(r.json()) == list(WhatIfOut.model_fields)  # the schema's order
    assert list(r.json()["nodes"][0]) == list(type(body.nodes[0]).model_fields)


def test_an_unlabelled_question_is_named_by_its_text(client: Client, db: None) -> None:
    # regression: the MIPEX-style form and its table of changes named questions LMM1, LMM2…
    fw = copy.deepcopy(FW)
    fw["code"] = "TXT"
    q1 = fw["areas"][0]["indicators"][0]
    del q1["label"]
    q1["question"] = {"en": "Can migrants <work> at once?", "fr": "Travail immédiat ?"}
    publish_release(
        polindex.score(polindex.load_framework(fw), DATA), version="1",
        publish_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    body = client.get("/TXT/1/what-if/CC/?q1=a").content.decode()
    assert '<label for="q-q1">Can migrants &lt;work&gt; at once?</label>' in body
    assert ">Can migrants &lt;work&gt; at once?</a>" in body  # the table of changes
    goal = client.get("/TXT/1/goal/CC/", {"band": "strong"}).content.decode()
    assert "Can migrants &lt;work&gt; at once?" in goal
    assert ">q1<" not in body
    fr = client.get("/fr/TXT/1/what-if/CC/").content.decode()
    assert '<label for="q-q1">Travail immédiat ?</label>' in fr
