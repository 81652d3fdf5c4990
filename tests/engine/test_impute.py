"""Imputation: every method by hand; observed values never change."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.engine.impute import IMPUTERS, impute
from polindex.framework.vocabulary import IMPUTATION_METHODS

NAN = np.nan


def one(values: list[float]) -> np.ndarray:
    """One indicator, one period, one value per unit."""
    return np.array(values, dtype=float)[None, None, :]


def test_mean_and_median_per_indicator() -> None:
    x = one([1.0, NAN, 2.0, 9.0])
    assert impute(x, "mean").values.ravel().tolist() == [1.0, 4.0, 2.0, 9.0]
    assert impute(x, "median").values.ravel().tolist() == [1.0, 2.0, 2.0, 9.0]


def test_mean_within_each_period() -> None:
    x = np.array([[[1.0, NAN, 3.0], [10.0, 20.0, NAN]]])  # 1 indicator, 2 periods, 3 units
    assert impute(x, "mean").values.tolist() == [[[1.0, 2.0, 3.0], [10.0, 20.0, 15.0]]]


def test_group_mean_and_median() -> None:
    x = one([1.0, 3.0, NAN, 10.0, 20.0, 60.0, NAN])
    groups = np.array([0, 0, 0, 1, 1, 1, 1])
    assert impute(x, "mean_group", groups=groups).values.ravel().tolist() == [
        1.0,
        3.0,
        2.0,
        10.0,
        20.0,
        60.0,
        30.0,
    ]
    assert impute(x, "median_group", groups=groups).values.ravel().tolist() == [
        1.0,
        3.0,
        2.0,
        10.0,
        20.0,
        60.0,
        20.0,
    ]


def test_unit_without_group_and_group_without_data_stay_missing() -> None:
    x = one([NAN, 5.0, NAN, NAN])
    res = impute(x, "mean_group", groups=np.array([-1, 0, 0, 1]))
    assert np.isnan(res.values.ravel()[[0, 3]]).all()
    assert res.values.ravel()[2] == 5.0
    assert res.remaining.tolist() == [2]
    assert res.imputed.ravel().tolist() == [False, False, True, False]


def test_row_mean_within_parent_on_normalised_values() -> None:
    # indicators a, b share a parent, c has another; direction of b is −1
    # a over units: 0, 10, 20 (NaN for unit 2 → to impute); b: 5, 3, 1; c: 100, 200, 300
    x = np.array([[[0.0, 10.0, NAN]], [[5.0, 3.0, 1.0]], [[100.0, 200.0, 300.0]]])
    res = impute(x, "row_mean", parent=np.array([7, 7, 8]), direction=np.array([1, -1, 1]))
    # b·(−1) = −5, −3, −1 → scaled 0, 0.5, 1; unit 2's scaled b is 1 → a = 1 · (10 − 0) + 0
    assert res.values[0, 0, 2] == 10.0
    np.testing.assert_array_equal(res.values[1:], x[1:])


def test_row_mean_with_no_sibling_value_stays_missing() -> None:
    x = np.array([[[NAN, 1.0]], [[NAN, 2.0]]])
    res = impute(x, "row_mean", parent=np.array([0, 0]))
    assert np.isnan(res.values[:, 0, 0]).all()


def test_locf_carries_the_latest_value_forward() -> None:
    x = np.array([[[NAN], [2.0], [NAN], [5.0], [NAN]]])  # 1 indicator, 5 periods, 1 unit
    assert impute(x, "locf").values.ravel().tolist()[1:] == [2.0, 2.0, 5.0, 5.0]
    assert np.isnan(impute(x, "locf").values.ravel()[0])


def test_linear_interpolates_by_time_and_holds_the_ends() -> None:
    x = np.array([[[NAN], [2.0], [NAN], [8.0], [NAN]]])
    periods = [2000, 2001, 2003, 2004, 2010]  # the gap 2001 → 2004 is three years
    out = impute(x, "linear", periods=periods).values.ravel().tolist()
    assert out == [2.0, 2.0, 6.0, 8.0, 8.0]


def test_observed_values_never_change() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3, 10))
    x[rng.random(x.shape) < 0.3] = NAN
    for method in IMPUTATION_METHODS:
        kw: dict[str, object] = {
            "groups": rng.integers(0, 3, 10),
            "parent": np.array([0, 0, 1, 1]),
        }
        res = impute(x, method, **kw)  # type: ignore[arg-type]
        observed = ~np.isnan(x)
        np.testing.assert_array_equal(res.values[observed], x[observed])
        assert not res.imputed[observed].any()


def test_every_method_of_the_vocabulary_is_implemented() -> None:
    assert tuple(IMPUTERS) == IMPUTATION_METHODS
    x = np.array([[[1.0, NAN, 3.0]], [[5.0, 7.0, NAN]]])  # 2 indicators, 1 period, 3 units
    groups, parent = np.array([0, 0, 1]), np.array([0, 0])
    expected = {
        "mean": [[1, 2, 3], [5, 7, 6]],
        "median": [[1, 2, 3], [5, 7, 6]],
        "mean_group": [[1, 1, 3], [5, 7, NAN]],  # unit 3 is alone in group 1
        "median_group": [[1, 1, 3], [5, 7, NAN]],
        "row_mean": [[1, 3, 3], [5, 7, 7]],  # the sibling's position in its range, scaled back
        "locf": [[1, NAN, 3], [5, 7, NAN]],  # one period: nothing earlier
        "linear": [[1, NAN, 3], [5, 7, NAN]],
    }
    assert list(expected) == list(IMPUTATION_METHODS)
    for method, want in expected.items():
        got = impute(x, method, groups=groups, parent=parent).values[:, 0]
        np.testing.assert_array_equal(got, np.array(want, dtype=float), err_msg=method)


@pytest.mark.parametrize(
    ("method", "kw", "message"),
    [
        ("mean_group", {}, "mean_group needs groups"),
        ("row_mean", {}, "row_mean needs the parent of each indicator"),
        ("linear", {"periods": [2001, 2000]}, "periods must be increasing"),
        ("hot_deck", {}, "unknown imputation method 'hot_deck'"),
    ],
)
def test_errors(method: str, kw: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        impute(np.ones((1, 2, 2)), method, **kw)  # type: ignore[arg-type]
