"""Outlier treatment: COINr's two-step procedure, every indicator at once.

An indicator *passes* if |skewness| < ``skew_threshold`` **or** kurtosis < ``kurtosis_threshold``
(bias-corrected sample statistics, :mod:`polindex.engine.stats`). A failing indicator is
Winsorised one step at a time on the side of its skew — every point equal to the extreme takes
the next value inward — re-checking after each step; if it still fails, the *original* values
are log-transformed (or Box-Cox transformed) instead. Rows are indicators (for one period);
columns are units; NaN stays NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from polindex.engine.stats import skew_kurtosis
from polindex.engine.structure import FloatArray

BoolArray = npt.NDArray[np.bool_]
Fallback = Literal["log", "boxcox"] | None

PASSED, SKIPPED, WINSORISED, LOG, BOXCOX, FAILED = (
    "passed",
    "skipped",
    "winsorised",
    "log",
    "boxcox",
    "failed",
)


@dataclass(frozen=True)
class Treatment:
    """Treated values and what happened to each row and point.

    ``status`` per row: ``passed`` (untouched), ``skipped`` (fewer than four values or a
    constant row: skewness and kurtosis undefined), ``winsorised``, ``log`` / ``boxcox`` (the
    fallback transform of the original values), ``failed`` (still failing, no fallback).
    ``winsorised`` marks every point replaced (over all steps) and ``side`` says where
    (+1 high, −1 low); ``n_winsorised`` counts them per row.
    """

    values: FloatArray
    status: npt.NDArray[np.str_]
    n_winsorised: npt.NDArray[np.intp]
    skew_before: FloatArray
    kurtosis_before: FloatArray
    skew_after: FloatArray
    kurtosis_after: FloatArray
    winsorised: BoolArray
    side: npt.NDArray[np.int8]


def passes(
    x: FloatArray,
    skew_threshold: float | FloatArray = 2.0,
    kurtosis_threshold: float | FloatArray = 3.5,
) -> BoolArray:
    """COINr's ``check_SkewKurt`` per row: |skew| < threshold or kurtosis < threshold.

    Rows whose statistics are undefined (fewer than four values, constant) pass.

    Examples
    --------
    >>> passes(np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 1.0, 1.0, 1.0, 100.0]])).tolist()
    [True, False]
    """
    sk, kt = skew_kurtosis(x)
    with np.errstate(invalid="ignore"):
        ok = (np.abs(sk) < skew_threshold) | (kt < kurtosis_threshold)
    out: BoolArray = ok | np.isnan(sk) | np.isnan(kt)
    return out


def _log_ct(x: FloatArray, positive: BoolArray) -> FloatArray:
    """COINr's ``log_CT``: log(x − min + 0.01·range); mirrored for negative skew."""
    lo = np.nanmin(x, axis=-1, keepdims=True)
    hi = np.nanmax(x, axis=-1, keepdims=True)
    a = 0.01 * (hi - lo)
    out: FloatArray = np.where(positive[:, None], np.log(x - lo + a), -np.log(hi + a - x))
    return out


def _boxcox(x: FloatArray, lam: float | None) -> FloatArray:
    """COINr's ``boxcox`` (shifted so the minimum is 1); λ estimated by maximum likelihood
    per row when not given."""
    out = np.full_like(x, np.nan)
    for r in range(x.shape[0]):
        present = ~np.isnan(x[r])
        shifted = x[r, present] - x[r, present].min() + 1
        if lam is None:
            out[r, present] = sps.boxcox(shifted)[0]
        elif lam == 0:
            out[r, present] = np.log(shifted)
        else:
            out[r, present] = (shifted**lam - 1) / lam
    return out


def treat_outliers(
    x: FloatArray,
    *,
    winmax: int | npt.NDArray[np.integer] = 5,
    skew_threshold: float | FloatArray = 2.0,
    kurtosis_threshold: float | FloatArray = 3.5,
    fallback: Fallback = "log",
    boxcox_lambda: float | None = None,
    force_winsorise: bool = False,
) -> Treatment:
    """Treat the outliers of every row of ``x`` (rows = indicators, columns = units).

    Parameters
    ----------
    winmax : int or array (rows,)
        Winsorisation goes on while fewer than this many points have been replaced (COINr's
        rule; points tied at the extreme are replaced together, so the last step can take the
        count past ``winmax``).
    skew_threshold, kurtosis_threshold : float or array (rows,)
        The pass check (see :func:`passes`).
    fallback : "log", "boxcox" or None
        What a row that still fails after Winsorising gets: the log transform of its original
        values (COINr's ``log_CT``; mirrored, ``−log(max + a − x)``, for a negative skew), a
        Box-Cox transform (``boxcox_lambda``; estimated by maximum likelihood when None), or
        nothing (status ``failed``, Winsorised values kept).
    force_winsorise : bool
        Winsorise up to ``winmax`` points whether or not the row fails (no fallback).

    Notes
    -----
    Winsorising k times on the high side and j times on the low side is clipping the row to
    ``[L, U]``, the j-th and k-th distinct values inward; the rows are sorted once and each step
    moves ``L`` or ``U`` to the next distinct value, so every step is a handful of array
    operations over all the rows still failing.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0],
    ...               [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]])
    >>> t = treat_outliers(x)
    >>> t.status.tolist(), t.values[0, -1].item(), t.n_winsorised.tolist()
    (['winsorised', 'passed'], 9.0, [1, 0])
    """
    xv = np.atleast_2d(np.array(x, dtype=np.float64))
    rows, n = xv.shape
    wmax = np.broadcast_to(np.asarray(winmax), (rows,))
    s_thr = np.broadcast_to(np.asarray(skew_threshold, dtype=np.float64), (rows,))
    k_thr = np.broadcast_to(np.asarray(kurtosis_threshold, dtype=np.float64), (rows,))
    skew0, kurt0 = skew_kurtosis(xv)
    undefined = np.isnan(skew0) | np.isnan(kurt0)
    with np.errstate(invalid="ignore"):
        failing = ~((np.abs(skew0) < s_thr) | (kurt0 < k_thr)) & ~undefined
    status = np.full(rows, PASSED, dtype=object)
    status[undefined] = SKIPPED

    # sorted rows (NaN last); each tie group's first and last position
    xs = np.sort(xv, axis=1)
    count = np.count_nonzero(~np.isnan(xs), axis=1)
    pos = np.arange(n)
    new_group = np.ones((rows, n), dtype=bool)
    new_group[:, 1:] = xs[:, 1:] != xs[:, :-1]
    g_start = np.maximum.accumulate(np.where(new_group, pos, 0), axis=1)
    ends_group = np.ones((rows, n), dtype=bool)
    ends_group[:, :-1] = new_group[:, 1:]
    g_end = np.minimum.accumulate(np.where(ends_group, pos, n - 1)[:, ::-1], axis=1)[:, ::-1]
    lo = np.zeros(rows, dtype=np.intp)  # clip bounds as positions in the sorted rows
    hi = np.maximum(count - 1, 0)
    skew = skew0.copy()
    active = (failing | (force_winsorise & ~undefined)) & (wmax > 0)
    r_all = np.arange(rows)
    while active.any():
        idx = r_all[active]
        high = skew[idx] >= 0
        new_hi = np.where(high, g_start[idx, hi[idx]] - 1, hi[idx])
        new_lo = np.where(high, lo[idx], g_end[idx, lo[idx]] + 1)
        done_before = (count[idx] - 1 - hi[idx]) + lo[idx]
        ok = (new_lo < new_hi) & (done_before < wmax[idx])  # COINr: step while fewer than winmax
        idx, new_hi, new_lo = idx[ok], new_hi[ok], new_lo[ok]
        active[r_all[active][~ok]] = False
        if not idx.size:
            break
        hi[idx], lo[idx] = new_hi, new_lo
        clipped = np.clip(xs[idx], xs[idx, new_lo][:, None], xs[idx, new_hi][:, None])
        s, k = skew_kurtosis(clipped)
        skew[idx] = s
        if not force_winsorise:
            with np.errstate(invalid="ignore"):
                done = (np.abs(s) < s_thr[idx]) | (k < k_thr[idx]) | np.isnan(s)
            active[idx[done]] = False
    touched = (hi < np.maximum(count - 1, 0)) | (lo > 0)
    out = xv.copy()
    side = np.zeros((rows, n), dtype=np.int8)
    if touched.any():
        t = r_all[touched]
        upper = xs[t, hi[t]][:, None]
        lower = xs[t, lo[t]][:, None]
        out[t] = np.clip(xv[t], lower, upper)
        side[t] = np.where(xv[t] > upper, 1, np.where(xv[t] < lower, -1, 0))
        status[t] = WINSORISED
    if not force_winsorise:
        s_after, k_after = skew_kurtosis(out)
        with np.errstate(invalid="ignore"):
            still = failing & ~((np.abs(s_after) < s_thr) | (k_after < k_thr))
        if still.any():
            t = r_all[still]
            if fallback == "log":
                out[t] = _log_ct(xv[t], skew0[t] >= 0)
                status[t] = LOG
                side[t] = 0
            elif fallback == "boxcox":
                out[t] = _boxcox(xv[t], boxcox_lambda)
                status[t] = BOXCOX
                side[t] = 0
            else:
                status[t] = FAILED
    s_after, k_after = skew_kurtosis(out)
    winsorised = side != 0
    return Treatment(
        values=out,
        status=status.astype(str),
        n_winsorised=np.count_nonzero(winsorised, axis=1),
        skew_before=skew0,
        kurtosis_before=kurt0,
        skew_after=s_after,
        kurtosis_after=k_after,
        winsorised=winsorised,
        side=side,
    )
