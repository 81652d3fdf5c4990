"""Per-indicator statistics with COINr's flags (``get_stats``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from polindex.engine.stats import skew_kurtosis
from polindex.engine.structure import FloatArray


def indicator_statistics(
    x: FloatArray,
    codes: Sequence[str],
    *,
    skew_threshold: float = 2.0,
    kurtosis_threshold: float = 3.5,
    availability_threshold: float = 0.65,
    nonzero_threshold: float = 0.5,
    unique_threshold: float = 0.5,
) -> pd.DataFrame:
    """COINr's ``get_stats`` for every column of ``x`` (unit, indicator), at full precision.

    Columns: code, min, max, mean, median, sd (n − 1), skew, kurtosis (bias-corrected, excess),
    n_available, n_nonzero, n_unique, n_same (the most frequent value's count),
    share_available (of all units), share_nonzero, share_unique, share_same (of the available
    values), and the flags ``flag_availability`` (``LOW`` below the threshold),
    ``flag_nonzero`` and ``flag_unique`` (``LOW``; as in COINr, these two divide by the number
    of *units*, not of available values) and ``flag_skew_kurtosis`` (``OUT`` when |skew| and
    kurtosis both exceed their thresholds).

    Examples
    --------
    >>> x = np.array([[0.0, 1.0], [0.0, 2.0], [3.0, np.nan], [5.0, 2.0]])
    >>> t = indicator_statistics(x, ["a", "b"])
    >>> t[["code", "mean", "n_available", "n_nonzero", "n_same", "flag_nonzero"]].values.tolist()
    [['a', 2.0, 4, 2, 2, 'ok'], ['b', 1.6666666666666667, 3, 3, 2, 'ok']]
    """
    xv = np.asarray(x, dtype=np.float64)
    if xv.ndim != 2 or xv.shape[1] != len(codes):
        raise ValueError(f"x must be (unit, indicator) with {len(codes)} columns; got {xv.shape}")
    n = xv.shape[0]
    skew, kurt = skew_kurtosis(xv.T)
    rows = []
    stats: tuple[float, float, float, float]
    for j, code in enumerate(codes):
        col = xv[:, j]
        present = col[~np.isnan(col)]
        n_avail = len(present)
        if n_avail:
            _, counts = np.unique(present, return_counts=True)
            n_unique, n_same = len(counts), int(counts.max())
            stats = (
                float(present.min()),
                float(present.max()),
                float(present.mean()),
                float(np.median(present)),
            )
            sd = present.std(ddof=1) if n_avail > 1 else np.nan
        else:
            n_unique = n_same = 0
            stats = (np.nan,) * 4
            sd = np.nan
        n_nonzero = int(np.count_nonzero(present))
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.array([n_nonzero, n_unique, n_same], dtype=np.float64) / n_avail
        out_flag = abs(skew[j]) > skew_threshold and kurt[j] > kurtosis_threshold
        rows.append(
            {
                "code": code,
                "min": stats[0],
                "max": stats[1],
                "mean": stats[2],
                "median": stats[3],
                "sd": sd,
                "skew": skew[j],
                "kurtosis": kurt[j],
                "n_available": n_avail,
                "n_nonzero": n_nonzero,
                "n_unique": n_unique,
                "n_same": n_same,
                "share_available": n_avail / n,
                "share_nonzero": share[0],
                "share_unique": share[1],
                "share_same": share[2],
                "flag_availability": "ok" if n_avail / n >= availability_threshold else "LOW",
                "flag_nonzero": "ok" if n_nonzero / n >= nonzero_threshold else "LOW",
                "flag_unique": "ok" if n_unique / n >= unique_threshold else "LOW",
                "flag_skew_kurtosis": "OUT" if out_flag else "ok",
            }
        )
    return pd.DataFrame(rows)
