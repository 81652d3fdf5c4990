"""Hierarchical aggregation: every group's score for all replications, units and periods at once.

Arrays carry a leading batch axis (replications of an uncertainty analysis; 1 for a plain run):
``values[batch, unit, period, indicator]``. Missing values are NaN; *not applicable* values are
NaN too and flagged in a separate mask, so they leave both the average and the coverage count.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from polindex.engine.segments import Segments, segment_count, segment_sum, segment_sum_of
from polindex.engine.structure import FloatArray, IntArray, Method, Structure
from polindex.framework.vocabulary import method_table

BoolArray = npt.NDArray[np.bool_]

# status codes per (batch, unit, period, node)
OK, MISSING, NOT_APPLICABLE = 0, 1, 2


@dataclass(frozen=True)
class ChildValues:
    """The children of one height's groups, as an aggregation method receives them.

    ``values`` has shape (edges, batch, cells), NaN where missing; edges are grouped by
    parent, ``starts`` giving each parent's first edge. ``available`` (bool) marks the values
    present (``available_f``: as 0.0/1.0); ``count`` is how many children of each
    parent have a value, shape (parents, batch, cells). ``segments``: ``starts`` grouped by
    length (made from ``starts`` when not given).
    """

    values: FloatArray
    available: BoolArray
    count: FloatArray
    starts: IntArray
    n_units: int = 1
    segments: Segments | None = None

    @cached_property
    def available_f(self) -> FloatArray:
        """``available`` as 0.0/1.0 (made on first use)."""
        out: FloatArray = self.available.astype(np.float64)
        return out

    def weight_sum(self, weights: FloatArray) -> FloatArray:
        """Each parent's sum of the weights of its available children.

        The terms are ``available_f * weights`` (``0.0 * w`` where a child is missing), made
        a plane at a time as the sum needs them."""
        return self.segment_sum_of(np.multiply, self.available, weights)

    @property
    def n_children(self) -> IntArray:
        """Number of children of each parent."""
        out: IntArray = np.diff(np.append(self.starts, len(self.values)))
        return out

    def segment_sum(self, x: FloatArray) -> FloatArray:
        """Sum ``x`` (edges, …) over each parent's children (as ``np.add.reduceat``)."""
        return segment_sum(x, self.segments or Segments.of(self.starts, len(self.values)))

    def segment_sum_of(
        self, term: Callable[..., FloatArray], *arrays: npt.NDArray[np.generic]
    ) -> FloatArray:
        """:meth:`segment_sum` of ``term(*arrays)``, made a plane at a time (see
        :func:`~polindex.engine.segments.segment_sum_of`)."""
        segments = self.segments or Segments.of(self.starts, len(self.values))
        return segment_sum_of(term, arrays, segments)


Aggregator = Callable[..., tuple[FloatArray, FloatArray]]
"""``f(children, weights, **params) -> (score, weight_sum)``, both shaped (parents, batch,
cells); ``weights`` broadcasts against ``children.values`` (edges, 1 or batch, 1)."""


def weighted_arithmetic(
    children: ChildValues, weights: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Weighted arithmetic mean with weights renormalised over the available children.

    Examples
    --------
    >>> x = np.array([10.0, 20.0, np.nan]).reshape(3, 1, 1)   # one parent, three children
    >>> avail = ~np.isnan(x)
    >>> kids = ChildValues(x, avail, np.array([[[2.0]]]), np.array([0]))
    >>> score, wsum = weighted_arithmetic(kids, np.array([1.0, 3.0, 5.0]).reshape(3, 1, 1))
    >>> score.ravel().tolist(), wsum.ravel().tolist()
    ([17.5], [4.0])
    """
    if weights.size == 1 or np.all(weights == weights.flat[0]):
        # equal weights (the common case): plain sums, scaled once
        w0 = float(weights.flat[0])
        total = children.segment_sum_of(_present_value, children.values, children.available)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / children.count, children.count * w0
    # each term is made when the segment sum adds it, not as a whole (decision 070)
    wsum = children.segment_sum_of(np.multiply, children.available, weights)
    total = children.segment_sum_of(_weighted_value, children.values, children.available, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / wsum, wsum


def _present_value(x: FloatArray, available: BoolArray) -> FloatArray:
    """``x`` where available, else 0.0."""
    out: FloatArray = np.where(available, x, 0.0)
    return out


def _weighted_value(x: FloatArray, available: BoolArray, w: FloatArray) -> FloatArray:
    """``where(available, x, 0) * w``: a missing child's term is ``0.0 * w``."""
    out = _present_value(x, available)
    if out.shape == np.broadcast_shapes(out.shape, w.shape):
        out *= w
        return out
    return out * w


def _weight_sum(children: ChildValues, weights: FloatArray) -> FloatArray:
    return children.weight_sum(weights)


def weighted_geometric(children: ChildValues, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weighted geometric mean ``exp(Σ w·log x / Σ w)`` over the available children.

    Values must be positive (see :data:`INVALID`).

    Examples
    --------
    >>> x = np.array([1.0, 100.0, np.nan]).reshape(3, 1, 1)
    >>> kids = ChildValues(x, ~np.isnan(x), np.array([[[2.0]]]), np.array([0]))
    >>> round(weighted_geometric(kids, np.ones((3, 1, 1)))[0].item(), 12)
    10.0
    """
    wsum = _weight_sum(children, weights)
    with np.errstate(all="ignore"):
        logs = np.where(children.available, np.log(children.values), 0.0) * weights
        return np.exp(children.segment_sum(logs) / wsum), wsum


def weighted_harmonic(children: ChildValues, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weighted harmonic mean ``Σ w / Σ (w / x)`` over the available children (COINr's
    ``a_hmean``: zeros cannot be aggregated).

    Examples
    --------
    >>> x = np.array([1.0, 4.0, 4.0]).reshape(3, 1, 1)
    >>> kids = ChildValues(x, ~np.isnan(x), np.array([[[3.0]]]), np.array([0]))
    >>> weighted_harmonic(kids, np.ones((3, 1, 1)))[0].item()
    2.0
    """
    wsum = _weight_sum(children, weights)
    with np.errstate(all="ignore"):
        inv = np.where(children.available, weights / children.values, 0.0)
        return wsum / children.segment_sum(inv), wsum


def generalised_mean(
    children: ChildValues, weights: FloatArray, p: float
) -> tuple[FloatArray, FloatArray]:
    """Weighted power mean ``(Σ w·x^p / Σ w)^(1/p)`` over the available children.

    p = 1 is the arithmetic mean, p = −1 the harmonic mean, and p = 0 (the limit) the
    geometric mean. Missing children are dropped and the weights renormalised, as for every
    other method — COINr's ``a_genmean`` returns NA as soon as one child is missing (see
    ``docs/coinr-differences.md``).

    Examples
    --------
    >>> x = np.array([1.0, 7.0, np.nan]).reshape(3, 1, 1)
    >>> kids = ChildValues(x, ~np.isnan(x), np.array([[[2.0]]]), np.array([0]))
    >>> generalised_mean(kids, np.ones((3, 1, 1)), p=2)[0].item()
    5.0
    """
    if p == 0:
        return weighted_geometric(children, weights)
    wsum = _weight_sum(children, weights)
    with np.errstate(all="ignore"):
        powered = np.where(children.available, children.values**p, 0.0) * weights
        return (children.segment_sum(powered) / wsum) ** (1.0 / p), wsum


def weighted_median(children: ChildValues, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weighted median of the available children.

    The smallest value at which the cumulative weight (children sorted by value) reaches half
    of the total; where it reaches exactly half, the mean of that value and the next — so equal
    weights give the ordinary median (the mean of the two middle values for an even count).

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 10.0, 20.0]).reshape(4, 1, 1)
    >>> kids = ChildValues(x, ~np.isnan(x), np.array([[[4.0]]]), np.array([0]))
    >>> weighted_median(kids, np.ones((4, 1, 1)))[0].item()
    6.0
    >>> weighted_median(kids, np.array([1.0, 1.0, 1.0, 5.0]).reshape(4, 1, 1))[0].item()
    20.0
    """
    wsum = _weight_sum(children, weights)
    starts = children.starts
    ends = np.append(starts[1:], len(children.values))
    shape = children.values.shape[1:]
    w_full = np.broadcast_to(weights, children.values.shape)
    out = np.empty((len(starts), *np.broadcast_shapes(shape, w_full.shape[1:])))
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        x = children.values[a:b]
        order = np.argsort(np.where(np.isnan(x), np.inf, x), axis=0, kind="stable")
        xs = np.take_along_axis(x, order, axis=0)
        ws = np.take_along_axis(np.where(np.isnan(x), 0.0, w_full[a:b]), order, axis=0)
        cum = np.cumsum(ws, axis=0)
        half = cum[-1] / 2
        tol = 1e-12 * np.maximum(cum[-1], 1.0)
        first = np.argmax(cum >= half - tol, axis=0)  # first position reaching half
        at = np.take_along_axis(xs, first[None], axis=0)[0]
        exact = np.abs(np.take_along_axis(cum, first[None], axis=0)[0] - half) <= tol
        nxt = np.take_along_axis(xs, np.minimum(first + 1, b - a - 1)[None], axis=0)[0]
        out[k] = np.where(exact & ~np.isnan(nxt) & (first + 1 < b - a), (at + nxt) / 2, at)
    return out, wsum


def copeland(children: ChildValues, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """COINr's Copeland outranking score, across the units of each period.

    For units i and j, ``O[i, j]`` is the share of weight (normalised over all the parent's
    children) of the children where i beats j, plus half of that where they tie; comparisons
    with a missing value count for neither, and ``O[j, i] = 1 − O[i, j]`` for j > i (COINr's
    ``outrankMatrix``). A unit scores +1 for every unit it outranks (``O > 0.5``), −1 for
    every unit that outranks it, and the score is the sum.

    Examples
    --------
    >>> # one parent with two children; three units in one period: cells = units
    >>> x = np.array([[3.0, 2.0, 1.0], [1.0, 2.0, 3.0]])[:, None, :]
    >>> kids = ChildValues(x, ~np.isnan(x), np.full((1, 1, 3), 2.0), np.array([0]), n_units=3)
    >>> copeland(kids, np.ones((2, 1, 1)))[0].ravel().tolist()
    [0.0, 0.0, 0.0]
    >>> kids = ChildValues(x[:1], ~np.isnan(x[:1]), np.ones((1, 1, 3)), np.array([0]), n_units=3)
    >>> copeland(kids, np.ones((1, 1, 1)))[0].ravel().tolist()
    [2.0, 0.0, -2.0]
    """
    wsum = _weight_sum(children, weights)
    n_u = children.n_units
    vals = children.values
    n_edges, batch, cells = vals.shape
    w_full = np.broadcast_to(weights, (n_edges, max(batch, weights.shape[1]), 1))
    batch = max(batch, w_full.shape[1])
    x = np.broadcast_to(vals, (n_edges, batch, cells)).reshape(n_edges, batch, -1, n_u)
    starts = children.starts
    ends = np.append(starts[1:], n_edges)
    out = np.empty((len(starts), batch, cells))
    upper = np.triu(np.ones((n_u, n_u), dtype=bool), 1)
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        w = w_full[a:b, :, 0]  # (children, batch)
        w = w / w.sum(axis=0, keepdims=True)
        xi = x[a:b, :, :, :, None]
        xj = x[a:b, :, :, None, :]
        wk = w[:, :, None, None, None]
        o = ((xi > xj) * wk).sum(axis=0) + ((xi == xj) * wk).sum(axis=0) / 2
        o = np.where(upper, o, 1 - np.swapaxes(o, -1, -2))  # COINr fills i > j as 1 − O[j, i]
        sign = np.where(o > 0.5, 1.0, np.where(o < 0.5, -1.0, 0.0))
        sign[..., np.arange(n_u), np.arange(n_u)] = 0.0
        out[k] = sign.sum(axis=-1).reshape(batch, cells)
    return out, wsum


def _not_positive(x: FloatArray, _: Method) -> BoolArray:
    out: BoolArray = x <= 0
    return out


def _zero(x: FloatArray, _: Method) -> BoolArray:
    out: BoolArray = x == 0
    return out


def _power_invalid(x: FloatArray, m: Method) -> BoolArray:
    p = m.param("p")
    if p <= 0:
        return _not_positive(x, m)
    out: BoolArray = (x < 0) if not float(p).is_integer() else np.zeros(x.shape, dtype=bool)
    return out


@dataclass(frozen=True)
class AggregationMethod:
    """One method: its function, which child values it cannot take, and the advice then."""

    function: Aggregator
    invalid: Callable[[FloatArray, Method], BoolArray] | None = None
    needs: str = ""
    fix: str = ""


def _parameters(method: AggregationMethod) -> tuple[str, ...]:
    """The parameters of a method's function after ``children`` and ``weights``."""
    return tuple(inspect.signature(method.function).parameters)[2:]


AGGREGATORS: Mapping[str, AggregationMethod] = method_table(
    "aggregation",
    {
        "arithmetic": AggregationMethod(weighted_arithmetic),
        "geometric": AggregationMethod(
            weighted_geometric,
            _not_positive,
            "positive values",
            "normalise onto a strictly positive range (e.g. minmax 1–100) or use arithmetic",
        ),
        "harmonic": AggregationMethod(
            weighted_harmonic,
            _zero,
            "non-zero values",
            "normalise onto a strictly positive range (e.g. minmax 1–100) or use arithmetic",
        ),
        "generalised": AggregationMethod(
            generalised_mean,
            _power_invalid,
            "positive values for p <= 0 and non-negative values for a fractional p",
            "normalise onto a strictly positive range (e.g. minmax 1–100) or use p >= 1",
        ),
        "median": AggregationMethod(weighted_median),
        "copeland": AggregationMethod(copeland),
    },
    parameters=_parameters,
)
"""One implementation per method name of the vocabulary (its parameters checked at import)."""


@dataclass(frozen=True)
class Offence:
    """One score an aggregation method could not compute: where, and the children's values."""

    node: str
    method: str
    batch: int
    period: int
    unit: int
    children: tuple[str, ...]
    values: tuple[float, ...]


class AggregationError(ValueError):
    """A method met values it cannot aggregate (a geometric mean of a zero, …).

    ``offences`` lists every one; ``str()`` uses unit and period positions,
    :meth:`describe` their names.
    """

    MAX_SHOWN = 20

    def __init__(self, offences: list[Offence], needs: dict[str, str], fixes: dict[str, str]):
        self.offences, self.needs, self.fixes = offences, needs, fixes
        super().__init__(self.describe())

    def describe(
        self, units: tuple[str, ...] | None = None, periods: tuple[Any, ...] | None = None
    ) -> str:
        """The message, with unit and period names when given."""
        n = len(self.offences)
        lines = [f"{n} score{'s' if n != 1 else ''} cannot be aggregated; nothing was computed:"]
        for o in self.offences[: self.MAX_SHOWN]:
            unit = units[o.unit] if units else f"unit #{o.unit}"
            period = periods[o.period] if periods else f"period #{o.period}"
            kids = ", ".join(f"{c}={v:.6g}" for c, v in zip(o.children, o.values, strict=True))
            variant = f", variant {o.batch}" if o.batch else ""
            lines.append(
                f"  {o.node} ({o.method}) of {unit}, {period}{variant}: "
                f"needs {self.needs[o.method]}; children {kids}"
            )
        if n > self.MAX_SHOWN:
            lines.append(f"  … and {n - self.MAX_SHOWN} more")
        for method, fix in self.fixes.items():
            lines.append(f"  Fix ({method}): {fix}.")
        return "\n".join(lines)


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
        if na_in.any():  # else na stays zeros, whose pages are never touched
            na[:n_ind] = na_in.transpose(2, 1, 0).reshape(n_ind, cells)
    any_na = not_applicable is not None and bool(na[:n_ind].any())
    if any_na:
        scores[:n_ind][np.broadcast_to(na[:n_ind, None, :], scores[:n_ind].shape)] = np.nan
    n_used = np.empty((n, batch, cells), dtype=np.int16)
    n_app = np.empty((n, cells), dtype=np.int16)
    wsum_all = np.zeros((n, batch, cells))
    # the indicators' availability, made once: their counts and the first height's children
    present = np.isnan(scores[:n_ind])
    np.logical_not(present, out=present)
    np.copyto(n_used[:n_ind], present)
    if any_na:
        np.logical_not(na[:n_ind], out=n_app[:n_ind], casting="unsafe")
    else:
        n_app[:n_ind] = 1

    offset = 0
    offences: list[Offence] = []
    for block in structure.blocks:
        k = len(block.children)
        sel = block.child_slice if block.child_slice is not None else block.children
        child = scores[sel]
        if block.height == 1:  # every child an indicator
            avail = present[sel]
        else:
            avail = np.isnan(child)
            np.logical_not(avail, out=avail)
        used = segment_count(avail, block.segments)
        kids = ChildValues(
            child, avail, used.astype(np.float64), block.starts, n_units, block.segments
        )
        w = block.weights if edge_w is None else edge_w[..., offset : offset + k]
        offset += k
        w = w[:, None, None] if w.ndim == 1 else w.T[:, :, None]
        if any_na:
            applicable = block.n_children[:, None] - segment_count(na[sel], block.segments)
        else:
            applicable = np.broadcast_to(block.n_children[:, None], (len(block.parents), cells))
        methods = dict.fromkeys(block.methods)
        for method in methods:
            _check_values(structure, block, method, kids, offences, n_units)
        if offences:
            continue
        if len(methods) == 1:
            m = block.methods[0]
            score, wsum = AGGREGATORS[m.name].function(kids, w, **dict(m.params))
        else:
            score = np.empty((len(block.parents), batch, cells))
            wsum = np.empty_like(score)
            for m in methods:
                cols = np.array([bm == m for bm in block.methods])
                s_m, w_m = AGGREGATORS[m.name].function(kids, w, **dict(m.params))
                score[cols], wsum[cols] = s_m[cols], w_m[cols]
        with np.errstate(invalid="ignore", divide="ignore"):
            short = used < (block.min_coverage[:, None, None] - 1e-12) * applicable[:, None, :]
        score[short | (used == 0) | ~(wsum > 0)] = np.nan
        scores[block.parents] = score
        na[block.parents] = applicable == 0
        n_used[block.parents] = used
        n_app[block.parents] = applicable
        wsum_all[block.parents] = wsum

    if offences:
        used_methods = {o.method for o in offences}
        raise AggregationError(
            offences,
            {m: AGGREGATORS[m.split("(")[0]].needs for m in used_methods},
            {m: AGGREGATORS[m.split("(")[0]].fix for m in sorted(used_methods)},
        )
    shape = (n, batch, n_periods, n_units)
    return Aggregation(
        planes=scores.reshape(shape),
        na_planes=na.reshape(n, n_periods, n_units),
        used_planes=n_used.reshape(shape),
        applicable_planes=n_app.reshape(n, n_periods, n_units),
        weight_sum_planes=wsum_all.reshape(shape),
    )


def _check_values(
    structure: Structure,
    block: Any,
    method: Method,
    kids: ChildValues,
    offences: list[Offence],
    n_units: int,
) -> None:
    """Record every (parent, batch, cell) whose available children ``method`` cannot take."""
    spec = AGGREGATORS.get(method.name)
    if spec is None:
        raise ValueError(
            f"unknown aggregation method {method.name!r}; one of: {', '.join(AGGREGATORS)}"
        )
    if spec.invalid is None:
        return
    parents = np.array([m == method for m in block.methods])
    with np.errstate(invalid="ignore"):
        bad = spec.invalid(kids.values, method) & kids.available
    bad &= parents[block.local][:, None, None]
    if not bad.any():
        return
    edges, batches, cells = np.nonzero(bad)
    seen: set[tuple[int, int, int]] = set()
    for e, b, c in zip(edges, batches, cells, strict=True):
        k = int(block.local[e])
        key = (k, int(b), int(c))
        if key in seen:
            continue
        seen.add(key)
        lo = int(block.starts[k])
        hi = lo + int(block.n_children[k])
        kid_idx = block.children[lo:hi]
        vals = kids.values[lo:hi, min(int(b), kids.values.shape[1] - 1), int(c)]
        offences.append(
            Offence(
                node=structure.codes[block.parents[k]],
                method=str(method),
                batch=int(b),
                period=int(c) // n_units,
                unit=int(c) % n_units,
                children=tuple(structure.codes[i] for i in kid_idx),
                values=tuple(float(v) for v in vals),
            )
        )
