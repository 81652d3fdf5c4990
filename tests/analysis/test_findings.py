"""Key findings drafted from the scores: every number checked by hand.

The index: two areas of two questions each (a/b/c score 100/50/0, yes/no 100/0), five
countries, three in the EU, and the EU's regulations as a supranational unit; 2023 and 2024.

2024 index: France 87.5, Germany 75.0, Canada 75.0, Austria 25.0, United States 25.0 (mean
57.5); EU regulations 100.0 (not a country: never a leader). Germany rose from 12.5 (rank 5)
to 75.0 (rank 2): Access 25 → 100, Rights 0 → 50, three questions changed; the United States
fell from 50.0 (rank 3) to 25.0 (rank 4): Access 100 → 50, one question.
Access 2024: 100, 75, 0, 50, 100 → mean 65.0, sd √1400 = 37.4; Rights: 50, 100, 50, 0, 50 →
mean 50.0, sd √1000 = 31.6. EU (de, fr, at) 62.5 against 50.0 for Canada and the United
States; the widest gap is Rights, 66.7 against 25.0 (Access: 58.3 against 75.0).
"""

from __future__ import annotations

import re

import pytest

import polindex
from polindex.analysis.findings import (
    PHRASES,
    FindingsError,
    draft_findings,
    findings,
    phrases_for,
)

from ..mini import MINI_DATA, MINI_FW

FW = MINI_FW
DATA = MINI_DATA


@pytest.fixture(scope="module")
def results() -> polindex.Results:
    return polindex.score(polindex.load_framework(FW), DATA)


def test_leaders_laggards_and_ties(results: polindex.Results) -> None:
    lines = findings(results).splitlines()
    assert lines[4] == (
        "* In 2024, **France** scores best on Mini index (87.5), **Austria** and **United "
        "States** lowest (25.0); 5 countries, mean 57.5, from 25.0 to 87.5."
    )
    assert "EU regulations" not in findings(results)  # not a country: never compared


def test_movers_with_their_causes(results: polindex.Results) -> None:
    text = findings(results)
    assert (
        "* **Germany** improved by +62.5 (12.5 → 75.0, rank 5 → 2): by area Access +75.0, "
        "Rights +50.0; 3 indicators changed." in text
    )
    assert (
        "* **United States** fell back by −25.0 (50.0 → 25.0, rank 3 → 4): by area Access "
        "−50.0; 1 indicator changed." in text
    )
    assert "* 3 did not move." in text
    assert text.index("### Biggest movers since 2023") < text.index("**Germany** improved")


def test_area_means_and_spreads(results: polindex.Results) -> None:
    text = findings(results)
    assert (
        "* **Access**: mean 65.0, from 0.0 (Austria) to 100.0 (Canada and Germany); standard "
        "deviation 37.4." in text
    )
    assert (
        "* **Rights**: mean 50.0, from 0.0 (United States) to 100.0 (France); standard "
        "deviation 31.6." in text
    )


def test_groups_differ(results: polindex.Results) -> None:
    text = findings(results)
    assert (
        "* **European Union** (3 countries): mean 62.5 on Mini index, against 50.0 for the "
        "other 2 (+12.5); the widest gap is in Rights (66.7 against 25.0)." in text
    )


def test_names_in_another_language(results: polindex.Results) -> None:
    text = findings(results, lang="fr", phrases=PHRASES["en"])  # French names, English text
    assert "**Allemagne** improved" in text
    assert "* **Accès**: mean 65.0" in text
    assert "**Union européenne** (3 countries)" in text


def test_the_draft_in_french(results: polindex.Results) -> None:
    """The same figures as the English tests above, in French sentences, decimal commas and
    French spacing (a no-break space before ':', a narrow one before ';')."""
    text = findings(results, lang="fr")
    lines = text.splitlines()
    assert lines[0].startswith("*Un brouillon écrit par Polindex à partir des scores\u00a0:")
    assert "### En tête et en queue" in lines
    assert "### Plus fortes évolutions depuis 2023" in lines
    for sentence in (
        "* **Allemagne** progresse de +62,5 (12,5 → 75,0, rang 5 → 2)\u00a0: par domaine Accès "
        "+75,0, Droits +50,0\u202f; 3 indicateurs modifiés.",
        "* **États-Unis** recule de −25,0 (50,0 → 25,0, rang 3 → 4)\u00a0: par domaine Accès "
        "−50,0\u202f; 1 indicateur modifié.",
        "* **Accès**\u00a0: moyenne 65,0",
        "* **Union européenne** (3 pays)\u00a0: moyenne 62,5 sur Mini-indice, contre 50,0 pour "
        "les 2 autres (+12,5)\u202f; l’écart le plus grand est en Droits (66,7 contre 25,0).",
    ):
        assert sentence in text, sentence
    assert not re.search(r"\d\.\d", text)  # no decimal point


def test_unknown_languages_are_drafted_in_english(results: polindex.Results) -> None:
    assert findings(results, lang="de") == findings(results)
    assert phrases_for("fr-CA") is PHRASES["fr"]


def test_an_earlier_period_has_no_movers(results: polindex.Results) -> None:
    text = findings(results, period=2023)
    assert "In 2023, **France** scores best on Mini index (87.5), **Germany** lowest (12.5)" in (
        text
    )
    assert "Biggest movers" not in text


def test_lower_is_better_turns_best_and_improved_around() -> None:
    fw = polindex.load_framework(
        {"code": "R", "name": "R", "polarity": "lower_is_better", "scale": {"min": 0, "max": 1},
         "indicators": [{"code": "q", "type": "numeric", "bounds": [0, 1]}]}
    )  # fmt: skip
    res = polindex.score(fw, [("de", 2023, "q", 0.5), ("at", 2023, "q", 0.5),
                              ("de", 2024, "q", 0.2), ("at", 2024, "q", 0.7)])  # fmt: skip
    text = findings(res)
    assert "**Germany** scores best on R (0.20), **Austria** lowest (0.70)" in text
    assert "**Germany** improved by −0.30 (0.50 → 0.20, rank 1 → 1)" in text
    assert "**Austria** fell back by +0.20 (0.50 → 0.70, rank 1 → 2)" in text


def test_nothing_to_draft_is_an_error(results: polindex.Results) -> None:
    table = results.table()
    with pytest.raises(FindingsError, match="no period '1999'"):
        draft_findings(table, results.framework, results.unit_table, period=1999)
    with pytest.raises(FindingsError, match="there are no scores"):
        draft_findings(table.iloc[:0], results.framework, results.unit_table)
