"""Denomination: turn extensive quantities into intensive ones (GDP → GDP per capita)."""

from __future__ import annotations

import numpy as np

from polindex.engine.structure import FloatArray


def denominate(
    x: FloatArray, denominator: FloatArray, scale: float | FloatArray = 1.0
) -> FloatArray:
    """Divide ``x`` by ``denominator / scale``, as COINr's ``Denominate``.

    ``x`` and ``denominator`` broadcast against each other (e.g. one indicator's values and its
    denominator column over the same units). A missing denominator gives a missing value; a zero
    denominator is an error (the caller reports where), never a silent infinity.

    Raises
    ------
    ZeroDivisionError
        Where a present value meets a zero denominator.

    Examples
    --------
    >>> denominate(np.array([10.0, 6.0, np.nan]), np.array([5.0, 3.0, 2.0])).tolist()
    [2.0, 2.0, nan]
    >>> denominate(np.array([10.0]), np.array([5000.0]), scale=1000).tolist()   # per thousand
    [2.0]
    """
    d = np.asarray(denominator, dtype=np.float64) / scale
    xv = np.asarray(x, dtype=np.float64)
    zero = (d == 0) & ~np.isnan(xv)
    if zero.any():
        raise ZeroDivisionError(f"{int(zero.sum())} value(s) have a zero denominator")
    out: FloatArray = xv / d
    return out
