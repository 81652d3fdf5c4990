"""Sums over consecutive segments of an axis, the same doubles as ``np.add.reduceat``.

The engine sums each parent's children as one segment of the edge axis (decision 003).
``np.add.reduceat`` does it cell by cell; for large planes :func:`segment_sum` makes the same
additions in the same order a whole plane at a time (decision 064).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

SEGMENTED_FROM = 2048
"""Values per child (batch × cells) from which :func:`segment_sum` adds whole planes at a time
instead of calling ``np.add.reduceat`` (which is faster for small planes: it loops per cell)."""


@dataclass(frozen=True)
class Segments:
    """Consecutive segments of an axis (``starts``, ``n`` rows in all), grouped by length.

    ``groups`` holds, for each segment length, the positions of its segments and their rows:
    a slice when those segments follow one another (a view, no copy), else an index array.
    """

    starts: IntArray
    n: int
    groups: tuple[tuple[int, IntArray, slice | IntArray], ...]

    @classmethod
    def of(cls, starts: IntArray, n: int) -> Segments:
        """Group the segments starting at ``starts`` (non-empty, increasing) by length."""
        lengths = np.diff(np.append(starts, n))
        groups = []
        for length in np.unique(lengths):
            pos = np.flatnonzero(lengths == length)
            first = int(starts[pos[0]])
            size = len(pos) * int(length)
            rows: slice | IntArray
            if np.array_equal(starts[pos], np.arange(first, first + size, length)):
                rows = slice(first, first + size)
            else:
                rows = (starts[pos][:, None] + np.arange(length)).ravel()
            groups.append((int(length), pos, rows))
        return cls(np.asarray(starts), n, tuple(groups))


def _first_half(n: int) -> int:
    """Where numpy splits a pairwise sum of more than 128 terms: half, down to a multiple of 8."""
    half = n // 2
    return half - half % 8


def _combine_eight(r: Sequence[FloatArray]) -> FloatArray:
    """numpy's combination of its eight running sums: ((0+1)+(2+3))+((4+5)+(6+7))."""
    res: FloatArray = np.add(r[0], r[1])
    res += r[2] + r[3]
    right = np.add(r[4], r[5])
    right += r[6] + r[7]
    res += right
    return res


def _pairwise(a: FloatArray, lo: int, n: int) -> FloatArray:
    """numpy's pairwise sum of ``a[:, lo:lo + n]`` over axis 1 (``DOUBLE_pairwise_sum``: fewer
    than 8 terms in order; up to 128 in 8 running sums combined as ((0+1)+(2+3))+((4+5)+(6+7)),
    then the rest in order; more split in two at a multiple of 8), into a new array."""
    if n < 8:
        res: FloatArray = a[:, lo].copy()  # numpy starts from -0.0, and -0.0 + x is x
        for i in range(lo + 1, lo + n):
            res += a[:, i]
        return res
    if n <= 128:
        whole = lo + n - n % 8
        r = a[:, lo : lo + 8]  # the eight running sums, copied only when they are added to
        if whole > lo + 8:
            r = np.add(r, a[:, lo + 8 : lo + 16])
            for i in range(lo + 16, whole, 8):
                r += a[:, i : i + 8]
        res = _combine_eight([r[:, k] for k in range(8)])
        for i in range(whole, lo + n):
            res += a[:, i]
        return res
    half = _first_half(n)
    res = _pairwise(a, lo, half)
    res += _pairwise(a, lo + half, n - half)
    return res


def segment_sum(x: FloatArray, segments: Segments) -> FloatArray:
    """``np.add.reduceat(x, segments.starts, axis=0)``: the same doubles, added in the same order.

    ``reduceat`` adds each segment cell by cell with numpy's pairwise summation (the first row,
    plus the pairwise sum of the others). For large planes the same additions are made here
    plane by plane over every segment of one length at once: 1.5–2× faster for the synthetic
    benchmark's indicators, and bit-identical (decision 064), so no published score changes.

    Examples
    --------
    >>> x = np.arange(1.0, 21.0).reshape(20, 1) / 3
    >>> starts = np.array([0, 3, 17])
    >>> got = segment_sum(np.repeat(x, 4096, axis=1), Segments.of(starts, 20))
    >>> bool((got == np.add.reduceat(x, starts, axis=0)).all())
    True
    """
    if x.dtype != np.float64 or x[0].size < SEGMENTED_FROM or x.shape[0] != segments.n:
        out: FloatArray = np.add.reduceat(x, segments.starts, axis=0)
        return out
    rest = x.shape[1:]
    parts = []
    for length, pos, rows in segments.groups:
        block = x[rows].reshape(len(pos), length, *rest)
        part = _pairwise(block, 1, length - 1) if length > 1 else block[:, 0].copy()
        if length > 1:
            part += block[:, 0]  # x0 + pairwise(x1..): addition commutes exactly
        parts.append((pos, part))
    if len(parts) == 1:
        return parts[0][1]
    out = np.empty((len(segments.starts), *rest))
    for pos, part in parts:
        out[pos] = part
    return out


def _pairwise_planes(plane: Callable[[int], FloatArray], lo: int, n: int) -> FloatArray:
    """:func:`_pairwise` of the rows ``plane(lo)`` … ``plane(lo + n - 1)``, each made when it
    is added (a new array that may be added to in place): the same additions in the same order,
    without the rows ever being held all at once."""
    if n < 8:
        res = plane(lo)
        for i in range(lo + 1, lo + n):
            res += plane(i)
        return res
    if n <= 128:
        whole = lo + n - n % 8
        r = [plane(lo + k) for k in range(8)]  # the eight running sums
        for i in range(lo + 8, whole, 8):
            for k in range(8):
                r[k] += plane(i + k)
        res = _combine_eight(r)
        for i in range(whole, lo + n):
            res += plane(i)
        return res
    half = _first_half(n)
    res = _pairwise_planes(plane, lo, half)
    res += _pairwise_planes(plane, lo + half, n - half)
    return res


def segment_sum_of(
    term: Callable[..., FloatArray], arrays: Sequence[npt.NDArray[np.generic]], segments: Segments
) -> FloatArray:
    """``segment_sum(term(*arrays), segments)`` without making ``term(*arrays)`` whole.

    ``term`` is elementwise and returns a new float64 array; ``arrays`` share their first axis
    (the rows that ``segments`` splits) and broadcast against one another on the others. For
    large planes each row of the terms is made when the sum needs it, a plane of one row per
    segment at a time, so no array of every row's terms is ever allocated (new memory costs
    more than the arithmetic here, decision 070); the sum is the same doubles.

    Examples
    --------
    >>> x = np.arange(1.0, 21.0).reshape(20, 1) / 3
    >>> w = np.linspace(0.5, 2.0, 20).reshape(20, 1)
    >>> starts = np.array([0, 3, 17])
    >>> got = segment_sum_of(np.multiply, (np.repeat(x, 4096, axis=1), w), Segments.of(starts, 20))
    >>> bool((got == np.add.reduceat(x * w, starts, axis=0)).all())
    True
    """
    shapes = {a.shape for a in arrays}
    shape = shapes.pop() if len(shapes) == 1 else np.broadcast_shapes(*shapes)
    rest = shape[1:]
    if math.prod(rest) < SEGMENTED_FROM or shape[0] != segments.n:
        return segment_sum(term(*arrays), segments)
    parts = []
    for length, pos, rows in segments.groups:
        blocks = [a[rows].reshape(len(pos), length, *a.shape[1:]) for a in arrays]

        def plane(i: int, blocks: list[npt.NDArray[np.generic]] = blocks) -> FloatArray:
            return term(*(b[:, i] for b in blocks))

        part = _pairwise_planes(plane, 1, length - 1) if length > 1 else plane(0)
        if length > 1:
            part += plane(0)  # x0 + pairwise(x1..): addition commutes exactly
        parts.append((pos, part))
    if len(parts) == 1:
        return parts[0][1]
    out = np.empty((len(segments.starts), *rest))
    for pos, part in parts:
        out[pos] = part
    return out


def segment_count(mask: npt.NDArray[np.bool_], segments: Segments) -> npt.NDArray[np.int16]:
    """How many ``True`` in each segment of ``mask``'s first axis (int16; exact in any order).

    Examples
    --------
    >>> mask = np.array([[True, False], [True, True], [False, False]])
    >>> segment_count(mask, Segments.of(np.array([0, 2]), 3)).tolist()
    [[2, 1], [0, 0]]
    """
    ones = mask.view(np.int8)
    if mask[0].size < SEGMENTED_FROM or mask.shape[0] != segments.n:
        small: npt.NDArray[np.int16] = np.add.reduceat(
            ones, segments.starts, axis=0, dtype=np.int16
        )
        return small
    rest = mask.shape[1:]
    out = np.empty((len(segments.starts), *rest), dtype=np.int16)
    for length, pos, rows in segments.groups:
        part = ones[rows].reshape(len(pos), length, *rest).sum(axis=1, dtype=np.int16)
        if len(segments.groups) == 1:
            return part
        out[pos] = part
    return out
