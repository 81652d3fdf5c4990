"""Correlations with pairwise-complete observations and their p-values (COINr's ``get_corr``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from polindex.engine.structure import FloatArray, IntArray


@dataclass(frozen=True)
class Correlation:
    """``r``, two-sided ``p`` and the number of complete pairs ``n``, each (columns of x,
    columns of y)."""

    r: FloatArray
    p: FloatArray
    n: IntArray


def _ranks(v: FloatArray) -> FloatArray:
    """Ranks from 1 of the values of ``v`` (1-D, no NaN), ties given their average rank — as
    R's ``cor(method="spearman")`` and ``scipy.stats.rankdata`` (whose import costs 0.4 s or
    more; decision 065). Every rank is a whole or half number, exact in floating point.

    >>> _ranks(np.array([30.0, 10.0, 20.0, 10.0])).tolist()
    [4.0, 1.5, 3.0, 1.5]
    """
    order = np.argsort(v, kind="stable")
    ordered = v[order]
    new = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    group = np.cumsum(new) - 1  # the tie group of each sorted value
    first = np.flatnonzero(new)  # where each group starts, and (next one) ends
    ends = np.append(first[1:], len(v))
    out = np.empty(len(v))
    out[order] = 0.5 * (first[group] + 1 + ends[group])
    return out


def _nan_ranks(v: FloatArray) -> FloatArray:
    out = np.full(v.shape, np.nan)
    present = ~np.isnan(v)
    out[present] = _ranks(v[present])
    return out


def _pairwise(
    x: FloatArray, y: FloatArray, px: np.ndarray, py: np.ndarray
) -> tuple[FloatArray, IntArray]:
    """Pearson r of every column pair over the rows where both are present, by matrix sums."""
    fx, fy = px.astype(np.float64), py.astype(np.float64)
    with np.errstate(all="ignore"):  # centred first: the sums below then cancel little
        x = x - np.nanmean(np.where(px, x, np.nan), axis=0)
        y = y - np.nanmean(np.where(py, y, np.nan), axis=0)
    x0, y0 = np.where(px, x, 0.0), np.where(py, y, 0.0)
    n = fx.T @ fy
    sx, sy = x0.T @ fy, fx.T @ y0
    sxx, syy = (x0 * x0).T @ fy, fx.T @ (y0 * y0)
    sxy = x0.T @ y0
    with np.errstate(all="ignore"):
        cov = sxy - sx * sy / n
        vx = sxx - sx * sx / n
        vy = syy - sy * sy / n
        r = cov / np.sqrt(vx * vy)
    tiny = (vx <= 1e-12 * np.maximum(sxx, 1)) | (vy <= 1e-12 * np.maximum(syy, 1)) | (n < 2)
    r = np.where(tiny, np.nan, np.clip(r, -1.0, 1.0))
    return r, n.round().astype(np.intp)


def correlate(x: FloatArray, y: FloatArray | None = None, method: str = "pearson") -> Correlation:
    """Pearson or Spearman correlation of every column of ``x`` with every column of ``y``
    (default ``x``), over the rows where both are present — R's
    ``cor(use = "pairwise.complete.obs")`` — with ``cor.test``'s two-sided p-value
    (t distribution with n − 2 degrees of freedom; for Spearman the same t approximation, which
    R uses when there are ties or with ``exact = FALSE``).

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9], [4.0, np.nan], [5.0, 10.2]])
    >>> c = correlate(x)
    >>> round(float(c.r[0, 1]), 4), int(c.n[0, 1]), bool(c.p[0, 1] < 0.01)
    (0.9995, 4, True)
    """
    if method not in ("pearson", "spearman"):
        raise ValueError(f"unknown correlation method {method!r}; pearson or spearman")
    xv = np.asarray(x, dtype=np.float64)
    yv = xv if y is None else np.asarray(y, dtype=np.float64)
    if xv.shape[0] != yv.shape[0]:
        raise ValueError(f"x has {xv.shape[0]} rows and y {yv.shape[0]}")
    kx, ky = xv.shape[1], yv.shape[1]
    px, py = ~np.isnan(xv), ~np.isnan(yv)
    if method == "spearman":  # ranks over each column's values (pairs with gaps: below)
        xv = np.where(px, np.apply_along_axis(_nan_ranks, 0, xv), np.nan)
        yv = np.where(py, np.apply_along_axis(_nan_ranks, 0, yv), np.nan)
    r, n = _pairwise(xv, yv, px, py)
    if method == "spearman":
        # a pair whose columns miss different rows is ranked again on its complete rows
        raw_x, raw_y = (
            np.asarray(x, dtype=np.float64),
            (np.asarray(x, dtype=np.float64) if y is None else np.asarray(y, dtype=np.float64)),
        )
        gaps_x, gaps_y = ~px.all(axis=0), ~py.all(axis=0)
        for i in range(kx):
            for j in range(ky):
                if not (gaps_x[i] or gaps_y[j]):
                    continue
                both = px[:, i] & py[:, j]
                if both.sum() < 2:
                    continue
                a, b = _ranks(raw_x[both, i]), _ranks(raw_y[both, j])
                r[i, j] = float(np.corrcoef(a, b)[0, 1]) if a.std() and b.std() else np.nan
    with np.errstate(all="ignore"):
        df = n - 2
        t = r * np.sqrt(df / np.maximum(1 - r * r, 0))
        from scipy.special import stdtr  # what scipy.stats.t.sf computes, without its import

        p = 2 * stdtr(df, -np.abs(t))
    p = np.where(np.abs(r) >= 1 - 1e-15, 0.0, p)
    p = np.where((n < 3) | np.isnan(r), np.nan, p)
    return Correlation(r=r, p=p, n=n)


def cronbach_alpha(x: FloatArray) -> float:
    """Cronbach's alpha of the columns of ``x`` (COINr's ``get_cronbach``): with the
    pairwise-complete covariance matrix Σ of k columns, ``k² · mean off-diagonal / sum(Σ)``.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 3.5], [3.0, 5.0, 6.0], [4.0, 4.0, 7.0]])
    >>> round(cronbach_alpha(x), 4)
    0.9344
    """
    xv = np.asarray(x, dtype=np.float64)
    k = xv.shape[1]
    if k < 2:
        raise ValueError("Cronbach's alpha needs at least two columns")
    cov = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            both = ~np.isnan(xv[:, i]) & ~np.isnan(xv[:, j])
            if both.sum() > 1:
                cov[i, j] = cov[j, i] = np.cov(xv[both, i], xv[both, j])[0, 1]
    total = np.nansum(cov)
    average = (total - np.nansum(np.diag(cov))) / (k * (k - 1))
    return float(k * k * average / total)


@dataclass(frozen=True)
class PCA:
    """Principal components of standardised columns (rows with a missing value left out):
    the proportion of variance of each component, the loadings (column, component) and the
    number of rows used. The first component's loadings are signed to sum to a positive
    number (the sign of a component is arbitrary)."""

    variance_explained: FloatArray
    loadings: FloatArray
    n: int


def pca(x: FloatArray) -> PCA:
    """COINr's ``get_PCA`` (``prcomp(center = TRUE, scale = TRUE)``) for the columns of ``x``.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, 4.5], [3.0, 6.0], [4.0, 7.5]])
    >>> res = pca(x)
    >>> np.round(res.variance_explained, 4).tolist(), np.round(res.loadings[:, 0], 4).tolist()
    ([0.9954, 0.0046], [0.7071, 0.7071])
    """
    xv = np.asarray(x, dtype=np.float64)
    rows = xv[~np.isnan(xv).any(axis=1)]
    if len(rows) < 2:
        raise ValueError("PCA needs at least two rows without missing values")
    sd = rows.std(axis=0, ddof=1)
    if np.any(sd == 0):
        raise ValueError("PCA: a column has no variance")
    z = (rows - rows.mean(axis=0)) / sd
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    var = s**2 / (len(rows) - 1)
    loadings = vt.T.copy()
    if loadings[:, 0].sum() < 0:
        loadings[:, 0] *= -1
    return PCA(variance_explained=var / var.sum(), loadings=loadings, n=len(rows))
