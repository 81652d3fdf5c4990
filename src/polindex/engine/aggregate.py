"""Hierarchical aggregation: every group's score for all replications, units and periods at once.

Arrays carry a leading batch axis (replications of an uncertainty analysis; 1 for a plain run):
``values[batch, unit, period, indicator]``. Missing values are NaN; *not applicable* values are
NaN too and flagged in a separate mask, so they leave both the average and the coverage count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from polindex.engine.structure import FloatArray, IntArray, Structure
from polindex.framework.vocabulary import AGGREGATION_METHODS

BoolArray = npt.NDArray[np.bool_]

# status codes per (batch, unit, period, node)
OK, MISSING, NOT_APPLICABLE = 0, 1, 2


@dataclass(frozen=True)
class ChildValues:
    """The children of one height's groups, as an aggregation method receives them.

    ``values`` has shape (edges, batch, cells), NaN where missing; edges are grouped by
    parent, ``starts`` giving each parent's first edge. ``available`` (bool) and
    ``available_f`` (0.0/1.0) mark the values present; ``count`` is how many children of each
    parent have a value, shape (parents, batch, cells).
    """

    values: FloatArray
    available: BoolArray
    available_f: FloatArray
    count: FloatArray
    starts: IntArray

    def segment_sum(self, x: FloatArray) -> FloatArray:
        """Sum ``x`` (edges, …) over each parent's children."""
        out: FloatArray = np.add.reduceat(x, self.starts, axis=0)
        return out


Aggregator = Callable[[ChildValues, FloatArray], tuple[FloatArray, FloatArray]]
"""``f(children, weights) -> (score, weight_sum)``, both shaped (parents, batch, cells);
``weights`` broadcasts against ``children.values`` (edges, 1 or batch, 1)."""


def weighted_arithmetic(
    children: ChildValues, weights: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Weighted arithmetic mean with weights renormalised over the available children.

    Examples
    --------
    >>> x = np.array([10.0, 20.0, np.nan]).reshape(3, 1, 1)   # one parent, three children
    >>> avail = ~np.isnan(x)
    >>> kids = ChildValues(x, avail, avail * 1.0, np.array([[[2.0]]]), np.array([0]))
    >>> score, wsum = weighted_arithmetic(kids, np.array([1.0, 3.0, 5.0]).reshape(3, 1, 1))
    >>> score.ravel().tolist(), wsum.ravel().tolist()
    ([17.5], [4.0])
    """
    filled = np.where(children.available, children.values, 0.0)
    if weights.size == 1 or np.all(weights == weights.flat[0]):
        # equal weights (the common case): plain sums, scaled once
        w0 = float(weights.flat[0])
        total = children.segment_sum(filled)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / children.count, children.count * w0
    wsum = children.segment_sum(children.available_f * weights)
    filled *= weights
    total = children.segment_sum(filled)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / wsum, wsum


AGGREGATORS: dict[str, Aggregator] = {"arithmetic": weighted_arithmetic}
"""One implementation per method name a framework may use."""

assert set(AGGREGATORS) == set(AGGREGATION_METHODS)


def node_view(planes: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Storage ``(node, batch, period, unit)`` seen as ``[batch, unit, period, node]``."""
    return planes.transpose(1, 3, 2, 0)


@dataclass(frozen=True)
class Aggregation:
    """Every node's score and how it came about.

    Storage is node-major, ``(node, batch, period, unit)``: each node's values for one period
    are contiguous across units, which is what aggregation and ranking stream through. The
    properties give the public view ``[batch, unit, period, node]`` (no copy).
    ``not_applicable`` has no batch axis: applicability does not vary between variants.
    """

    planes: FloatArray
    na_planes: BoolArray
    used_planes: npt.NDArray[np.int16]
    applicable_planes: npt.NDArray[np.int16]
    weight_sum_planes: FloatArray

    @property
    def scores(self) -> FloatArray:
        """Scores ``[batch, unit, period, node]``; NaN where missing or not applicable."""
        return node_view(self.planes)

    @property
    def not_applicable(self) -> BoolArray:
        """N/A flags ``[unit, period, node]``."""
        return self.na_planes.transpose(2, 1, 0)

    @property
    def n_used(self) -> npt.NDArray[np.int16]:
        """Children with data ``[batch, unit, period, node]`` (1/0 for indicators)."""
        return node_view(self.used_planes)

    @property
    def n_applicable(self) -> npt.NDArray[np.int16]:
        """Applicable children ``[unit, period, node]`` (1/0 for indicators)."""
        return self.applicable_planes.transpose(2, 1, 0)

    @property
    def weight_sum(self) -> FloatArray:
        """Sum of the weights of the children used ``[batch, unit, period, node]``."""
        return node_view(self.weight_sum_planes)

    @property
    def status(self) -> npt.NDArray[np.int8]:
        """0 ok, 1 missing, 2 not applicable, per ``[batch, unit, period, node]``."""
        na = np.broadcast_to(self.not_applicable, self.scores.shape)
        return np.where(na, NOT_APPLICABLE, np.where(np.isnan(self.scores), MISSING, OK)).astype(
            np.int8
        )


def aggregate(
    structure: Structure,
    values: FloatArray,
    not_applicable: BoolArray | None = None,
    weights: FloatArray | None = None,
) -> Aggregation:
    """Score every group of ``structure`` from indicator scores.

    Parameters
    ----------
    structure : Structure
        The compiled framework tree.
    values : ndarray, shape (batch, unit, period, indicator) or (unit, period, indicator)
        Indicator scores, NaN where missing or not applicable. Fastest when the array is a
        view of indicator-major memory, as :class:`~polindex.engine.Dataset` stores it.
    not_applicable : ndarray of bool, shape (unit, period, indicator), optional
        True where an indicator does not apply (e.g. no co-ethnic policy).
    weights : ndarray, shape (edges,) or (batch, edges), optional
        Weights of every child→parent edge in ``structure.edges`` order (default: the
        framework's weights). A batch of weight vectors evaluates that many variants at once;
        values with a batch of 1 are then shared by every variant.

    Returns
    -------
    Aggregation
        Scores (NaN when missing or N/A), the N/A flags, the children used and applicable,
        and the weight sum used.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"},
    ...     {"code": "q3", "type": "boolean"}]})
    >>> s = Structure.from_framework(fw)
    >>> x = np.array([[[100.0, 0.0, np.nan]]])             # one unit, one period
    >>> agg = aggregate(s, x)
    >>> agg.scores[0, 0, 0].tolist(), agg.n_used[0, 0, 0, -1].item()
    ([100.0, 0.0, nan, 50.0], 2)
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim == 3:
        x = x[None]
    n_ind = structure.n_indicators
    if x.ndim != 4 or x.shape[-1] != n_ind:
        raise ValueError(
            f"values must have shape (batch, unit, period, {n_ind}); got {np.shape(values)}"
        )
    n_edges = len(structure.edges[0])
    edge_w = None if weights is None else np.asarray(weights, dtype=np.float64)
    if edge_w is not None and (edge_w.ndim not in (1, 2) or edge_w.shape[-1] != n_edges):
        raise ValueError(
            f"weights must have shape ({n_edges},) or (batch, {n_edges}); got {edge_w.shape}"
        )
    batch = x.shape[0]
    if edge_w is not None and edge_w.ndim == 2 and edge_w.shape[0] != batch:
        if batch != 1:
            raise ValueError(f"{edge_w.shape[0]} weight vectors for a batch of {batch}")
        batch = edge_w.shape[0]  # the same data under many weightings
    _, n_units, n_periods, _ = x.shape
    cells = n_units * n_periods
    n = structure.n_nodes

    scores = np.empty((n, batch, cells))
    scores[:n_ind] = x.transpose(3, 0, 2, 1).reshape(n_ind, x.shape[0], cells)
    na = np.zeros((n, cells), dtype=bool)
    if not_applicable is not None:
        na_in = np.asarray(not_applicable, dtype=bool)
        if na_in.shape != (n_units, n_periods, n_ind):
            raise ValueError(
                f"not_applicable must have shape {(n_units, n_periods, n_ind)}; got {na_in.shape}"
            )
        na[:n_ind] = na_in.transpose(2, 1, 0).reshape(n_ind, cells)
    any_na = bool(na.any())
    if any_na:
        scores[:n_ind][np.broadcast_to(na[:n_ind, None, :], scores[:n_ind].shape)] = np.nan
    n_used = np.empty((n, batch, cells), dtype=np.int16)
    n_app = np.empty((n, cells), dtype=np.int16)
    wsum_all = np.zeros((n, batch, cells))
    np.logical_not(np.isnan(scores[:n_ind]), out=n_used[:n_ind], casting="unsafe")
    np.logical_not(na[:n_ind], out=n_app[:n_ind], casting="unsafe")

    offset = 0
    for block in structure.blocks:
        k = len(block.children)
        sel = block.child_slice if block.child_slice is not None else block.children
        child = scores[sel]
        avail = ~np.isnan(child)
        avail_f = avail.astype(np.float64)
        count = np.add.reduceat(avail_f, block.starts, axis=0)
        used = count.astype(np.int16)
        kids = ChildValues(child, avail, avail_f, count, block.starts)
        w = block.weights if edge_w is None else edge_w[..., offset : offset + k]
        offset += k
        w = w[:, None, None] if w.ndim == 1 else w.T[:, :, None]
        if any_na:
            applicable = block.n_children[:, None] - np.add.reduceat(
                na[sel].view(np.int8), block.starts, axis=0, dtype=np.int16
            )
        else:
            applicable = np.broadcast_to(block.n_children[:, None], (len(block.parents), cells))
        methods = dict.fromkeys(block.methods)
        if len(methods) == 1:
            score, wsum = AGGREGATORS[block.methods[0]](kids, w)
        else:
            score = np.empty((len(block.parents), batch, cells))
            wsum = np.empty_like(score)
            for method in methods:
                cols = np.array([m == method for m in block.methods])
                s_m, w_m = AGGREGATORS[method](kids, w)
                score[cols], wsum[cols] = s_m[cols], w_m[cols]
        with np.errstate(invalid="ignore", divide="ignore"):
            short = used < (block.min_coverage[:, None, None] - 1e-12) * applicable[:, None, :]
        score[short | (used == 0) | ~(wsum > 0)] = np.nan
        scores[block.parents] = score
        na[block.parents] = applicable == 0
        n_used[block.parents] = used
        n_app[block.parents] = applicable
        wsum_all[block.parents] = wsum

    shape = (n, batch, n_periods, n_units)
    return Aggregation(
        planes=scores.reshape(shape),
        na_planes=na.reshape(n, n_periods, n_units),
        used_planes=n_used.reshape(shape),
        applicable_planes=n_app.reshape(n, n_periods, n_units),
        weight_sum_planes=wsum_all.reshape(shape),
    )
