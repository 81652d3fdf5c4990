"""Guidance notes per question: written in the framework, checked with path and line, read in
one language with the framework's one fallback rule."""

from __future__ import annotations

from textwrap import dedent

import pytest

from polindex.framework import check_framework_text, load_framework
from polindex.framework.guidance import as_text, notes_in
from polindex.framework.models import GUIDANCE_TEXT_MAX

GOOD = """\
code: T
name: Toy
languages: [en, fr]
indicators:
  - code: q1
    type: boolean
    question: {en: Is it allowed?, fr: Est-ce permis ?}
    guidance:
      how_to_answer: {en: Answer for the law in force., fr: Répondez pour la loi en vigueur.}
      examples: Permit holders count.
      definitions:
        - term: {en: Long-term resident, fr: Résident de longue durée}
          definition: {en: Five years of legal residence., fr: Cinq ans de séjour légal.}
          source: Directive 2003/109/EC, Art. 4
  - code: q2
    type: boolean
"""


def problems(text: str) -> list[tuple[int | None, str, str]]:
    return [(p.line, p.path, p.message) for p in check_framework_text(dedent(text))]


def test_guidance_loads_in_every_language_with_the_one_fallback_rule() -> None:
    fw = load_framework(GOOD)
    q1, q2 = fw.find("q1"), fw.find("q2")
    assert q2.guidance is None  # type: ignore[union-attr]
    assert notes_in(fw, q2, "fr") is None  # type: ignore[arg-type]
    fr = notes_in(fw, q1, "fr")  # type: ignore[arg-type]
    assert fr is not None
    assert fr.how_to_answer == "Répondez pour la loi en vigueur."
    assert fr.examples == "Permit holders count."  # a plain string: the default language's
    assert [(t.term, t.definition, t.source) for t in fr.definitions] == [
        ("Résident de longue durée", "Cinq ans de séjour légal.", "Directive 2003/109/EC, Art. 4")
    ]
    de = notes_in(fw, q1, "de")  # type: ignore[arg-type]
    assert de is not None
    assert de.how_to_answer == "Answer for the law in force."
    assert as_text(fr, "fr") == (
        "Comment répondre\nRépondez pour la loi en vigueur.\n\n"
        "Exemples\nPermit holders count.\n\n"
        "Définitions\nRésident de longue durée: Cinq ans de séjour légal. "
        "(Directive 2003/109/EC, Art. 4)"
    )
    assert as_text(fr, "fr", how=False).startswith("Exemples\n")


def test_every_guidance_problem_is_reported_with_its_path_and_line() -> None:
    text = f"""\
    code: T
    name: Toy
    languages: [en, fr]
    indicators:
      - code: q1
        type: boolean
        guidance:
          how_to_answer: {{fr: Seulement en français}}
          examples: {{en: Fine, de: Gut}}
      - code: q2
        type: boolean
        guidance:
          how_to_answer: {"x" * (GUIDANCE_TEXT_MAX + 1)}
      - code: q3
        type: boolean
        guidance:
          definitions:
            - term: Resident
      - code: q4
        type: boolean
        guidance: {{}}
      - code: q5
        type: boolean
        guidance:
          how_to_answer: [not, text]
          exemples: typo
      - code: q6
        type: boolean
        guidance: Just a sentence
    """
    assert problems(text) == [
        (8, "indicators[0].guidance.how_to_answer",
         "needs a text in the default language 'en' (shown where a language has none); it has fr"),
        (9, "indicators[0].guidance.examples.de",
         "language 'de' is not among the index's languages (en, fr)"),
        (13, "indicators[1].guidance.how_to_answer.en",
         "takes at most 2,000 characters (got 2,001)"),
        (18, "indicators[2].guidance.definitions[0].definition", "required"),
        (21, "indicators[3].guidance",
         "give at least one of how_to_answer, examples or definitions"),
        (25, "indicators[4].guidance.how_to_answer",
         "must be a mapping (key: value pairs) (got ['not', 'text'])"),
        (26, "indicators[4].guidance.exemples", "unknown key 'exemples'; did you mean 'examples'?"),
        (29, "indicators[5].guidance",
         "must be a mapping (key: value pairs) (got 'Just a sentence')"),
    ]  # fmt: skip


def test_too_many_definitions_and_control_characters_are_refused() -> None:
    terms = "\n".join(f"        - {{term: T{k}, definition: D{k}}}" for k in range(11))
    text = (
        "code: T\nname: Toy\nindicators:\n  - code: q1\n    type: boolean\n    guidance:\n"
        f"      definitions:\n{terms}\n  - code: q2\n    type: boolean\n    guidance:\n"
        '      examples: "bell \\a"\n'
    )
    found = problems(text)
    assert found[0][:2] == (8, "indicators[0].guidance.definitions")
    assert found[0][2].startswith("takes at most 10 items")
    assert found[1] == (
        22, "indicators[1].guidance.examples.en",
        "holds a control character (U+0007) at position 5",
    )  # fmt: skip
    assert len(found) == 2


@pytest.mark.parametrize("key", ["how_to_answer", "examples"])
def test_an_empty_text_is_refused(key: str) -> None:
    text = (
        "code: T\nname: Toy\nindicators:\n  - code: q\n    type: boolean\n    guidance:\n"
        f"      {key}: ''\n"
    )
    assert problems(text) == [(7, f"indicators[0].guidance.{key}.en", "must not be empty")]
