"""Ranks and bands of scores, vectorised over every axis but the units."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

from polindex.engine.structure import FloatArray

RANK_DECIMALS = 10
"""Scores are rounded to this many decimals before ranking, so that equal scores reached by
different floating-point paths (e.g. 0.1 + 0.2 vs 0.3) tie instead of ranking apart."""


def rank_scores(scores: FloatArray, higher_is_better: bool = True, axis: int = -3) -> FloatArray:
    """Rank scores across units (``axis``); ties share the best rank ("min"), rank 1 is best.

    Missing scores get no rank (NaN) and do not push other units down.

    Examples
    --------
    >>> s = np.array([[50.0], [80.0], [np.nan], [80.0], [10.0]])
    >>> rank_scores(s, axis=0)[:, 0].tolist()
    [3.0, 1.0, nan, 1.0, 4.0]
    >>> rank_scores(s, higher_is_better=False, axis=0)[:, 0].tolist()
    [2.0, 3.0, nan, 3.0, 1.0]
    """
    key = np.round(scores, RANK_DECIMALS)
    key = -key if higher_is_better else key
    missing = np.isnan(key)
    ranks: FloatArray = rankdata(np.where(missing, np.inf, key), method="min", axis=axis).astype(
        np.float64
    )
    ranks[missing] = np.nan
    return ranks


def band_index(scores: FloatArray, band_minimums: FloatArray) -> npt.NDArray[np.int16]:
    """Index of the band each score falls in (bands sorted by ascending ``min``), −1 if none.

    A score belongs to the band with the highest minimum not above it.

    Examples
    --------
    >>> band_index(np.array([0.0, 0.5, 20.9, 21.0, 100.0, np.nan]),
    ...            np.array([0.0, 1.0, 21.0, 41.0, 60.0, 80.0])).tolist()
    [0, 0, 1, 2, 5, -1]
    """
    if len(band_minimums) == 0:
        return np.full(np.shape(scores), -1, dtype=np.int16)
    idx = np.searchsorted(band_minimums, scores, side="right") - 1
    idx[np.isnan(scores)] = -1
    return idx.astype(np.int16)
