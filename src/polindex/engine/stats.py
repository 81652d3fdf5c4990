"""Descriptive statistics per row, ignoring missing values (shared by treatment and audit)."""

from __future__ import annotations

import numpy as np

from polindex.engine.structure import FloatArray


def skew_kurtosis(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Bias-corrected sample skewness and excess kurtosis of each row, in one pass.

    These are COINr's ``skew`` and ``kurt`` (e1071 type 2): ``G1 = g1·sqrt(n(n−1))/(n−2)`` with
    ``g1 = m3/m2^1.5`` and ``G2 = ((n+1)·g2 + 6)·(n−1)/((n−2)(n−3))`` with ``g2 = m4/m2² − 3``.
    Missing values are ignored; skewness is NaN below three values, kurtosis below four, both
    for a constant row. A 1-D input is one row.

    Examples
    --------
    >>> s, k = skew_kurtosis(np.array([1.0, 2.0, 3.0, 10.0, np.nan]))
    >>> round(float(s[0]), 6), round(float(k[0]), 6)
    (1.763633, 3.228)
    """
    xv = np.atleast_2d(np.asarray(x, dtype=np.float64))
    present = ~np.isnan(xv)
    n = np.count_nonzero(present, axis=-1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(present, xv, 0.0)
        mean = d.sum(axis=-1) / n
        d -= mean[..., None]
        d[~present] = 0.0
        d2 = d * d
        s2 = d2.sum(axis=-1)
        s3 = np.einsum("...i,...i->...", d2, d)
        s4 = np.einsum("...i,...i->...", d2, d2)
        skew = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * s4 / (s2 * s2)
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    constant = s2 == 0
    skew[(n < 3) | constant] = np.nan
    kurt[(n < 4) | constant] = np.nan
    return skew, kurt


def skewness(x: FloatArray) -> FloatArray:
    """Bias-corrected sample skewness of each row (see :func:`skew_kurtosis`).

    Examples
    --------
    >>> skewness(np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])).tolist()
    [0.0, nan]
    """
    return skew_kurtosis(x)[0]


def kurtosis(x: FloatArray) -> FloatArray:
    """Bias-corrected sample excess kurtosis of each row (see :func:`skew_kurtosis`).

    Examples
    --------
    >>> round(float(kurtosis(np.array([1.0, 2.0, 3.0, 10.0]))[0]), 6)
    3.228
    """
    return skew_kurtosis(x)[1]
