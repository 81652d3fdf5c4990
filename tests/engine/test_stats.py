"""Skewness and kurtosis: COINr's bias-corrected sample versions (e1071 type 2)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from polindex.engine.stats import kurtosis, skew_kurtosis, skewness

NAN = np.nan


def test_hand_computed_values() -> None:
    # x = 1, 2, 3, 10: mean 4, deviations −3 −2 −1 6; m2 = 50/4, m3 = 180/4, m4 = 1394/4
    # g1 = m3 / m2^1.5 = 45 / 12.5^1.5; G1 = g1·sqrt(4·3)/2
    g1 = 45 / 12.5**1.5
    assert skewness(np.array([1.0, 2.0, 3.0, 10.0]))[0] == pytest.approx(g1 * np.sqrt(12) / 2)
    # g2 = m4 / m2² − 3 = 348.5 / 156.25 − 3; G2 = ((n+1)·g2 + 6)(n−1)/((n−2)(n−3))
    g2 = 348.5 / 156.25 - 3
    assert kurtosis(np.array([1.0, 2.0, 3.0, 10.0]))[0] == pytest.approx((5 * g2 + 6) * 3 / 2)


def test_agree_with_scipy_bias_corrected() -> None:
    rng = np.random.default_rng(7)
    x = rng.lognormal(size=(5, 40))
    s, k = skew_kurtosis(x)
    np.testing.assert_allclose(s, sps.skew(x, axis=1, bias=False), rtol=1e-12)
    np.testing.assert_allclose(k, sps.kurtosis(x, axis=1, bias=False), rtol=1e-12)


def test_missing_values_are_ignored() -> None:
    a = np.array([[1.0, NAN, 2.0, 3.0, 10.0, NAN]])
    b = np.array([[1.0, 2.0, 3.0, 10.0]])
    assert skewness(a)[0] == pytest.approx(skewness(b)[0])
    assert kurtosis(a)[0] == pytest.approx(kurtosis(b)[0])


def test_undefined_cases_are_nan() -> None:
    s, k = skew_kurtosis(
        np.array([[1.0, 2.0, NAN, NAN], [4.0, 4.0, 4.0, 4.0], [1.0, 2.0, 4.0, NAN]])
    )
    assert np.isnan(s[:2]).all()  # two values; constant
    assert not np.isnan(s[2])  # three values: skewness defined…
    assert np.isnan(k).all()  # …kurtosis needs four
