"""French pages hold no English sentence: every public page kind under ``/fr/``, its text nodes,
its text alternatives (titles, labels), its charts' titles and summaries, and its numbers.

The release is bilingual all through (index, areas, indicators, units of measure, bands, the EU
level), so any English left on a French page comes from Polindex itself — a string missing from
the catalogue, a sentence built in code, a chart's axis title. The same checks run on the English
pages must find English, or they would prove nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from babel.messages.pofile import read_po
from django.test import Client

import polindex.web
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

BILINGUAL = {
    "code": "BI",
    "name": {"en": "Bilingual index", "fr": "Indice bilingue"},
    "description": {"en": "How open policies are.", "fr": "L’ouverture des politiques."},
    "citation": "Équipe bilingue (2025). Indice bilingue.",
    "languages": ["en", "fr"],
    "scale": {"min": 0, "max": 100},
    "bands": [
        {"code": "low", "min": 0, "label": {"en": "Restrictive", "fr": "Restrictif"}},
        {"code": "mid", "min": 40, "label": {"en": "Halfway", "fr": "À mi-chemin"}},
        {"code": "high", "min": 70, "label": {"en": "Open", "fr": "Ouvert"}},
    ],
    "levels": ["area"],
    "units": {
        "EU": {
            "name": {"en": "EU directives", "fr": "Directives de l’UE"},
            "kind": "supranational",
            "groups": ["EU-level"],
        }
    },
    "unit_groups": {"EU-level": {"en": "EU level", "fr": "Niveau de l’UE"}},
    "areas": [
        {
            "code": "A",
            "label": {"en": "Access", "fr": "Accès"},
            "indicators": [
                {
                    "code": "a1",
                    "type": "numeric",
                    "label": {"en": "Waiting time", "fr": "Délai d’attente"},
                    "unit": {"en": "months", "fr": "mois"},
                    "direction": -1,
                },
                {"code": "a2", "type": "numeric", "label": {"en": "Fees", "fr": "Frais"}},
            ],
        },
        {
            "code": "B",
            "label": {"en": "Rights", "fr": "Droits"},
            "indicators": [
                {"code": "b1", "type": "numeric", "label": {"en": "Work", "fr": "Travail"}},
                {"code": "b2", "type": "numeric", "label": {"en": "Family", "fr": "Famille"}},
            ],
        },
    ],
    "pipeline": {
        "steps": [
            {"step": "normalise", "method": "minmax", "params": {"low": 1, "high": 100}},
            {"step": "aggregate", "method": "arithmetic"},
        ]
    },
    "uncertainty": {
        "runs": 16,
        "seed": 3,
        "bootstrap": 20,
        "inputs": [
            {
                "name": "aggregation",
                "step": "aggregate",
                "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}],
            },
            {"name": "w_A", "weight": "A", "range": [0.5, 2]},
        ],
    },
}
VALUES = {  # a1, a2, b1, b2 in 2023 and 2024
    "AT": ((10.5, 5, 3, 40), (9.25, 6, 3, 45)),
    "BE": ((20, 9, 8, 30), (18, 9, 8.5, 30)),
    "DE": ((35, 2, 6, 90), (30, 3, 6, 80)),
    "FR": ((50, 7, 1, 20), (50, 7, 2, 25)),
    "EU": ((15, 4, 5, 60), (15, 4, 5, 60)),
}

PAGES = [  # every public page kind
    "/",
    "/BI/1/",
    "/BI/1/compare/?units=AT,BE&period=2024",
    "/BI/1/methodology/",
    "/BI/1/robustness/",
    "/BI/1/node/A/",
    "/BI/1/node/A/?tab=table",
    "/BI/1/node/A/?tab=map",
    "/BI/1/node/a1/",
    "/BI/1/node/a1/?tab=table",
    "/BI/1/AT/",
    "/BI/1/EU/",
    "/BI/1/typology/?method=kmeans",
    "/search/?q=Autriche",
    "/search/?q=Acc",
    "/BI/1/chart/ranking/BI/2024.html",
    "/BI/1/chart/series/AT.html",
    "/BI/1/chart/compare/2024/AT,BE.html",
    "/BI/1/chart/robustness.html",
    "/BI/1/chart/trend/A/AT,BE.html",
    "/BI/1/chart/areas/AT/2024.html",
    "/BI/1/chart/area-series/AT.html",
    "/BI/1/weights/?level=area&w.A=3",
    "/BI/1/compare-with/",
]
SPECS = [
    "/BI/1/chart/ranking/BI/2024.json",
    "/BI/1/chart/series/AT.json",
    "/BI/1/chart/compare/2024/AT,BE.json",
    "/BI/1/chart/robustness.json",
    "/BI/1/chart/trend/A/AT,BE.json",
    "/BI/1/chart/areas/AT/2024.json",
    "/BI/1/chart/area-series/AT.json",
]
ENGLISH_WORDS = """\
the and of in to is are was were be been with from by for each every this that which not no
its their all only over under between than when where why how what who rank ranks ranked
ranking country countries better worse best worst lower higher chart data download period
indicator area spread median weight method node band embed index interval intervals widest
first last went none yet
"""
ENGLISH = frozenset(ENGLISH_WORDS.split())
"""Common English words that are not French words. (Not "score", "table", "page", "total",
"change", "compare", "on" or "a": they are French too.)"""
NOT_TEXT = {"script", "style", "code"}
"""Elements whose text is not prose: scripts, styles and codes (a checksum, a method's name)."""
ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}
WORD = re.compile(r"[A-Za-zÀ-ÿ’']+")
DECIMAL_POINT = re.compile(r"\d\.\d")


class Texts(HTMLParser):
    """The text a reader meets on a page: text nodes and text alternatives, code left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_TEXT:
            self.skipping.append(tag)
        for name, value in attrs:
            if value and (name in ATTRIBUTES or (name == "value" and tag == "button")):
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.skipping:
            self.texts.append(text)


def texts_of(html: str) -> list[str]:
    parser = Texts()
    parser.feed(html)
    return parser.texts


def spec_texts(spec: Any) -> list[str]:
    """A chart spec's words for readers: its titles (chart, axes, tooltips)."""
    out = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                out.append(value)
            elif key != "data":
                out += spec_texts(value)
    elif isinstance(spec, list):
        for value in spec:
            out += spec_texts(value)
    return out


def english_fragments() -> set[str]:
    """Each English UI string of the catalogue (placeholders cut out) that has three words or
    more and a French translation of its own."""
    po = Path(polindex.web.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    with po.open("rb") as file:
        catalogue = read_po(file)
    out = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if not msgid or msgid in strings:
                continue
            for part in re.split(r"%\(\w+\)[sd]|%%", msgid):
                part = part.strip(" .,:;()—")
                if len(WORD.findall(part)) >= 3:
                    out.add(part)
    return out


def problems(texts: list[str], fragments: set[str]) -> list[str]:
    """What a French reader would stumble on: English words in a sentence (three words or
    more), an English UI string anywhere, a decimal point."""
    found = []
    for text in texts:
        words = WORD.findall(text)
        english = sorted({w.lower() for w in words} & ENGLISH)
        if len(words) >= 3 and english:
            found.append(f"English words {english} in {text!r}")
        if DECIMAL_POINT.search(text):
            found.append(f"a decimal point in {text!r}")
    whole = " ".join(texts)
    found += [f"the English string {f!r}" for f in sorted(fragments) if f in whole]
    return found


@pytest.fixture
def bilingual(db: None) -> Release:
    rows = [
        (unit, year, code, value)
        for unit, by_year in VALUES.items()
        for year, values in zip((2023, 2024), by_year, strict=True)
        for code, value in zip(("a1", "a2", "b1", "b2"), values, strict=True)
    ]
    data = pd.DataFrame(rows, columns=["unit", "period", "indicator", "value"])
    return publish_release(
        BILINGUAL, data, version="1", publish_at=dt.datetime.now(dt.UTC), robustness=True,
        synthetic=True,
    )  # fmt: skip


def test_french_pages_hold_no_english_sentence(client: Client, bilingual: Release) -> None:
    fragments = english_fragments()
    assert "The table gives every value" in fragments  # (the catalogue was read)
    found: dict[str, list[str]] = {}
    english_found = 0
    for path in PAGES:
        response = client.get("/fr" + path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert '<html lang="fr">' in body, path
        found[path] = problems(texts_of(body), fragments)
        # the same check finds the English of the English page: it is not blind
        english_found += bool(problems(texts_of(client.get(path).content.decode()), fragments))
    for path in SPECS:
        spec = client.get("/fr" + path).json()
        found[path] = problems(spec_texts(spec), fragments)
        assert spec["config"]["locale"]["number"]["decimal"] == ",", path  # Vega writes 0,5
    report = json.dumps(found, indent=1, ensure_ascii=False)
    assert {path: f for path, f in found.items() if f} == {}, report
    assert english_found == len(PAGES)


def test_french_pages_read_in_french(client: Client, bilingual: Release) -> None:
    """What the checks above cannot see: the right French words, numbers and names."""
    profile = client.get("/fr/BI/1/AT/").content.decode()
    assert "<title>Autriche — Indice bilingue</title>" in profile
    assert '<th scope="col" class="num">Évolution</th>' in profile  # a score's change …
    assert ">9,25 mois</td>" in profile  # a raw value with its unit, in French
    summary = re.search(r'<figure class="chart" id="chart-series">.*?<figcaption><p>(.*?)</p>',
                        profile, re.S)  # fmt: skip
    assert summary is not None
    assert summary.group(1).startswith("Autriche\u00a0: Indice bilingue passe de ")
    assert " en 2023 à " in summary.group(1)
    # the areas' summary lists them with French punctuation: a non-breaking space before ';'
    assert re.search(r"\(rang \d\)\u00a0; Droits ", profile)
    assert "); " not in profile
    release = client.get("/fr/BI/1/").content.decode()
    assert "Niveau de l’UE" in release  # the EU level apart, by its French name
    assert ">Directives de l’UE</a>" in release
    ranking = client.get("/fr/BI/1/chart/ranking/BI/2024.json").json()
    bands = ranking["encoding"]["color"]["scale"]["domain"]
    assert bands == ["Restrictif", "À mi-chemin", "Ouvert"]  # band labels, in French
    workspace_form = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<button type="submit">Changer</button>' in workspace_form  # … and the language button
    embed = client.get("/fr/BI/1/chart/ranking/BI/2024.html").content.decode()
    assert '<th scope="col">Rang</th><th scope="col">Code</th>' in embed
    csv = client.get("/fr/BI/1/chart/ranking/BI/2024.csv").content.decode()
    assert csv.splitlines()[0] == "rank,unit,name,score,band"  # data for programs: codes
    assert re.search(r",\d+\.\d+,", csv)  # and a decimal point
    spec = json.loads(client.get("/fr/BI/1/chart/series/AT.json").content)
    assert spec["encoding"]["y"]["title"] == "Score"
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Période", "Score", "Rang"]
