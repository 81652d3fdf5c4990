"""Aggregation: renormalised weighted means, coverage, N/A, the batch axis and shape checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import polindex
from polindex.engine import Structure, aggregate
from polindex.engine.aggregate import MISSING, NOT_APPLICABLE, OK

nan = np.nan


def flat(weights: list[float], **root: Any) -> Structure:
    """A root with one numeric indicator per weight (codes q1, q2, …)."""
    indicators = [
        {"code": f"q{k + 1}", "type": "numeric", "weight": w} for k, w in enumerate(weights)
    ]
    return Structure.from_framework(
        polindex.load_framework({"code": "T", "name": "T", "indicators": indicators, **root})
    )


def two_groups() -> Structure:
    """T ─ A (q1, q2), B (q3, q4); codes q1..q4, A, B, T."""
    return Structure.from_framework(
        polindex.load_framework(
            {
                "code": "T",
                "name": "T",
                "children": [
                    {
                        "code": "A",
                        "indicators": [
                            {"code": "q1", "type": "numeric"},
                            {"code": "q2", "type": "numeric"},
                        ],
                    },
                    {
                        "code": "B",
                        "indicators": [
                            {"code": "q3", "type": "numeric"},
                            {"code": "q4", "type": "numeric"},
                        ],
                    },
                ],
            }
        )
    )


def cell(*values: float) -> np.ndarray:
    """One unit, one period: shape (1, 1, indicators)."""
    return np.array([[list(values)]], dtype=float)


def test_weighted_mean_with_all_children() -> None:
    agg = aggregate(flat([1, 2, 3]), cell(10, 20, 40))
    # (1·10 + 2·20 + 3·40) / 6 = 170 / 6
    assert agg.scores[0, 0, 0, -1] == pytest.approx(170 / 6, abs=1e-12)
    assert agg.weight_sum[0, 0, 0, -1] == 6.0
    assert agg.n_used[0, 0, 0, -1] == 3


@pytest.mark.parametrize(
    ("values", "expected", "wsum"),
    [
        ((10, 20, nan), (1 * 10 + 2 * 20) / 3, 3.0),  # 50 / 3
        ((10, nan, 40), (1 * 10 + 3 * 40) / 4, 4.0),  # 32.5
        ((nan, 20, 40), (2 * 20 + 3 * 40) / 5, 5.0),  # 32
    ],
)
def test_weights_are_renormalised_over_available_children(
    values: tuple[float, ...], expected: float, wsum: float
) -> None:
    agg = aggregate(flat([1, 2, 3]), cell(*values))
    assert agg.scores[0, 0, 0, -1] == pytest.approx(expected, abs=1e-12)
    assert agg.weight_sum[0, 0, 0, -1] == wsum
    assert agg.n_used[0, 0, 0, -1] == 2
    assert agg.status[0, 0, 0, -1] == OK


def test_no_child_with_data_leaves_the_parent_missing() -> None:
    agg = aggregate(flat([1, 2]), cell(nan, nan))
    assert np.isnan(agg.scores[0, 0, 0, -1])
    assert agg.status[0, 0, 0, -1] == MISSING
    assert agg.n_used[0, 0, 0, -1] == 0


def test_min_coverage_below_threshold_is_missing_at_threshold_scored() -> None:
    s = flat([1, 1, 1, 1], min_coverage=0.5)
    below = aggregate(s, cell(80, nan, nan, nan))  # 1 of 4 = 25 %
    at = aggregate(s, cell(80, 40, nan, nan))  # 2 of 4 = 50 %
    above = aggregate(s, cell(80, 40, 30, nan))  # 3 of 4
    assert np.isnan(below.scores[0, 0, 0, -1])
    assert below.status[0, 0, 0, -1] == MISSING
    assert below.n_used[0, 0, 0, -1] == 1
    assert at.scores[0, 0, 0, -1] == 60.0
    assert above.scores[0, 0, 0, -1] == 50.0


def test_min_coverage_of_one_needs_every_applicable_child() -> None:
    s = flat([1, 1, 1], min_coverage=1.0)
    assert np.isnan(aggregate(s, cell(90, 30, nan)).scores[0, 0, 0, -1])
    assert aggregate(s, cell(90, 30, 0)).scores[0, 0, 0, -1] == 40.0
    na = np.array([[[False, False, True]]])
    assert aggregate(s, cell(90, 30, nan), na).scores[0, 0, 0, -1] == 60.0


def test_a_not_applicable_child_leaves_the_coverage_denominator() -> None:
    s = flat([1, 1, 1, 1], min_coverage=0.5)
    values = cell(80, nan, nan, nan)
    na = np.array([[[False, False, True, True]]])
    scored = aggregate(s, values, na)  # 1 of 2 applicable = 50 %
    assert scored.scores[0, 0, 0, -1] == 80.0
    assert scored.n_applicable[0, 0, -1] == 2
    assert scored.n_used[0, 0, 0, -1] == 1
    missing = aggregate(s, values)  # the same cells merely missing: 1 of 4
    assert np.isnan(missing.scores[0, 0, 0, -1])
    assert missing.n_applicable[0, 0, -1] == 4


def test_not_applicable_is_distinct_from_missing() -> None:
    s = flat([1, 1])
    na = np.array([[[False, True]]])
    agg = aggregate(s, cell(70, nan), na)
    assert agg.status[0, 0, 0].tolist() == [OK, NOT_APPLICABLE, OK]
    assert agg.not_applicable[0, 0].tolist() == [False, True, False]
    missing = aggregate(s, cell(70, nan))
    assert missing.status[0, 0, 0].tolist() == [OK, MISSING, OK]
    assert agg.scores[0, 0, 0, -1] == missing.scores[0, 0, 0, -1] == 70.0


def test_a_value_under_the_not_applicable_mask_is_ignored() -> None:
    agg = aggregate(flat([1, 1]), cell(70, 0), np.array([[[False, True]]]))
    assert np.isnan(agg.scores[0, 0, 0, 1])
    assert agg.scores[0, 0, 0, -1] == 70.0


def test_all_children_not_applicable_makes_the_parent_not_applicable() -> None:
    s = two_groups()  # q1, q2, q3, q4, A, B, T
    na = np.array([[[False, False, True, True]]])
    agg = aggregate(s, cell(20, 60, nan, nan), na)
    b = s.index["B"]
    assert np.isnan(agg.scores[0, 0, 0, b])
    assert agg.status[0, 0, 0, b] == NOT_APPLICABLE == 2
    assert agg.n_applicable[0, 0, b] == 0
    # B, being N/A, leaves T's average: T = A = 40
    assert agg.scores[0, 0, 0, s.index["A"]] == 40.0
    assert agg.scores[0, 0, 0, -1] == 40.0
    assert agg.n_applicable[0, 0, -1] == 1


def test_an_all_missing_group_is_missing_not_not_applicable() -> None:
    s = two_groups()
    agg = aggregate(s, cell(20, 60, nan, nan))
    assert agg.status[0, 0, 0, s.index["B"]] == MISSING
    assert agg.n_applicable[0, 0, s.index["B"]] == 2
    assert agg.scores[0, 0, 0, -1] == 40.0


def test_two_weight_vectors_give_two_results_in_one_call() -> None:
    s = flat([1, 1])
    weights = np.array([[1.0, 1.0], [1.0, 3.0]])  # (batch, edges)
    agg = aggregate(s, cell(20, 80), weights=weights)
    assert agg.scores.shape == (2, 1, 1, 3)
    assert agg.scores[0, 0, 0, -1] == 50.0  # (20 + 80) / 2
    assert agg.scores[1, 0, 0, -1] == 65.0  # (20 + 3·80) / 4
    assert agg.weight_sum[:, 0, 0, -1].tolist() == [2.0, 4.0]


def test_batched_weights_on_a_two_level_tree() -> None:
    s = two_groups()  # edges: q1→A, q2→A, q3→B, q4→B, A→T, B→T
    weights = np.array([[1, 1, 1, 1, 1, 1], [3, 1, 1, 1, 1, 4]], dtype=float)
    agg = aggregate(s, cell(100, 0, 40, 20), weights=weights)
    a, b = s.index["A"], s.index["B"]
    assert agg.scores[0, 0, 0, [a, b, -1]].tolist() == [50.0, 30.0, 40.0]
    # A = (3·100 + 0) / 4 = 75; B = 30; T = (75 + 4·30) / 5 = 39
    assert agg.scores[1, 0, 0, [a, b, -1]].tolist() == [75.0, 30.0, 39.0]


def test_single_weight_vector_replaces_framework_weights() -> None:
    agg = aggregate(flat([1, 1]), cell(20, 80), weights=np.array([3.0, 1.0]))
    assert agg.scores[0, 0, 0, -1] == 35.0  # (3·20 + 80) / 4


def test_values_without_batch_axis_are_one_batch() -> None:
    s = flat([1, 2])
    values = np.array(
        [  # 2 units × 3 periods × 2 indicators
            [[0, 30], [30, 0], [90, nan]],
            [[60, 60], [nan, nan], [10, 40]],
        ]
    )
    agg = aggregate(s, values)
    assert agg.scores.shape == (1, 2, 3, 3)
    expected = [[20.0, 10.0, 90.0], [60.0, nan, 30.0]]  # (x + 2y) / 3, renormalised
    np.testing.assert_allclose(agg.scores[0, :, :, -1], expected, atol=1e-12)
    np.testing.assert_array_equal(agg.scores[0, :, :, :2], values)


def test_batched_values_with_matching_batched_weights() -> None:
    s = flat([1, 1])
    values = np.array([cell(0, 100), cell(50, 100)])  # (2, 1, 1, 2)
    agg = aggregate(s, values, weights=np.array([[1.0, 1.0], [3.0, 1.0]]))
    assert agg.scores[:, 0, 0, -1].tolist() == [50.0, 62.5]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": np.zeros((1, 1, 3))}, r"values must have shape \(batch, unit, period, 2\)"),
        ({"values": np.zeros((1, 2))}, r"values must have shape \(batch, unit, period, 2\)"),
        ({"values": np.zeros((1, 1, 1, 1, 2))}, r"values must have shape"),
        ({"weights": np.ones(3)}, r"weights must have shape \(2,\) or \(batch, 2\); got \(3,\)"),
        ({"weights": np.ones((2, 2, 2))}, r"weights must have shape"),
        ({"not_applicable": np.zeros((2, 1, 2), bool)}, r"not_applicable must have shape"),
        (
            {"values": np.zeros((2, 1, 1, 2)), "weights": np.ones((3, 2))},
            r"3 weight vectors for a batch of 2",
        ),
    ],
)
def test_wrong_shapes_raise_value_error(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"values": np.zeros((1, 1, 2)), **kwargs}
    with pytest.raises(ValueError, match=message):
        aggregate(flat([1, 1]), **args)
