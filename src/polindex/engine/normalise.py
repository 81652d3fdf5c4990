"""Normalisation: bring every indicator onto a common scale (COINr's ``n_*`` functions).

Rows are indicators (for one period, or a whole panel flattened); columns are units; NaN stays
NaN. Every method multiplies by the row's ``direction`` first, so higher is always better, as
COINr's ``Normalise`` does. Fixed parameters (goalposts, targets, ``scaled`` bounds) therefore
apply to the direction-adjusted values: for a direction −1 indicator give them negated (goalposts
−20 and 0 for "0 is best, 20 or more is worst").
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from polindex.engine.structure import FloatArray
from polindex.framework.vocabulary import NORMALISATION_PARAMS, method_table


class NormalisationError(ValueError):
    """A method cannot normalise some rows (a constant row for minmax, …); ``rows`` lists them."""

    def __init__(self, method: str, rows: list[int], reason: str) -> None:
        self.method, self.rows, self.reason = method, rows, reason
        super().__init__(f"{method} cannot normalise row(s) {rows}: {reason}")


def _col(v: Any) -> Any:
    """A per-row parameter as a column that broadcasts against (rows, n)."""
    a = np.asarray(v, dtype=np.float64)
    return a[:, None] if a.ndim == 1 else a


def _check(method: str, bad: Any, reason: str) -> None:
    rows = np.flatnonzero(np.broadcast_to(bad, bad.shape))
    if rows.size:
        raise NormalisationError(method, rows.tolist(), reason)


def _range(x: FloatArray, method: str) -> tuple[FloatArray, FloatArray]:
    with np.errstate(all="ignore"):
        lo = np.nanmin(x, axis=1, keepdims=True)
        hi = np.nanmax(x, axis=1, keepdims=True)
    _check(method, (hi == lo).ravel(), "every value is the same (range 0)")
    return lo, hi


def minmax(x: FloatArray, low: Any = 0.0, high: Any = 100.0) -> FloatArray:
    """``(x − min) / (max − min) · (high − low) + low``.

    Examples
    --------
    >>> minmax(np.array([[2.0, 4.0, 6.0, np.nan]])).tolist()
    [[0.0, 50.0, 100.0, nan]]
    """
    lo, hi = _range(x, "minmax")
    out: FloatArray = (x - lo) / (hi - lo) * (_col(high) - _col(low)) + _col(low)
    return out


def zscore(x: FloatArray, mean: Any = 0.0, sd: Any = 1.0) -> FloatArray:
    """``(x − mean(x)) / sd(x) · sd + mean``, the sample sd (n − 1).

    Examples
    --------
    >>> zscore(np.array([[1.0, 2.0, 3.0]]), mean=10, sd=2).tolist()
    [[8.0, 10.0, 12.0]]
    """
    m = np.nanmean(x, axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        s = np.nanstd(x, axis=1, ddof=1, keepdims=True)
    _check("zscore", ~(s.ravel() > 0), "the standard deviation is 0 (or fewer than two values)")
    out: FloatArray = (x - m) / s * _col(sd) + _col(mean)
    return out


def scaled(x: FloatArray, low: Any = 0.0, high: Any = 100.0, scale: Any = 100.0) -> FloatArray:
    """``(x − low) / (high − low) · scale`` with fixed ``low`` and ``high``.

    Examples
    --------
    >>> scaled(np.array([[5.0, 10.0]]), low=0, high=20).tolist()
    [[25.0, 50.0]]
    """
    out: FloatArray = (x - _col(low)) / (_col(high) - _col(low)) * _col(scale)
    return out


def goalposts(
    x: FloatArray, low: Any, high: Any, scale: Any = 1.0, truncate: Any = True
) -> FloatArray:
    """``(x − low) / (high − low)``, truncated to [0, 1] (unless ``truncate`` is false), times
    ``scale`` (COINr's ``n_goalposts``).

    Examples
    --------
    >>> goalposts(np.array([[-5.0, 5.0, 25.0]]), low=0, high=20, scale=100).tolist()
    [[0.0, 25.0, 100.0]]
    """
    lo, hi = _col(low), _col(high)
    y = (x - lo) / (hi - lo)
    trunc = np.broadcast_to(_col(np.asarray(truncate, dtype=bool)), y.shape)
    y = np.where(trunc, np.clip(y, 0.0, 1.0), y)
    out: FloatArray = y * _col(scale)
    return out


def dist2max(x: FloatArray) -> FloatArray:
    """``1 − (max − x) / (max − min)``.

    Examples
    --------
    >>> dist2max(np.array([[0.0, 5.0, 10.0]])).tolist()
    [[0.0, 0.5, 1.0]]
    """
    lo, hi = _range(x, "dist2max")
    out: FloatArray = 1 - (hi - x) / (hi - lo)
    return out


def dist2ref(x: FloatArray, reference: int, cap: bool = False) -> FloatArray:
    """``1 − (x_ref − x) / (x_ref − min)``, ``reference`` the column of the reference unit;
    ``cap`` limits scores to 1.

    Examples
    --------
    >>> dist2ref(np.array([[0.0, 5.0, 10.0]]), reference=1).tolist()
    [[0.0, 1.0, 2.0]]
    >>> dist2ref(np.array([[0.0, 5.0, 10.0]]), reference=1, cap=True).tolist()
    [[0.0, 1.0, 1.0]]
    """
    ref = x[:, [int(reference)]]
    with np.errstate(all="ignore"):
        lo = np.nanmin(x, axis=1, keepdims=True)
    _check("dist2ref", np.isnan(ref).ravel(), "the reference unit's value is missing")
    _check("dist2ref", (ref == lo).ravel(), "the reference unit has the lowest value")
    y = 1 - (ref - x) / (ref - lo)
    out: FloatArray = np.minimum(y, 1.0) if cap else y
    return out


def dist2targ(x: FloatArray, target: Any, cap: Any = False) -> FloatArray:
    """Distance to a target: ``(x − min) / (target − min)``; ``cap`` limits scores to 1
    (COINr's ``n_dist2targ``).

    Examples
    --------
    >>> dist2targ(np.array([[0.0, 5.0, 20.0]]), target=10, cap=True).tolist()
    [[0.0, 0.5, 1.0]]
    """
    t = _col(target)
    with np.errstate(all="ignore"):
        lo = np.nanmin(x, axis=1, keepdims=True)
    _check("dist2targ", np.broadcast_to(lo == t, lo.shape).ravel(), "the target equals the minimum")
    y = (x - lo) / (t - lo)
    capped = np.broadcast_to(_col(np.asarray(cap, dtype=bool)), y.shape)
    out: FloatArray = np.where(capped, np.minimum(y, 1.0), y)
    return out


def fracmax(x: FloatArray) -> FloatArray:
    """``x / max``.

    Examples
    --------
    >>> fracmax(np.array([[1.0, 4.0]])).tolist()
    [[0.25, 1.0]]
    """
    with np.errstate(all="ignore"):
        hi = np.nanmax(x, axis=1, keepdims=True)
    _check("fracmax", (hi == 0).ravel(), "the maximum is 0")
    out: FloatArray = x / hi
    return out


def _rank(x: FloatArray) -> FloatArray:
    from scipy.stats import rankdata  # imported on use: scipy.stats takes a second to load

    out: FloatArray = rankdata(x, method="min", axis=1, nan_policy="omit")
    return out


def rank(x: FloatArray) -> FloatArray:
    """Rank, 1 for the lowest value, ties sharing the lowest rank ("min"); NaN stays NaN.

    Examples
    --------
    >>> rank(np.array([[3.0, 1.0, 3.0, np.nan]])).tolist()
    [[2.0, 1.0, 2.0, nan]]
    """
    return _rank(x)


def borda(x: FloatArray) -> FloatArray:
    """Borda score: rank − 1 (the number of units strictly below).

    Examples
    --------
    >>> borda(np.array([[3.0, 1.0, 3.0]])).tolist()
    [[1.0, 0.0, 1.0]]
    """
    return _rank(x) - 1


def prank(x: FloatArray) -> FloatArray:
    """Percentile rank ``(rank − 1) / (n − 1)``, ties "min".

    Examples
    --------
    >>> prank(np.array([[3.0, 1.0, 2.0]])).tolist()
    [[1.0, 0.0, 0.5]]
    """
    n = np.count_nonzero(~np.isnan(x), axis=1)[:, None]
    _check("prank", (n < 2).ravel(), "fewer than two values")
    out: FloatArray = (_rank(x) - 1) / (n - 1)
    return out


def _parameters(fn: Callable[..., FloatArray]) -> tuple[str, ...]:
    return tuple(p for p in inspect.signature(fn).parameters if p != "x")


NORMALISERS: Mapping[str, Callable[..., FloatArray]] = method_table(
    "normalisation",
    {
        "minmax": minmax,
        "zscore": zscore,
        "scaled": scaled,
        "goalposts": goalposts,
        "dist2max": dist2max,
        "dist2ref": dist2ref,
        "dist2targ": dist2targ,
        "fracmax": fracmax,
        "prank": prank,
        "rank": rank,
        "borda": borda,
    },
    parameters=_parameters,
)
"""Each method of the vocabulary and its function, taking values already multiplied by the
direction; the functions' parameters are the vocabulary's (checked at import)."""


def normalise(
    x: FloatArray, method: str = "minmax", *, direction: Any = 1, **params: Any
) -> FloatArray:
    """Normalise every row of ``x`` with ``method`` (see :data:`NORMALISERS`).

    ``direction`` (±1, scalar or per row) is applied first; parameters may be scalars or per-row
    arrays. Raises ``ValueError`` for an unknown method or parameter, and
    :class:`NormalisationError` (listing the rows) where a method cannot apply.

    Examples
    --------
    >>> normalise(np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]), "minmax",
    ...           direction=np.array([1, -1])).tolist()
    [[0.0, 50.0, 100.0], [100.0, 50.0, 0.0]]
    >>> normalise(np.array([[1.0, 2.0]]), "minmax", hi=1)
    Traceback (most recent call last):
    ...
    ValueError: unknown parameter 'hi' of minmax; it takes: low, high
    """
    fn = NORMALISERS.get(method)
    if fn is None:
        raise ValueError(
            f"unknown normalisation method {method!r}; one of: {', '.join(NORMALISERS)}"
        )
    takes = NORMALISATION_PARAMS[method]
    for key in params:
        if key not in takes:
            raise ValueError(
                f"unknown parameter {key!r} of {method}; it takes: {', '.join(takes) or 'none'}"
            )
    xv = np.atleast_2d(np.asarray(x, dtype=np.float64))
    d = _col(np.broadcast_to(np.asarray(direction, dtype=np.float64), (xv.shape[0],)))
    return fn(xv * d, **params)
