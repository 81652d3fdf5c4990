"""Turning text cells into scores: missing and N/A tokens, booleans, goalposts, scored mode."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import polindex
from polindex.framework.models import Framework
from polindex.io import DataError, encode
from polindex.io.tables import long_from_records


def one(fw: Framework, indicator: str, value: object, scored: bool = False) -> tuple[float, bool]:
    """(score, not applicable) of a single cell."""
    ds = encode(fw, long_from_records([("X", 2024, indicator, value)]), scored=scored)
    k = ds.indicators.index(indicator)
    return float(ds.values[0, 0, k]), bool(ds.not_applicable[0, 0, k])


@pytest.mark.parametrize("token", ["", "NA", "na", "nan", "null", "None", ".", "  "])
def test_missing_tokens_are_missing_not_not_applicable(tiny_fw: Framework, token: str) -> None:
    score, na = one(tiny_fw, "q1", token)
    assert np.isnan(score)
    assert na is False


@pytest.mark.parametrize(
    "token", ["n/a", "N/A", "not applicable", "Not Applicable", "not_applicable"]
)
def test_not_applicable_tokens(tiny_fw: Framework, token: str) -> None:
    score, na = one(tiny_fw, "q1", token)
    assert np.isnan(score)
    assert na is True


def test_missing_and_not_applicable_differ_in_the_aggregate(tiny_fw: Framework) -> None:
    # B = q3, q4 with min_coverage 0: either way B = q3's score, but the statuses differ
    rows = [("X", 2024, "q2", "yes"), ("X", 2024, "q3", 12), ("X", 2024, "q4", "n/a")]
    rows += [("Y", 2024, "q2", "yes"), ("Y", 2024, "q3", 12), ("Y", 2024, "q4", "NA")]
    res = polindex.score(tiny_fw, rows)
    t = res.table().set_index(["unit", "node"])
    assert t.loc[("X", "q4"), "status"] == "not applicable"
    assert t.loc[("Y", "q4"), "status"] == "missing"
    assert t.loc[("X", "B"), "n_applicable"] == 1
    assert t.loc[("Y", "B"), "n_applicable"] == 2
    assert t.loc[("X", "B"), "score"] == t.loc[("Y", "B"), "score"] == 50.0


@pytest.mark.parametrize(
    ("token", "score"),
    [
        *[(t, 100) for t in ("true", "Yes", "1", "y", "T", True, 1)],
        *[(t, 0) for t in ("false", "NO", "0", "n", "F", False, 0.0)],
    ],
)
def test_boolean_tokens(tiny_fw: Framework, token: object, score: float) -> None:
    assert one(tiny_fw, "q2", token) == (score, False)


def test_boolean_custom_scores(tiny_spec: dict[str, Any]) -> None:
    tiny_spec["areas"][0]["indicators"][1].update(true_score=20, false_score=90)
    fw = polindex.load_framework(tiny_spec)
    assert one(fw, "q2", "yes")[0] == 20.0
    assert one(fw, "q2", "no")[0] == 90.0
    ds = encode(fw, long_from_records([("X", 2024, "q2", "yes")]))
    assert ds.raw[0, 0, 1] == 1.0


@pytest.mark.parametrize(("option", "score"), [("a", 100), ("b", 50), ("c", 0), (1, 100), (2, 0)])
def test_categorical_options_score_their_points(
    tiny_fw: Framework, option: object, score: float
) -> None:
    indicator = "q1" if isinstance(option, str) else "q4"
    assert one(tiny_fw, indicator, option)[0] == score


@pytest.mark.parametrize(
    ("months", "score"),
    [(0, 100), (6, 75), (12, 50), (18, 25), (24, 0), (30, 0), (48, 0), ("7.5", 68.75)],
)
def test_reversed_goalposts_with_truncation(
    tiny_fw: Framework, months: object, score: float
) -> None:
    # q3: goalposts 0 → 24 reversed on 0–100: 100 · (1 − months / 24), floored at 0
    assert one(tiny_fw, "q3", months)[0] == pytest.approx(score, abs=1e-12)


@pytest.mark.parametrize(
    ("raw", "score"), [(5, 0), (10, 0), (35, 50), (47.5, 75), (60, 100), (70, 100)]
)
def test_goalposts_rescale_onto_the_scale(
    tiny_spec: dict[str, Any], raw: float, score: float
) -> None:
    tiny_spec["areas"][1]["indicators"][0] = {
        "code": "q3",
        "type": "numeric",
        "goalposts": [10, 60],
    }
    fw = polindex.load_framework(tiny_spec)
    assert one(fw, "q3", raw)[0] == pytest.approx(score, abs=1e-12)


def test_goalposts_on_a_zero_to_one_scale() -> None:
    fw = polindex.load_framework(
        {
            "code": "U",
            "name": "Unit scale",
            "scale": {"min": 0, "max": 1},
            "indicators": [
                {"code": "up", "type": "numeric", "goalposts": [0, 10]},
                {"code": "down", "type": "numeric", "goalposts": [0, 10], "direction": -1},
            ],
        }
    )
    ds = encode(fw, long_from_records([("X", 1, "up", 2.5), ("X", 1, "down", 2.5)]))
    assert ds.values[0, 0].tolist() == [0.25, 0.75]
    assert ds.raw[0, 0].tolist() == [2.5, 2.5]


def test_scored_mode_takes_values_as_scores_whatever_the_type(tiny_fw: Framework) -> None:
    rows = [("X", 2024, "q1", "37.5"), ("X", 2024, "q2", 0), ("X", 2024, "q3", 60)]
    rows += [("X", 2024, "q4", "n/a")]
    ds = encode(tiny_fw, long_from_records(rows), scored=True)
    np.testing.assert_array_equal(ds.values[0, 0], [37.5, 0, 60, np.nan])
    assert ds.not_applicable[0, 0].tolist() == [False, False, False, True]


def test_scored_mode_rejects_scores_outside_the_scale(tiny_fw: Framework) -> None:
    rows = [("X", 2024, "q1", 120), ("X", 2024, "q2", -0.5), ("X", 2024, "q3", "a")]
    with pytest.raises(DataError) as info:
        encode(tiny_fw, long_from_records(rows), "<records>", scored=True)
    assert [str(p) for p in info.value.problems] == [
        "<records> row 1, column 'value': '120': score outside the index scale 0–100",
        "<records> row 2, column 'value': '-0.5': score outside the index scale 0–100",
        "<records> row 3, column 'value': 'a': not a number (scores of q3 must be numeric)",
    ]


def test_applicability_marks_empty_and_n_a_cells_not_applicable(tiny_fw: Framework) -> None:
    rows = [
        ("X", 2024, "q2", "no"),  # q4 absent → N/A
        ("Y", 2024, "q2", "no"),
        ("Y", 2024, "q4", ""),  # empty where not applicable → N/A
        ("Z", 2024, "q2", "yes"),  # q4 absent but applicable → missing
        ("W", 2024, "q2", ""),  # the filter question unanswered: q4 stays applicable
        ("W", 2024, "q4", "2"),
    ]
    ds = encode(tiny_fw, long_from_records(rows))
    assert ds.units == ("W", "X", "Y", "Z")
    assert ds.not_applicable[:, 0, 3].tolist() == [False, True, True, False]
    assert ds.values[0, 0, 3] == 0.0
    assert np.isnan(ds.values[1:, 0, 3]).all()


def test_whitespace_around_values_is_ignored(tiny_fw: Framework) -> None:
    assert one(tiny_fw, "q1", "  b ")[0] == 50.0
    assert one(tiny_fw, "q3", " 12 ")[0] == 50.0


def test_units_absent_from_a_period_are_not_present(tiny_fw: Framework) -> None:
    rows = [("X", 2023, "q1", "a"), ("X", 2024, "q1", "b"), ("Y", 2024, "q1", "c")]
    ds = encode(tiny_fw, long_from_records(rows))
    assert ds.periods == (2023, 2024)
    assert ds.present.tolist() == [[True, True], [False, True]]
