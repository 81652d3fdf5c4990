"""Pydantic's errors in the project's words, and "did you mean" for keys, values and methods."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from polindex.framework.messages import did_you_mean, explain, unknown
from polindex.framework.models import Band, Indicator
from polindex.framework.uncertainty import UncertainInput


def messages(model: Any, data: dict[str, Any]) -> list[tuple[tuple[int | str, ...], str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(loc, message) for loc, message, _ in explain(info.value)]


@pytest.mark.parametrize(
    ("bounds", "got"),
    [([0, 5, 10], "[0, 5, 10]"), ([0], "[0]"), ([], "[]"), (5, "5"), ("low", "'low'")],
)
def test_bounds_take_two_numbers(bounds: Any, got: str) -> None:
    # pydantic: "Tuple should have at most 2 items after validation, not 3", "Field required"
    # (once per missing number), "Input should be a valid tuple"
    found = messages(Indicator, {"code": "q", "type": "numeric", "bounds": bounds})
    assert found == [(("bounds",), f"bounds take two numbers, [lowest, highest] (got {got})")]


def test_a_pair_with_a_word_in_it_names_the_word() -> None:
    found = messages(Indicator, {"code": "q", "type": "numeric", "goalposts": [0, "max"]})
    assert found == [(("goalposts", 1), "must be a number (got 'max')")]


def test_a_range_of_an_uncertain_weight_takes_two_numbers() -> None:
    found = messages(UncertainInput, {"name": "w", "weight": "A", "range": [1, 2, 3]})
    assert found == [(("range",), "a range takes two numbers, [low, high] (got [1, 2, 3])")]


def test_enum_values_suggest_the_closest() -> None:
    found = messages(Indicator, {"code": "q", "type": "boolan", "direction": "-1"})
    assert found == [
        (
            ("type",),
            "'boolan' is not one of: categorical, numeric, boolean; did you mean 'boolean'?",
        ),
        (("direction",), "'-1' is not one of: 1, -1; did you mean -1?"),
    ]


def test_numbers_codes_and_colours_in_words() -> None:
    found = messages(Band, {"code": "1st", "min": "zero", "colour": "red"})
    assert found == [
        (("code",), "a code starts with a letter, followed by letters, digits, '_', '.' or '-' "
                    "(got '1st')"),
        (("min",), "must be a number (got 'zero')"),
        (("colour",), "a colour is written #rrggbb, e.g. #1f77b4 (got 'red')"),
    ]  # fmt: skip


def test_limits_in_words() -> None:
    found = messages(Indicator, {"code": "q", "type": "boolean", "weight": -2})
    assert found == [(("weight",), "must be at least 0 (got -2)")]


def test_did_you_mean_and_unknown() -> None:
    assert did_you_mean("geometrc", ["arithmetic", "geometric"]) == "; did you mean 'geometric'?"
    assert did_you_mean("lower", ["higher_is_better", "lower_is_better"]) == (
        "; did you mean 'lower_is_better'?"
    )
    assert did_you_mean("x", ["mean", "median"]) == ""
    assert unknown("step", "normalize", ["treat", "normalise"]) == (
        "unknown step 'normalize'; one of: treat, normalise; did you mean 'normalise'?"
    )
