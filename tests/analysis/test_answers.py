"""Answers and changes: reading a value as an answer (per type and mode), the consequences of
applicability rules, and every problem listed with its unit, period and indicator."""

from __future__ import annotations

import math
import re

import pytest

from polindex.analysis.answers import NA, Answer, ChangeError, apply_changes, read_answer
from polindex.framework.models import Framework


def _ind(fw: Framework, code: str):  # type: ignore[no-untyped-def]
    return next(i for i in fw.indicators if i.code == code)


def test_categorical_boolean_and_numeric_answers_score_as_the_data_do(tiny_fw: Framework) -> None:
    assert read_answer(tiny_fw, _ind(tiny_fw, "q1"), "b") == Answer("q1", "b", 50.0, 50.0)
    # option code 1 given as a number is the option "1"
    assert read_answer(tiny_fw, _ind(tiny_fw, "q4"), 1.0).score == 100.0
    assert read_answer(tiny_fw, _ind(tiny_fw, "q2"), "yes") == Answer("q2", "true", 100.0, 1.0)
    assert read_answer(tiny_fw, _ind(tiny_fw, "q2"), False).score == 0.0
    # q3: goalposts 0 → 24 months, reversed: 6 months score 75, beyond 24 score 0
    assert read_answer(tiny_fw, _ind(tiny_fw, "q3"), "6") == Answer("q3", "6", 75.0, 6.0)
    assert read_answer(tiny_fw, _ind(tiny_fw, "q3"), 30).score == 0.0
    assert read_answer(tiny_fw, _ind(tiny_fw, "q3"), 4.8).text == "4.8"


def test_missing_and_not_applicable_answers(tiny_fw: Framework) -> None:
    na = read_answer(tiny_fw, _ind(tiny_fw, "q1"), "N/A")
    assert na.text == NA
    assert na.not_applicable
    assert math.isnan(na.score)
    assert read_answer(tiny_fw, _ind(tiny_fw, "q1"), None).missing
    assert read_answer(tiny_fw, _ind(tiny_fw, "q1"), "").missing


def test_scored_and_built_modes(tiny_fw: Framework) -> None:
    q1, q3 = _ind(tiny_fw, "q1"), _ind(tiny_fw, "q3")
    # scored: any indicator takes a score on the index scale
    assert read_answer(tiny_fw, q1, 37.5, "scored") == Answer("q1", "37.5", 37.5, 37.5)
    # built: a number stays raw (the pipeline normalises it later)
    assert read_answer(tiny_fw, q3, 12, "built") == Answer("q3", "12", 12.0, 12.0)
    with pytest.raises(ValueError, match=r"not a score of q1 \(a number from 0 to 100\)"):
        read_answer(tiny_fw, q1, 120, "scored")


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("q1", "d", "'d' is not an answer option of q1 (options: a, b, c)"),
        ("q1", "A", "'A' is not an answer option of q1 (options: a, b, c)"),
        ("q2", "maybe", "'maybe': q2 is yes/no (true/false)"),
        ("q3", "soon", "'soon' is not a number (q3 is numeric)"),
        ("q3", 49, "49 is outside the bounds of q3 (0 to 48)"),
    ],
)
def test_invalid_values_say_why(tiny_fw: Framework, code: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as exc:
        read_answer(tiny_fw, _ind(tiny_fw, code), value)
    assert str(exc.value) == message


def _answers(fw: Framework, **texts: object) -> dict[str, Answer]:
    return {c: read_answer(fw, _ind(fw, c), v) for c, v in texts.items()}


def test_a_rule_switched_off_leaves_the_answer_out(tiny_fw: Framework) -> None:
    now = _answers(tiny_fw, q1="b", q2="true", q3=12, q4="2")
    new, notes = apply_changes(tiny_fw, now, {"q2": "no"})
    assert new["q2"].text == "false"
    assert new["q4"].not_applicable
    assert notes == ["q4 no longer applies (q2 is 'false'): its answer '2' is left out"]
    assert now["q4"].text == "2"  # the answers given are not changed


def test_a_rule_switched_on_asks_for_an_answer(tiny_fw: Framework) -> None:
    now = _answers(tiny_fw, q1="a", q2="false", q3=6, q4="n/a")
    new, notes = apply_changes(tiny_fw, now, {"q2": "yes"})
    assert new["q4"].missing
    assert notes == ["q4 applies again (q2 is 'true') and has no answer: give one to count it"]
    both, notes = apply_changes(tiny_fw, now, {"q2": "yes", "q4": "1"})
    assert both["q4"].score == 100.0
    assert notes == []


def test_every_problem_is_listed_with_where(tiny_fw: Framework) -> None:
    now = _answers(tiny_fw, q1="b", q2="true", q3=12, q4="2")
    with pytest.raises(ChangeError) as exc:
        apply_changes(
            tiny_fw,
            now,
            {"q2": "no", "q4": "1", "q1": "z", "B": 1, "q9": 1, "q3": -1},
            where="X, 2024",
        )
    assert exc.value.messages() == [
        "X, 2024: 'z' is not an answer option of q1 (options: a, b, c)",
        "X, 2024: B is a group of the index; its score is computed from its questions: "
        "change those",
        "X, 2024: no indicator 'q9' in TINY",
        "X, 2024: -1 is outside the bounds of q3 (0 to 48)",
        "X, 2024: q4 = '1': q4 does not apply where q2 is 'false'; change q2 too, or leave q4 out",
    ]
    assert str(exc.value).startswith("5 problems with the changes; nothing was computed:")
