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
    sign = -1.0 if higher_is_better else 1.0
    ranks = np.empty(x.shape, dtype=np.float64)
    if ties != "rounded" or not _rank_packed(x, sign, ranks):
        # exact ties, or scores too wide to pack into integers: sort the floats
        missing = np.isnan(x)
        with np.errstate(over="ignore", invalid="ignore"):
            key = (np.round(x, RANK_DECIMALS) if ties == "rounded" else x) * sign
        key[missing] = np.inf
        order = np.argsort(key, axis=-1)
        key = np.take_along_axis(key, order, axis=-1)
        _min_ranks(key[..., 1:] == key[..., :-1], order, ranks)
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


BLOCK_CELLS = 32_768
"""Scores ranked at a time by the packed ranking (whole lanes: at least one), from their keys to
their ranks in small buffers that are reused and stay in the processor's cache (decision 074):
each score is read once from memory and each rank written once."""


def _rank_packed(x: FloatArray, sign: float, out: FloatArray) -> bool:
    """Rank each lane of ``x`` into ``out`` by integer sorts; False (``out`` then holds nothing
    useful) when the scores span too wide a range to pack.

    Scores rounded to RANK_DECIMALS and shifted to start at 0 are whole numbers below
    2**(52 - bits); as doubles their bit patterns then sort like the numbers and end in
    ``bits`` zero bits, which take the unit's position. No float→int conversion is needed.
    A block of lanes at a time, in buffers that stay in the cache: the keys are made (shifted
    by the block's lowest), sorted and read (ties and order), and the ranks scattered into
    the block's lanes of ``out``. Whether the scores can be packed is decided, as it always
    was, on the span of the whole array: a lane's ranks do not depend on the shift.
    """
    n = x.shape[-1]
    if x.size == 0:
        return True
    scale = sign * 10.0**RANK_DECIMALS
    bits = max(1, int(n - 1).bit_length())
    widest = 2.0 ** (52 - bits) - n - 1  # the keys' span must stay below it
    lanes = x.size // n
    scores, target = x.reshape(lanes, n), out.reshape(lanes, n)
    size = min(lanes, max(1, BLOCK_CELLS // n))
    keys = np.empty((size, n), dtype=np.float64)
    index = np.empty((size, n), dtype=np.int64)
    missing = np.empty((size, n), dtype=np.bool_)
    packed_keys = keys.view(np.int64)
    units = np.arange(n, dtype=np.int64)
    after = 1 + np.arange(n, dtype=np.float64)  # missing: after every score, no two tied
    rows = (np.arange(size) * n)[:, None]  # where each lane of a block starts in its ranks
    positions = np.broadcast_to(np.arange(1.0, n + 1.0), (size, n)).reshape(-1)
    low_bits = (1 << bits) - 1
    lowest, highest = np.inf, -np.inf
    for first in range(0, lanes, size):
        block = scores[first : first + size]
        m = len(block)
        q, packed, at, gone = keys[:m], packed_keys[:m], index[:m], missing[:m]
        with np.errstate(over="ignore", invalid="ignore"):
            np.multiply(block, scale, out=q)
            np.rint(q, out=q)
            lo, hi = float(np.fmin.reduce(q, axis=None)), float(np.fmax.reduce(q, axis=None))
            if lo == lo:  # not NaN: the block has a score (fmin/fmax skip NaN)
                lowest, highest = min(lowest, lo), max(highest, hi)
                if not highest - lowest < widest:  # infinite or too wide: sort the floats
                    return False
            else:
                lo = hi = 0.0
        np.fmin(q, hi + after, out=q)  # NaN (missing) takes its key after every score
        q -= lo or -0.0  # minus −0.0 turns a key of −0.0 into +0.0: both zeros tie
        packed |= units
        packed.sort(axis=-1)
        np.right_shift(packed, bits, out=at)
        tied = at[:, 1:] == at[:, :-1]
        np.bitwise_and(packed, low_bits, out=at)  # the order
        at += rows[:m]  # and where each rank goes in this block's ranks
        ranked = target[first : first + m]
        flat = ranked.reshape(-1)
        flat[at.reshape(-1)] = positions[: m * n]
        if tied.any():
            with_ties = np.flatnonzero(tied.any(axis=1))
            flat[at[with_ties].reshape(-1)] = _tied_positions(tied[with_ties]).reshape(-1)
        np.isnan(block, out=gone)
        np.copyto(ranked, np.nan, where=gone)
    return True


def _tied_positions(tied: npt.NDArray[np.bool_]) -> FloatArray:
    """Each sorted position's rank (position + 1, or its run's first for equal keys) in lanes
    whose ``tied[:, j]`` says whether positions j and j + 1 hold equal keys."""
    n = tied.shape[1] + 1
    first = np.where(tied, 0, np.arange(1, n))
    first = np.concatenate([np.zeros((len(tied), 1), dtype=first.dtype), first], axis=1)
    np.maximum.accumulate(first, axis=1, out=first)
    out: FloatArray = first + 1.0
    return out


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
    target[flat.reshape(-1)] = np.broadcast_to(np.arange(1.0, n + 1.0), (lanes, n)).reshape(-1)
    with_ties = np.flatnonzero(tied.any(axis=1))
    if len(with_ties):
        target[flat[with_ties].reshape(-1)] = _tied_positions(tied[with_ties]).reshape(-1)


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
