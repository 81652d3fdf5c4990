"""Ranks and bands of scores, vectorised over every axis but the units."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from polindex.engine.structure import FloatArray
from polindex.framework.vocabulary import TIES, Ties

RANK_DECIMALS = 10
"""With ``ties="rounded"`` (the default), scores are rounded to this many decimals before
ranking, so that equal scores reached by different floating-point paths (e.g. 0.1 + 0.2 vs 0.3)
tie instead of ranking apart."""


def rank_scores(
    scores: FloatArray,
    higher_is_better: bool = True,
    axis: int = -3,
    ties: Ties = "rounded",
    peers: Sequence[int] | None = None,
) -> FloatArray:
    """Rank scores across units (``axis``); ties share the best rank ("min"), rank 1 is best.

    Missing scores get no rank (NaN) and do not push other units down. Every other axis
    (batch, period, node) is ranked independently, in one vectorised pass.

    ``ties`` says which scores are equal: ``"rounded"`` (default) those equal once rounded to
    :data:`RANK_DECIMALS` decimals, so that scores reached along different floating-point paths
    tie; ``"exact"`` only scores equal to the last bit, as COINr's ``rank(ties.method = "min")``
    on the raw doubles (two units with the same true score but different rounding noise are then
    ranked apart, in the order of the noise).

    ``peers`` gives each unit's ranking group (see :func:`polindex.framework.units.peer_groups`):
    a unit is ranked among the units of its own group only, and a unit of a negative group is
    not ranked (NaN), as a missing score.

    Examples
    --------
    >>> s = np.array([[50.0], [80.0], [np.nan], [80.0], [10.0]])
    >>> rank_scores(s, axis=0)[:, 0].tolist()
    [3.0, 1.0, nan, 1.0, 4.0]
    >>> rank_scores(s, higher_is_better=False, axis=0)[:, 0].tolist()
    [2.0, 3.0, nan, 3.0, 1.0]
    >>> noisy = np.array([0.1 + 0.2, 0.3, 0.2])          # 0.30000000000000004 and 0.3
    >>> rank_scores(noisy, axis=0).tolist(), rank_scores(noisy, axis=0, ties="exact").tolist()
    ([1.0, 1.0, 3.0], [1.0, 2.0, 3.0])
    >>> rank_scores(np.array([0.2, 0.9, 0.5, 0.1]), axis=0, peers=[0, -1, 0, 1]).tolist()
    [2.0, nan, 1.0, 1.0]
    """
    if peers is not None and any(g != 0 for g in peers):
        return _rank_among_peers(scores, higher_is_better, axis, ties, np.asarray(peers))
    if ties not in TIES:
        raise ValueError(
            f"The 'ties' parameter of rank_scores must be one of: {', '.join(TIES)}. "
            f"Got {ties!r} instead."
        )
    # lanes (units) last and contiguous: every step below then streams through memory
    x = np.ascontiguousarray(np.moveaxis(np.asarray(scores, dtype=np.float64), axis, -1))
    missing = np.isnan(x)
    sign = -1.0 if higher_is_better else 1.0
    ranks = np.empty(x.shape, dtype=np.float64)  # also the scratch space of the tie search
    packed = _sort_packed(x, missing, sign, ranks) if ties == "rounded" else None
    if packed is None:  # exact ties, or scores too wide to pack into integers: sort the floats
        with np.errstate(over="ignore", invalid="ignore"):
            key = (np.round(x, RANK_DECIMALS) if ties == "rounded" else x) * sign
        key[missing] = np.inf
        order = np.argsort(key, axis=-1)
        key = np.take_along_axis(key, order, axis=-1)
        _min_ranks(key[..., 1:] == key[..., :-1], order, ranks)
    else:
        _min_ranks(*packed, ranks)
    np.putmask(ranks, missing, np.nan)
    return np.moveaxis(ranks, -1, axis)


def _rank_among_peers(
    scores: FloatArray, higher_is_better: bool, axis: int, ties: Ties, peers: npt.NDArray[Any]
) -> FloatArray:
    """:func:`rank_scores` within each group of ``peers`` (one pass per group: a handful)."""
    x = np.moveaxis(np.asarray(scores, dtype=np.float64), axis, -1)
    if peers.shape != x.shape[-1:]:
        raise ValueError(f"peers: {len(peers)} groups for {x.shape[-1]} units")
    out = np.full(x.shape, np.nan)
    for group in np.unique(peers[peers >= 0]):
        mine = peers == group
        ranks = rank_scores(np.where(mine, x, np.nan), higher_is_better, axis=-1, ties=ties)
        np.copyto(out, ranks, where=mine)
    return np.moveaxis(out, -1, axis)


def _sort_packed(
    x: FloatArray, missing: npt.NDArray[np.bool_], sign: float, scratch: FloatArray
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]] | None:
    """Sort each lane by one integer sort and return (ties, order), or None when the scores
    span too wide a range to pack.

    Scores rounded to RANK_DECIMALS and shifted to start at 0 are whole numbers below
    2**(52 - bits); as doubles their bit patterns then sort like the numbers and end in
    ``bits`` zero bits, which take the unit's position. No float→int conversion is needed.
    ``ties[..., j]`` says whether sorted positions j and j + 1 hold equal scores; ``scratch``
    (the shape of ``x``, 8 bytes a value) is overwritten.
    """
    n = x.shape[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        q = np.multiply(x, sign * 10.0**RANK_DECIMALS)
    np.rint(q, out=q)
    bits = max(1, int(n - 1).bit_length())
    lo = float(np.fmin.reduce(q, axis=None)) if q.size else 0.0  # fmin/fmax skip NaN
    hi = float(np.fmax.reduce(q, axis=None)) if q.size else 0.0
    if np.isnan(lo):
        lo = hi = 0.0  # nothing to rank
    if not np.isfinite(hi - lo) or hi - lo + n + 1 >= 2.0 ** (52 - bits):
        return None
    # missing scores sort last, each with a distinct key so that they form no ties
    np.copyto(q, hi + 1 + np.arange(n, dtype=np.float64), where=missing)
    q -= lo
    packed = q.view(np.int64)
    packed |= np.arange(n, dtype=np.int64)
    packed.sort(axis=-1)
    keys = np.right_shift(packed, bits, out=scratch.view(np.int64))
    ties = keys[..., 1:] == keys[..., :-1]
    packed &= (1 << bits) - 1  # the order, in place
    return ties, packed


SCATTER_LANES = 512
"""Lanes whose ranks :func:`_min_ranks` writes at a time, from one reused block of positions
(a whole array of them would be as large as the ranks, and new memory is costly here)."""


def _min_ranks(ties: npt.NDArray[np.bool_], order: npt.NDArray[Any], out: FloatArray) -> None:
    """Ranks in original order, into ``out``, from each lane's ties (sorted position j equal
    to j + 1) and sorting permutation ``order`` (overwritten).

    The rank is the sorted position + 1, except within a run of equal keys, which all take
    the run's first position ("min"); runs are rare, so only lanes that have one are fixed up.
    """
    n = order.shape[-1]
    if order.size == 0:
        return
    lanes = order.size // n
    tied = ties.reshape(lanes, n - 1)
    flat = order.reshape(lanes, n)  # becomes each value's position in the flattened output
    flat += (np.arange(lanes) * n)[:, None]
    target = out.reshape(-1)
    positions = np.broadcast_to(np.arange(1.0, n + 1.0), (min(lanes, SCATTER_LANES), n)).copy()
    for lo in range(0, lanes, SCATTER_LANES):
        block = flat[lo : lo + SCATTER_LANES]
        target[block.reshape(-1)] = positions[: len(block)].reshape(-1)
    with_ties = np.flatnonzero(tied.any(axis=1))
    if len(with_ties):
        first = np.where(tied[with_ties], 0, np.arange(1, n))
        first = np.concatenate([np.zeros((len(with_ties), 1), dtype=first.dtype), first], axis=1)
        np.maximum.accumulate(first, axis=1, out=first)
        target[flat[with_ties].reshape(-1)] = (first + 1.0).reshape(-1)


def band_index(scores: FloatArray, band_minimums: FloatArray) -> npt.NDArray[np.int8]:
    """Index of the band each score falls in (bands sorted by ascending ``min``), −1 if none.

    A score belongs to the band with the highest minimum not above it.

    Examples
    --------
    >>> band_index(np.array([0.0, 0.5, 20.9, 21.0, 100.0, np.nan]),
    ...            np.array([0.0, 1.0, 21.0, 41.0, 60.0, 80.0])).tolist()
    [0, 0, 1, 2, 5, -1]
    """
    out = np.full(np.shape(scores), -1, dtype=np.int8)
    for minimum in band_minimums:  # a handful of bands: one comparison pass each
        out += np.greater_equal(scores, minimum)
    return out
