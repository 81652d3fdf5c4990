"""Outlier treatment: COINr's check, Winsorisation, log and Box-Cox fallbacks, the point log."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from polindex.engine.stats import skew_kurtosis
from polindex.engine.treat import passes, treat_outliers

NAN = np.nan
BASE = np.arange(1.0, 20.0)  # 1..19, symmetric: passes


def row(*extra: float) -> np.ndarray:
    return np.concatenate([BASE, extra])[None, :]


def test_a_symmetric_row_passes_untouched() -> None:
    t = treat_outliers(row())
    assert t.status.tolist() == ["passed"]
    np.testing.assert_array_equal(t.values, row())
    assert not t.winsorised.any()


def test_one_high_outlier_is_winsorised_to_the_next_value() -> None:
    x = row(100.0)
    t = treat_outliers(x)
    assert t.status.tolist() == ["winsorised"]
    assert t.values[0, -1] == 19.0
    assert t.n_winsorised.tolist() == [1]
    assert t.winsorised[0].tolist() == [False] * 19 + [True]
    assert t.side[0, -1] == 1
    assert bool(passes(t.values)[0])


def test_low_outlier_on_the_negative_skew_side() -> None:
    t = treat_outliers(row(-100.0))
    assert t.values[0, -1] == 1.0
    assert t.side[0, -1] == -1


def test_tied_extremes_are_replaced_together() -> None:
    # two equal outliers: one step replaces both (COINr's which(x == max(x)))
    t = treat_outliers(row(100.0, 100.0))
    assert t.values[0, -2:].tolist() == [19.0, 19.0]
    assert t.n_winsorised.tolist() == [2]


def test_winsorising_stops_at_winmax_then_falls_back_to_log_of_the_original() -> None:
    x = row(1e3, 1e4, 1e5, 1e6)
    t = treat_outliers(x, winmax=1)
    assert t.status.tolist() == ["log"]
    lo, hi = x.min(), x.max()
    np.testing.assert_allclose(t.values, np.log(x - lo + 0.01 * (hi - lo)))
    assert not t.winsorised.any()  # the log replaced the Winsorised values


def test_negative_skew_log_is_mirrored() -> None:
    x = -row(1e3, 1e4, 1e5, 1e6)
    t = treat_outliers(x, winmax=1)
    lo, hi = x.min(), x.max()
    np.testing.assert_allclose(t.values, -np.log(hi + 0.01 * (hi - lo) - x))
    s, _ = skew_kurtosis(t.values)
    assert abs(s[0]) < abs(skew_kurtosis(x)[0][0])


def test_no_fallback_keeps_winsorised_values_and_says_failed() -> None:
    t = treat_outliers(row(1e3, 1e4, 1e5, 1e6), winmax=1, fallback=None)
    assert t.status.tolist() == ["failed"]
    assert t.values[0, -1] == 1e5  # one step taken


def test_boxcox_fallback_with_and_without_lambda() -> None:
    x = row(1e3, 1e4, 1e5, 1e6)
    t = treat_outliers(x, winmax=0, fallback="boxcox", boxcox_lambda=0.5)
    shifted = x - x.min() + 1
    np.testing.assert_allclose(t.values, (shifted**0.5 - 1) / 0.5)
    assert t.status.tolist() == ["boxcox"]
    t = treat_outliers(x, winmax=0, fallback="boxcox")
    np.testing.assert_allclose(t.values[0], sps.boxcox(shifted[0])[0])


def test_force_winsorise_treats_a_passing_row() -> None:
    t = treat_outliers(row(), winmax=2, force_winsorise=True)
    # skew 0 → the high side first (19 → 18); the skew is then negative → the low side (1 → 2)
    assert t.n_winsorised.tolist() == [2]
    assert t.values[0, [0, -1]].tolist() == [2.0, 18.0]
    assert t.side[0, [0, -1]].tolist() == [-1, 1]


def test_rows_are_independent_and_parameters_per_row() -> None:
    x = np.vstack([row(100.0), row(100.0)])
    t = treat_outliers(x, winmax=np.array([5, 0]), fallback=None)
    assert t.status.tolist() == ["winsorised", "failed"]


def test_missing_values_stay_missing() -> None:
    x = row(100.0, NAN)
    t = treat_outliers(x)
    assert np.isnan(t.values[0, -1])
    assert t.values[0, -2] == 19.0


def test_too_few_values_are_skipped() -> None:
    t = treat_outliers(np.array([[1.0, 2.0, 100.0]]))
    assert t.status.tolist() == ["skipped"]


def test_thresholds() -> None:
    x = row(40.0)
    s, k = skew_kurtosis(x)
    assert not passes(x, skew_threshold=s[0] - 0.01, kurtosis_threshold=k[0] - 0.01)[0]
    assert passes(x, skew_threshold=s[0] + 0.01, kurtosis_threshold=k[0] - 0.01)[0]
    assert passes(x, skew_threshold=s[0] - 0.01, kurtosis_threshold=k[0] + 0.01)[0]


def test_input_not_modified() -> None:
    x = row(100.0)
    before = x.copy()
    treat_outliers(x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("seed", range(5))
def test_matches_a_plain_loop_of_coinrs_procedure(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0, 1.5, size=(6, 30))
    x[rng.random(x.shape) < 0.1] = NAN
    got = treat_outliers(x, winmax=4)
    for r in range(len(x)):
        np.testing.assert_allclose(got.values[r], _coinr(x[r], winmax=4), rtol=0, atol=0)


def _coinr(x: np.ndarray, winmax: int) -> np.ndarray:
    """COINr's Treat.numeric with winsorise + log_CT, one point group at a time."""

    def ok(v: np.ndarray) -> bool:
        s, k = skew_kurtosis(v)
        return bool(abs(s[0]) < 2 or k[0] < 3.5)

    if ok(x):
        return x
    w = x.copy()
    n_hi = n_lo = 0
    while not ok(w) and n_hi + n_lo < winmax:
        if skew_kurtosis(w)[0][0] >= 0:
            at = w == np.nanmax(w)
            w[at] = np.nanmax(w[~at & ~np.isnan(w)])
            n_hi = int(at.sum())
        else:
            at = w == np.nanmin(w)
            w[at] = np.nanmin(w[~at & ~np.isnan(w)])
            n_lo = int(at.sum())
    if ok(w):
        return w
    lo, hi = np.nanmin(x), np.nanmax(x)
    return np.log(x - lo + 0.01 * (hi - lo))
