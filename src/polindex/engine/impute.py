"""Imputation: fill missing values without ever changing an observed one.

Arrays are ``(indicator, period, unit)``, NaN for missing. Cross-sectional methods work within
each period (COINr's ``i_mean``, ``i_median``, ``i_mean_grp``, ``i_median_grp``, and row-wise
imputation within a parent); panel methods work along the periods of each unit (COINr's
``impute_panel``: ``latest`` = last observation carried forward, ``linear`` interpolation).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from polindex.engine.structure import FloatArray, IntArray
from polindex.framework.vocabulary import IMPUTATION_PARAMS, method_table

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Imputation:
    """Imputed values, which cells were filled, and how many stay missing per indicator."""

    values: FloatArray
    imputed: BoolArray
    remaining: IntArray


@dataclass(frozen=True)
class _Given:
    """What a method may use beside the values (see :func:`impute`)."""

    groups: IntArray | None
    parent: IntArray | None
    direction: Any
    periods: Any


Estimator = Callable[[FloatArray, _Given], FloatArray]
"""``f(x, given) -> estimate`` of every cell, shape of ``x``; only missing cells are used."""


def _fill(x: FloatArray, estimate: FloatArray) -> Imputation:
    missing = np.isnan(x)
    out = np.where(missing, estimate, x)
    imputed = missing & ~np.isnan(out)
    return Imputation(out, imputed, np.isnan(out).sum(axis=(1, 2)))


def _group_matrix(groups: IntArray, n_units: int) -> tuple[FloatArray, IntArray]:
    g = np.asarray(groups, dtype=np.intp)
    if g.shape != (n_units,):
        raise ValueError(f"groups must have one entry per unit ({n_units}); got shape {g.shape}")
    labels = np.unique(g[g >= 0])
    one_hot = (g[:, None] == labels[None, :]).astype(np.float64)
    return one_hot, labels


def _groups(given: _Given) -> IntArray:
    if given.groups is None:  # impute() says which method first
        raise ValueError("group imputation needs groups (a group id per unit)")
    return np.asarray(given.groups, dtype=np.intp)


def _mean(x: FloatArray, _: _Given) -> FloatArray:
    with np.errstate(all="ignore"), _quiet():
        return np.broadcast_to(np.nanmean(x, axis=2, keepdims=True), x.shape)


def _median(x: FloatArray, _: _Given) -> FloatArray:
    with np.errstate(all="ignore"), _quiet():
        return np.broadcast_to(np.nanmedian(x, axis=2, keepdims=True), x.shape)


def _mean_group(x: FloatArray, given: _Given) -> FloatArray:
    g = _groups(given)
    one_hot, labels = _group_matrix(g, x.shape[2])
    est = np.full_like(x, np.nan)
    present = ~np.isnan(x)
    sums = np.where(present, x, 0.0) @ one_hot
    counts = present.astype(np.float64) @ one_hot
    with np.errstate(all="ignore"):
        means = sums / counts  # (indicator, period, group)
    pos = np.searchsorted(labels, g)
    has = g >= 0
    est[:, :, has] = means[:, :, pos[has]]
    return est


def _median_group(x: FloatArray, given: _Given) -> FloatArray:
    g = _groups(given)
    _, labels = _group_matrix(g, x.shape[2])
    est = np.full_like(x, np.nan)
    for label in labels:
        cols = g == label
        with np.errstate(all="ignore"), _quiet():
            est[:, :, cols] = np.nanmedian(x[:, :, cols], axis=2, keepdims=True)
    return est


def _row_mean(x: FloatArray, given: _Given) -> FloatArray:
    n_i = x.shape[0]
    if given.parent is None:
        raise ValueError("row_mean needs the parent of each indicator")
    par = np.asarray(given.parent, dtype=np.intp)
    if par.shape != (n_i,):
        raise ValueError(f"parent must have one entry per indicator ({n_i}); got {par.shape}")
    d = np.broadcast_to(np.asarray(given.direction, dtype=np.float64), (n_i,))[:, None, None]
    xd = x * d
    with np.errstate(all="ignore"), _quiet():
        lo = np.nanmin(xd, axis=2, keepdims=True)
        hi = np.nanmax(xd, axis=2, keepdims=True)
        scaled = (xd - lo) / (hi - lo)
    present = ~np.isnan(scaled)
    _, pidx = np.unique(par, return_inverse=True)
    one_hot = (pidx[:, None] == np.arange(pidx.max() + 1)[None, :]).astype(np.float64)
    sums = np.einsum("ipu,ik->kpu", np.where(present, scaled, 0.0), one_hot)
    counts = np.einsum("ipu,ik->kpu", present.astype(np.float64), one_hot)
    with np.errstate(all="ignore"):
        mean = (sums / counts)[pidx]  # each indicator's parent mean, (indicator, period, unit)
        back: FloatArray = (mean * (hi - lo) + lo) * d
    return back


def _previous(x: FloatArray) -> tuple[IntArray, FloatArray]:
    """Per cell, the period of the unit's latest value up to it (−1: none) and that value."""
    n_p = x.shape[1]
    idx = np.arange(n_p)[None, :, None]
    prev = np.maximum.accumulate(np.where(~np.isnan(x), idx, -1), axis=1)
    prev_val = np.take_along_axis(x, np.maximum(prev, 0), axis=1)
    return prev, np.where(prev >= 0, prev_val, np.nan)


def _locf(x: FloatArray, _: _Given) -> FloatArray:
    return _previous(x)[1]


def _linear(x: FloatArray, given: _Given) -> FloatArray:
    n_p = x.shape[1]
    t = np.arange(n_p, dtype=np.float64)
    if given.periods is not None:
        t = np.asarray(given.periods, dtype=np.float64)
    if t.shape != (n_p,) or not np.all(np.diff(t) > 0):
        raise ValueError("periods must be increasing numbers, one per period")
    prev, prev_val = _previous(x)
    idx = np.arange(n_p)[None, :, None]
    nxt = np.minimum.accumulate(np.where(~np.isnan(x), idx, n_p)[:, ::-1], axis=1)[:, ::-1]
    next_val = np.take_along_axis(x, np.minimum(nxt, n_p - 1), axis=1)
    next_val = np.where(nxt < n_p, next_val, np.nan)
    t_prev = t[np.clip(prev, 0, n_p - 1)]
    t_next = t[np.clip(nxt, 0, n_p - 1)]
    tc = t[None, :, None]
    with np.errstate(all="ignore"):
        frac = (tc - t_prev) / (t_next - t_prev)
        inner = prev_val + frac * (next_val - prev_val)
    out: FloatArray = np.where(
        (prev >= 0) & (nxt < n_p), inner, np.where(prev >= 0, prev_val, next_val)
    )
    return out


IMPUTERS: Mapping[str, Estimator] = method_table(
    "imputation",
    {
        "mean": _mean,
        "median": _median,
        "mean_group": _mean_group,
        "median_group": _median_group,
        "row_mean": _row_mean,
        "locf": _locf,
        "linear": _linear,
    },
)
"""Each imputation method of the vocabulary and its estimator."""


def impute(
    x: FloatArray,
    method: str,
    *,
    groups: IntArray | None = None,
    parent: IntArray | None = None,
    direction: Any = 1,
    periods: Any = None,
) -> Imputation:
    """Impute the missing values of ``x`` (indicator, period, unit) with ``method``.

    Parameters
    ----------
    method : str
        ``mean`` / ``median`` of the indicator over the units of the period; ``mean_group`` /
        ``median_group`` within the unit's group (``groups``: an id per unit, −1 for none —
        such units are left missing, as COINr's ``skip_f_na``); ``row_mean``: the mean of the
        unit's other indicators with the same ``parent`` (an index per indicator), computed on
        values min-max scaled to [0, 1] after ``direction`` and scaled back (COINr's row-wise
        imputation with ``normalise_first``); ``locf``: the unit's latest earlier value
        (leading gaps stay missing); ``linear``: linear interpolation over ``periods`` (numbers;
        default 0, 1, 2, …), the nearest value beyond the first / last observation.

    Examples
    --------
    >>> x = np.array([[[1.0, np.nan, 3.0, np.nan]]])          # 1 indicator, 1 period, 4 units
    >>> impute(x, "mean").values.tolist()
    [[[1.0, 2.0, 3.0, 2.0]]]
    >>> impute(x, "mean_group", groups=np.array([0, 0, 1, -1])).values.tolist()
    [[[1.0, 1.0, 3.0, nan]]]
    >>> panel = np.array([[[np.nan], [2.0], [np.nan], [np.nan], [8.0]]])  # 5 periods, 1 unit
    >>> impute(panel, "locf").values.ravel().tolist()
    [nan, 2.0, 2.0, 2.0, 8.0]
    >>> impute(panel, "linear").values.ravel().tolist()
    [2.0, 2.0, 4.0, 6.0, 8.0]
    """
    xv = np.asarray(x, dtype=np.float64)
    if xv.ndim != 3:
        raise ValueError(f"x must have shape (indicator, period, unit); got {xv.shape}")
    estimator = IMPUTERS.get(method)
    if estimator is None:
        raise ValueError(f"unknown imputation method {method!r}; one of: {', '.join(IMPUTERS)}")
    if "group" in IMPUTATION_PARAMS[method] and groups is None:
        raise ValueError(f"{method} needs groups (a group id per unit)")
    return _fill(xv, estimator(xv, _Given(groups, parent, direction, periods)))


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numpy's 'mean of empty slice' warnings (an all-missing slice stays missing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
