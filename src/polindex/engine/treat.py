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
    out = np.empty_like(x)
    pos, neg = np.flatnonzero(positive), np.flatnonzero(~positive)
    out[pos] = np.log(x[pos] - lo[pos] + a[pos])
    out[neg] = -np.log(hi[neg] + a[neg] - x[neg])
    return out


def _boxcox(x: FloatArray, lam: float | None) -> FloatArray:
    """COINr's ``boxcox`` (shifted so the minimum is 1); λ estimated by maximum likelihood
    per row when not given."""
    out = np.full_like(x, np.nan)
    for r in range(x.shape[0]):
        present = ~np.isnan(x[r])
        shifted = x[r, present] - x[r, present].min() + 1
        if lam is None:
            from scipy import stats as sps  # imported on use: it takes a second to load

            out[r, present] = sps.boxcox(shifted)[0]
        elif lam == 0:
            out[r, present] = np.log(shifted)
        else:
            out[r, present] = (shifted**lam - 1) / lam
    return out


class _ClippedMoments:
    """Skewness and kurtosis of sorted rows clipped to ``[xs[lo], xs[hi]]``, in O(1) per row.

    Winsorising is clipping: the power sums of a clipped row are those of the whole row, minus
    the ``lo`` lowest and ``n − 1 − hi`` highest values, plus that many copies of the bounds.
    Sums over the tails come from prefix sums of the ``window`` lowest and highest values of
    each row; a tail longer than that (many tied extremes) is computed directly. Values are
    standardised first, which keeps the raw power sums well conditioned.
    """

    def __init__(self, xs: FloatArray, count: npt.NDArray[np.intp], window: int) -> None:
        self.xs = xs
        present = ~np.isnan(xs)
        n = np.maximum(count, 1).astype(np.float64)[:, None]
        mean = np.where(present, xs, 0.0).sum(axis=1, keepdims=True) / n
        d = np.where(present, xs - mean, 0.0)
        d2 = d * d
        spread = np.sqrt(d2.sum(axis=1, keepdims=True) / n)
        spread[spread == 0] = 1.0
        self.mean, self.spread = mean[:, 0], spread[:, 0]
        z = d / spread
        z2 = d2 / (spread * spread)
        self.full = np.stack(
            [
                z.sum(axis=1),
                z2.sum(axis=1),
                np.einsum("ij,ij->i", z2, z),
                np.einsum("ij,ij->i", z2, z2),
            ]
        )
        w = self.window = max(1, min(window, xs.shape[1]))
        low = z[:, :w]
        top_at = np.clip(count[:, None] - 1 - np.arange(w)[None, :], 0, None)  # highest first
        high = np.where(np.arange(w)[None, :] < count[:, None], np.take_along_axis(z, top_at, 1), 0)
        self.low = np.zeros((4, len(xs), w + 1))
        self.high = np.zeros((4, len(xs), w + 1))
        for k in (1, 2, 3, 4):
            np.cumsum(low**k, axis=1, out=self.low[k - 1, :, 1:])
            np.cumsum(high**k, axis=1, out=self.high[k - 1, :, 1:])
        self.count = count

    def skew_kurtosis(
        self, rows: npt.NDArray[np.intp], lo: npt.NDArray[np.intp], hi: npt.NDArray[np.intp]
    ) -> tuple[FloatArray, FloatArray]:
        n_int = self.count[rows]
        n = n_int.astype(np.float64)
        n_lo, n_hi = lo, n_int - 1 - hi
        inside = (n_lo <= self.window) & (n_hi <= self.window)
        a, b = np.minimum(n_lo, self.window), np.minimum(n_hi, self.window)
        zl = (self.xs[rows, lo] - self.mean[rows]) / self.spread[rows]
        zu = (self.xs[rows, hi] - self.mean[rows]) / self.spread[rows]
        s = [
            self.full[k - 1, rows]
            - self.low[k - 1, rows, a]
            - self.high[k - 1, rows, b]
            + n_lo * zl**k
            + n_hi * zu**k
            for k in (1, 2, 3, 4)
        ]
        mean = s[0] / n
        e2, e3, e4 = s[1] / n, s[2] / n, s[3] / n
        m2 = e2 - mean**2
        m3 = e3 - 3 * mean * e2 + 2 * mean**3
        m4 = e4 - 4 * mean * e3 + 6 * mean**2 * e2 - 3 * mean**4
        with np.errstate(all="ignore"):
            skew = m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
            r = m4 / (m2 * m2)
            kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
        flat = ~(m2 > 1e-12)  # every value now equal: nothing left to assess
        skew[flat] = np.nan
        kurt[flat] = np.nan
        if not inside.all():  # long tails of tied values: directly
            far = np.flatnonzero(~inside)
            r_far = rows[far]
            clipped = np.clip(
                self.xs[r_far], self.xs[r_far, lo[far]][:, None], self.xs[r_far, hi[far]][:, None]
            )
            skew[far], kurt[far] = skew_kurtosis(clipped)
        return skew, kurt


def _next_inward(
    xs: FloatArray, rows: npt.NDArray[np.intp], at: npt.NDArray[np.intp], step: int
) -> npt.NDArray[np.intp]:
    """Position of the first value past the tie group at ``at`` (moving by ``step``)."""
    j = at + step
    n = xs.shape[1]
    value = xs[rows, at]
    tied = (j >= 0) & (j < n)
    tied[tied] = xs[rows[tied], j[tied]] == value[tied]
    while tied.any():
        j[tied] += step
        inside = tied & (j >= 0) & (j < n)
        tied[:] = False
        tied[inside] = xs[rows[inside], j[inside]] == value[inside]
    return j


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
    # only the rows to Winsorise are sorted
    r_all = np.arange(rows)
    cand = r_all[(failing | (force_winsorise & ~undefined)) & (wmax > 0)]
    xs = np.sort(xv[cand], axis=1)
    count = np.count_nonzero(~np.isnan(xs), axis=1)
    lo = np.zeros(len(cand), dtype=np.intp)  # clip bounds as positions in the sorted rows
    hi = np.maximum(count - 1, 0)
    skew, kurt = skew0[cand], kurt0[cand]
    wm, s_c, k_c = wmax[cand], s_thr[cand], k_thr[cand]
    moments = _ClippedMoments(xs, count, int(wmax.max(initial=0)) + 8)
    active = np.ones(len(cand), dtype=bool)
    r_c = np.arange(len(cand))
    while active.any():
        idx = r_c[active]
        high = skew[idx] >= 0
        new_hi, new_lo = hi[idx], lo[idx]
        if high.any():
            new_hi[high] = _next_inward(xs, idx[high], new_hi[high], -1)
        if not high.all():
            new_lo[~high] = _next_inward(xs, idx[~high], new_lo[~high], 1)
        done_before = (count[idx] - 1 - hi[idx]) + lo[idx]
        ok = (new_lo < new_hi) & (done_before < wm[idx])  # COINr: step while fewer than winmax
        active[idx[~ok]] = False
        idx, new_hi, new_lo = idx[ok], new_hi[ok], new_lo[ok]
        if not idx.size:
            break
        hi[idx], lo[idx] = new_hi, new_lo
        s, k = moments.skew_kurtosis(idx, new_lo, new_hi)
        skew[idx], kurt[idx] = s, k
        if not force_winsorise:
            with np.errstate(invalid="ignore"):
                done = (np.abs(s) < s_c[idx]) | (k < k_c[idx]) | np.isnan(s)
            active[idx[done]] = False
    touched_c = r_c[(hi < np.maximum(count - 1, 0)) | (lo > 0)]
    t = cand[touched_c]
    out = xv.copy()
    side = np.zeros((rows, n), dtype=np.int8)
    if t.size:
        upper = xs[touched_c, hi[touched_c]][:, None]
        lower = xs[touched_c, lo[touched_c]][:, None]
        out[t] = np.clip(xv[t], lower, upper)
        side[t] = np.where(xv[t] > upper, 1, np.where(xv[t] < lower, -1, 0))
        status[t] = WINSORISED
    # statistics after Winsorising: those the loop decided with (exact up to rounding)
    s_after, k_after = skew0.copy(), kurt0.copy()
    s_after[cand], k_after[cand] = skew, kurt
    if not force_winsorise:
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
            if fallback is not None:
                s_after[t], k_after[t] = skew_kurtosis(out[t])
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
