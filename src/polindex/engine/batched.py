"""Aggregation of many weightings at once as matrix products (uncertainty and sensitivity).

For the power-mean family (arithmetic, geometric, harmonic, generalised) a parent's score is a
ratio of two weighted sums over its children, ``Σ w·f(x) / Σ w·[x present]``, so a batch of
weight vectors ``W (batch, children)`` turns each parent into two matrix products,
``W @ f(X)`` and ``W @ A``. Indicators are the same in every variant, so the first height is
one BLAS product per parent; higher heights contract the batch axis with ``einsum``. The
results equal :func:`~polindex.engine.aggregate.aggregate`'s (tested), which remains the
reference and handles the other methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from polindex.engine.aggregate import AGGREGATORS, AggregationError, Offence
from polindex.engine.structure import FloatArray, Method, Structure

BATCHED_METHODS = frozenset({"arithmetic", "geometric", "harmonic", "generalised"})


def supports(structure: Structure) -> bool:
    """Whether every group of ``structure`` uses a method this module can batch."""
    return all(m.name in BATCHED_METHODS for b in structure.blocks for m in b.methods)


def _power(method: Method) -> float | None:
    """The power p of a power mean (None: geometric, p → 0)."""
    if method.name == "arithmetic":
        return 1.0
    if method.name == "harmonic":
        return -1.0
    if method.name == "generalised":
        p = method.param("p")
        return None if p == 0 else p
    return None


def batched_aggregate(
    structure: Structure,
    values: FloatArray,
    not_applicable: npt.NDArray[np.bool_] | None,
    weights: FloatArray,
    targets: Sequence[int],
    config: npt.NDArray[np.intp] | None = None,
) -> FloatArray:
    """Scores of the ``targets`` nodes, shape (batch, target, cell), for every weight vector.

    ``values`` (cell, indicator) are the indicator scores (NaN missing) shared by every weight
    vector — or, with ``config`` (one index per weight vector), a stack (configuration, cell,
    indicator) of which each weight vector uses one (the data of each configuration of an
    uncertainty analysis). ``weights`` (batch, edges) are in ``structure.edges`` order. Raises
    :class:`AggregationError` where a method meets values it cannot take, and ``ValueError``
    for a method it cannot batch (see :func:`supports`).

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "a", "type": "numeric"}, {"code": "b", "type": "numeric"}]})
    >>> s = Structure.from_framework(fw)
    >>> x = np.array([[10.0, 20.0], [30.0, np.nan]])          # two units
    >>> w = np.array([[1.0, 1.0], [1.0, 3.0]])                # two weightings
    >>> batched_aggregate(s, x, None, w, [s.root])[:, 0].tolist()
    [[15.0, 30.0], [17.5, 30.0]]
    """
    w_all = np.asarray(weights, dtype=np.float64)
    batch = w_all.shape[0]
    x = np.asarray(values, dtype=np.float64)
    if config is None:
        x = x[None]
        cfg = np.zeros(batch, dtype=np.intp)
    else:
        cfg = np.asarray(config, dtype=np.intp)
    n_cfg, cells, n_ind = x.shape
    na = (
        np.zeros(x.shape, dtype=bool)
        if not_applicable is None
        else np.asarray(not_applicable, dtype=bool).reshape(x.shape)
    )
    x = np.where(na, np.nan, x)
    rows_of = [np.flatnonzero(cfg == c) for c in range(n_cfg)]
    # indicators: (configuration, cell); groups: (batch, cell)
    node: dict[int, FloatArray] = {i: x[:, :, i] for i in range(n_ind)}
    node_na: dict[int, npt.NDArray[np.bool_]] = {i: na[:, :, i] for i in range(n_ind)}
    offences: list[Offence] = []
    offset = 0
    for block in structure.blocks:
        for k, parent in enumerate(block.parents):
            lo = int(block.starts[k])
            hi = lo + int(block.n_children[k])
            kids = block.children[lo:hi]
            w = w_all[:, offset + lo : offset + hi]  # (batch, k)
            method = block.methods[k]
            if method.name not in BATCHED_METHODS:
                raise ValueError(f"{method} cannot be batched; use aggregate()")
            per_config = all(int(c) < n_ind for c in kids)
            if per_config:
                xs = np.stack([node[c] for c in kids], axis=1)  # (configuration, k, cell)
                kid_na = np.stack([node_na[c] for c in kids], axis=1)
            else:
                xs = np.stack([_per_row(node[c], int(c) < n_ind, cfg) for c in kids], axis=1)
                kid_na = np.stack([_per_row(node_na[c], int(c) < n_ind, cfg) for c in kids], 1)
            avail = ~np.isnan(xs)
            bad = AGGREGATORS[method.name].invalid
            if bad is not None:
                with np.errstate(invalid="ignore"):
                    wrong = bad(xs, method) & avail
                if wrong.any():  # recorded; the parent stays missing so the rest is checked
                    offences.extend(_offences(structure, parent, kids, method, xs, wrong))
                    node[int(parent)] = np.full((batch, cells), np.nan)
                    node_na[int(parent)] = np.zeros((batch, cells), dtype=bool)
                    continue
            p = _power(method)
            with np.errstate(all="ignore"):
                if p is None:
                    f = np.where(avail, np.log(xs), 0.0)
                elif p == 1.0:
                    f = np.where(avail, xs, 0.0)
                else:
                    f = np.where(avail, xs**p, 0.0)
            a = avail.astype(np.float64)
            if per_config:
                num = np.empty((batch, cells))
                den = np.empty((batch, cells))
                for c, rows in enumerate(rows_of):
                    if rows.size:
                        num[rows] = w[rows] @ f[c]
                        den[rows] = w[rows] @ a[c]
                used = avail.sum(axis=1)[cfg]
                applicable = (len(kids) - kid_na.sum(axis=1))[cfg]
            else:
                num = np.einsum("bk,bkc->bc", w, f)
                den = np.einsum("bk,bkc->bc", w, a)
                used = avail.sum(axis=1)
                applicable = len(kids) - kid_na.sum(axis=1)
            with np.errstate(all="ignore"):
                mean = num / den
                score = np.exp(mean) if p is None else (mean if p == 1.0 else mean ** (1.0 / p))
            short = used < (block.min_coverage[k] - 1e-12) * applicable
            node[int(parent)] = np.where(short | (used == 0) | ~(den > 0), np.nan, score)
            node_na[int(parent)] = applicable == 0
        offset += len(block.children)
    if offences:
        raise AggregationError(
            offences,
            {o.method: AGGREGATORS[o.method.split("(")[0]].needs for o in offences},
            {o.method: AGGREGATORS[o.method.split("(")[0]].fix for o in offences},
        )
    out = np.empty((batch, len(targets), cells))
    for j, t in enumerate(targets):
        out[:, j] = _per_row(node[t], t < n_ind, cfg)
    return out


def _per_row(a: npt.NDArray[np.generic], indicator: bool, cfg: npt.NDArray[np.intp]) -> Any:
    """An indicator's (configuration, cell) array seen per weight vector (batch, cell)."""
    return a[cfg] if indicator else a


def _offences(
    structure: Structure,
    parent: int,
    kids: npt.NDArray[np.intp],
    method: Method,
    xs: FloatArray,
    wrong: npt.NDArray[np.bool_],
) -> list[Offence]:
    found = []
    first, _, _cell = (int(v) for v in np.argwhere(wrong)[0])
    cells = np.flatnonzero(wrong[first].any(axis=0))
    for c in cells[:20]:
        vals = xs[first, :, c]
        found.append(
            Offence(
                node=structure.codes[parent],
                method=str(method),
                batch=0,
                period=0,
                unit=int(c),
                children=tuple(structure.codes[i] for i in kids),
                values=tuple(float(v) for v in vals),
            )
        )
    return found
