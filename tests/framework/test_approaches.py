"""Named approaches (``approaches:``): rules over group scores, checked with path and line."""

from __future__ import annotations

from textwrap import dedent

import polindex
from polindex.framework import check_framework_text

TEXT = """\
    code: T
    name: {en: T, fr: T}
    languages: [en, fr]
    levels: [area]
    approaches:
      - code: open
        label: {en: Open, fr: Ouvert, de: Offen}
        rules:
          - {node: A, min: 60}
          - {node: AA, max: 120}
          - {node: B}
          - {node: A, min: 70, max: 50}
      - code: rest
      - code: open
        rules: [{node: q1, min: 10}]
    areas:
      - code: A
        indicators: [{code: q1, type: boolean}]
      - code: B
        indicators: [{code: q2, type: boolean}]
"""


def test_every_problem_with_its_path_and_line() -> None:
    found = [(p.line, p.path, p.message) for p in check_framework_text(dedent(TEXT))]
    paths = {path: (line, message) for line, path, message in found}
    assert paths["approaches[0].label.de"][0] == 7
    assert paths["approaches[0].rules[1].node"] == (
        10,
        "no group 'AA' (rules read the scores of the index or its groups); did you mean 'A'?",
    )
    assert paths["approaches[0].rules[1].max"] == (10, "120 is outside the scale 0–100")
    assert paths["approaches[0].rules[2]"] == (11, "give a min, a max or both")
    assert paths["approaches[0].rules[3]"] == (12, "min 70 is above max 50")
    assert paths["approaches[1].rules"][1].startswith("an approach without rules takes every")
    assert paths["approaches[2].code"][1] == 'duplicate code "open" (first used at approaches[0])'
    assert paths["approaches[2].rules[0].node"][1].startswith("no group 'q1'")


def test_the_first_approach_whose_rules_hold() -> None:
    fw = polindex.load_framework(
        {"code": "T", "name": "T", "levels": ["area"],
         "approaches": [{"code": "open", "rules": [{"node": "A", "min": 50}]},
                        {"code": "low", "rules": [{"node": "T", "max": 20}]}],
         "areas": [{"code": "A", "indicators": [{"code": "q", "type": "boolean"}]}]}
    )  # fmt: skip
    assert fw.approach_of({"A": 50.0, "T": 50.0}).code == "open"  # type: ignore[union-attr]
    assert fw.approach_of({"A": 0.0, "T": 0.0}).code == "low"  # type: ignore[union-attr]
    assert fw.approach_of({"A": 40.0, "T": 40.0}) is None
    assert fw.approach_of({"A": float("nan"), "T": 10.0}).code == "low"  # type: ignore[union-attr]


def test_an_unknown_key_in_an_approach() -> None:
    text = TEXT.replace("      - code: rest\n", "      - code: rest\n        rulez: []\n")
    found = [(p.line, p.path, p.message) for p in check_framework_text(dedent(text))]
    assert (14, "approaches[1].rulez", "unknown key 'rulez'; did you mean 'rules'?") in found
