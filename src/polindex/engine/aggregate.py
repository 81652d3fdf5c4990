"""Hierarchical aggregation: every group's score for all replications, units and periods at once.

Arrays carry a leading batch axis (replications of an uncertainty analysis; 1 for a plain run):
``values[batch, unit, period, indicator]``. Missing values are NaN; *not applicable* values are
NaN too and flagged in a separate mask, so they leave both the average and the coverage count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from polindex.engine.structure import FloatArray, Structure
from polindex.framework.vocabulary import AGGREGATION_METHODS

BoolArray = npt.NDArray[np.bool_]

# status codes per (batch, unit, period, node)
OK, MISSING, NOT_APPLICABLE = 0, 1, 2

Aggregator = Callable[[FloatArray, FloatArray, FloatArray], tuple[FloatArray, FloatArray]]
"""``f(filled, available, weight_matrix) -> (score, weight_sum)`` over rows × edges."""


def weighted_arithmetic(
    filled: FloatArray, available: FloatArray, matrix: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Weighted arithmetic mean with weights renormalised over the available children.

    ``filled`` holds the children's values with 0 where missing, ``available`` is 1 where a
    child has a value; ``matrix`` maps edges to parents with their weights.

    Examples
    --------
    >>> m = np.array([[1.0], [3.0]])                      # two children, weights 1 and 3
    >>> score, wsum = weighted_arithmetic(np.array([[10.0, 20.0], [10.0, 0.0]]),
    ...                                   np.array([[1.0, 1.0], [1.0, 0.0]]), m)
    >>> score[:, 0].tolist(), wsum[:, 0].tolist()
    ([17.5, 10.0], [4.0, 1.0])
    """
    wsum = available @ matrix
    with np.errstate(invalid="ignore", divide="ignore"):
        return (filled @ matrix) / wsum, wsum


AGGREGATORS: dict[str, Aggregator] = {"arithmetic": weighted_arithmetic}
"""One implementation per method name a framework may use."""

assert set(AGGREGATORS) == set(AGGREGATION_METHODS)


@dataclass(frozen=True)
class Aggregation:
    """Every node's score and how it came about, shape ``(batch, unit, period, node)``."""

    scores: FloatArray
    status: npt.NDArray[np.int8]
    n_used: npt.NDArray[np.int32]
    n_applicable: npt.NDArray[np.int32]
    weight_sum: FloatArray


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
        Indicator scores, NaN where missing or not applicable.
    not_applicable : ndarray of bool, same shape as ``values`` (or without the batch axis)
        True where an indicator does not apply (e.g. no co-ethnic policy).
    weights : ndarray, shape (edges,) or (batch, edges), optional
        Weights of every child→parent edge in ``structure.edges`` order (default: the
        framework's weights). A batch of weight vectors evaluates that many variants at once.

    Returns
    -------
    Aggregation
        Scores (NaN when missing or N/A), a status per cell (0 ok, 1 missing, 2 not
        applicable), the children used and applicable, and the weight sum used.

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
    if x.ndim != 4 or x.shape[-1] != structure.n_indicators:
        raise ValueError(
            f"values must have shape (batch, unit, period, {structure.n_indicators}); "
            f"got {np.shape(values)}"
        )
    batch, n_units, n_periods, n_ind = x.shape
    rows = batch * n_units * n_periods
    n = structure.n_nodes

    na = np.zeros((n_units, n_periods, n_ind), dtype=bool)
    if not_applicable is not None:
        na = np.asarray(not_applicable, dtype=bool)
        na = na[0] if na.ndim == 4 else na
    scores = np.full((rows, n), np.nan)
    scores[:, :n_ind] = x.reshape(rows, n_ind)
    scores[:, :n_ind][np.broadcast_to(na, x.shape).reshape(rows, n_ind)] = np.nan
    node_na = np.zeros((rows, n), dtype=bool)
    node_na[:, :n_ind] = np.broadcast_to(na, x.shape).reshape(rows, n_ind)
    n_used = np.zeros((rows, n), dtype=np.int32)
    n_app = np.zeros((rows, n), dtype=np.int32)
    wsum_all = np.zeros((rows, n))
    edge_w = None if weights is None else np.asarray(weights, dtype=np.float64)
    if edge_w is not None and edge_w.ndim == 2 and edge_w.shape[0] != batch:
        raise ValueError(f"weights have {edge_w.shape[0]} rows for a batch of {batch}")

    offset = 0
    for block in structure.blocks:
        n_edges = len(block.children)
        w = None if edge_w is None else edge_w[..., offset : offset + n_edges]
        offset += n_edges
        child = scores[:, block.children]
        avail = (~np.isnan(child)).astype(np.float64)
        filled = np.where(avail > 0, child, 0.0)
        used = avail @ block.incidence
        applicable = (~node_na[:, block.children]).astype(np.float64) @ block.incidence
        score = np.full((rows, len(block.parents)), np.nan)
        wsum = np.zeros_like(score)
        matrix = block.weight_matrix(w)
        for method in dict.fromkeys(block.methods):
            cols = np.array([m == method for m in block.methods])
            if matrix.ndim == 2:
                s, ws = AGGREGATORS[method](filled, avail, matrix[:, cols])
            else:  # one weight matrix per replication
                per = rows // batch
                s, ws = AGGREGATORS[method](
                    filled.reshape(batch, per, -1),
                    avail.reshape(batch, per, -1),
                    matrix[:, :, cols],
                )
                s, ws = s.reshape(rows, -1), ws.reshape(rows, -1)
            score[:, cols], wsum[:, cols] = s, ws
        with np.errstate(invalid="ignore", divide="ignore"):
            coverage = used / applicable
        ok = (used > 0) & (coverage >= block.min_coverage - 1e-12) & (wsum > 0)
        score[~ok] = np.nan
        scores[:, block.parents] = score
        node_na[:, block.parents] = applicable == 0
        n_used[:, block.parents] = used
        n_app[:, block.parents] = applicable
        wsum_all[:, block.parents] = wsum

    status = np.where(node_na, NOT_APPLICABLE, np.where(np.isnan(scores), MISSING, OK))
    n_used[:, :n_ind] = ~np.isnan(scores[:, :n_ind])
    n_app[:, :n_ind] = ~node_na[:, :n_ind]
    shape = (batch, n_units, n_periods, n)
    return Aggregation(
        scores=scores.reshape(shape),
        status=status.astype(np.int8).reshape(shape),
        n_used=n_used.reshape(shape),
        n_applicable=n_app.reshape(shape),
        weight_sum=wsum_all.reshape(shape),
    )
