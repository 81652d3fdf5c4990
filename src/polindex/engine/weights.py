"""Weights: explicit, equal, PCA-derived, optimised (COINr's ``balance``), and effective.

Weights live on the edges of the compiled tree (:attr:`Structure.edges` order) and are relative
within each parent, as in the framework. Data-driven methods read indicator or group scores
``values[unit, period, indicator]`` (normalised data) and change only the edges feeding the
groups at one height of the tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from polindex.engine.aggregate import aggregate
from polindex.engine.structure import FloatArray, IntArray, Structure


def equal_weights(structure: Structure) -> FloatArray:
    """Weight 1 on every edge.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric", "weight": 3}, {"code": "q2", "type": "numeric"}]})
    >>> equal_weights(Structure.from_framework(fw)).tolist()
    [1.0, 1.0]
    """
    return np.ones(len(structure.edges[0]))


def weights_from_mapping(structure: Structure, mapping: Mapping[str, float]) -> FloatArray:
    """The framework's weights with those named in ``mapping`` (code → weight) replaced.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric"}]})
    >>> weights_from_mapping(Structure.from_framework(fw), {"q2": 3}).tolist()
    [1.0, 3.0]
    """
    child, _, w = structure.edges
    out = w.copy()
    position = {structure.codes[c]: k for k, c in enumerate(child)}
    unknown = [c for c in mapping if c not in position]
    if unknown:
        raise KeyError(f"no child node with code(s) {', '.join(unknown)} (the index has no weight)")
    for code, value in mapping.items():
        if not (value >= 0 and np.isfinite(value)):
            raise ValueError(f"weight of {code} must be a non-negative number; got {value}")
        out[position[code]] = value
    return out


def effective_weights(structure: Structure, weights: FloatArray | None = None) -> FloatArray:
    """Each node's share of the index: the product, along its path to the root, of its weight
    divided by the sum of its siblings' weights (the root has 1). COINr's ``get_eff_weights``.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "children": [
    ...     {"code": "A", "weight": 3, "indicators": [{"code": "q1", "type": "numeric"},
    ...                                               {"code": "q2", "type": "numeric"}]},
    ...     {"code": "B", "indicators": [{"code": "q3", "type": "numeric"}]}]})
    >>> s = Structure.from_framework(fw)
    >>> dict(zip(s.codes, effective_weights(s).tolist()))
    {'q1': 0.375, 'q2': 0.375, 'q3': 0.25, 'A': 0.75, 'B': 0.25, 'T': 1.0}
    """
    child, parent, w0 = structure.edges
    w = w0 if weights is None else np.asarray(weights, dtype=np.float64)
    totals = np.zeros(structure.n_nodes)
    np.add.at(totals, parent, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(totals[parent] > 0, w / totals[parent], 0.0)
    share = np.zeros(structure.n_nodes)
    share[child] = relative
    out = np.zeros(structure.n_nodes)
    out[structure.root] = 1.0
    # groups are numbered after their children: walk parents before children (descending)
    for node in range(structure.n_nodes - 2, -1, -1):
        out[node] = share[node] * out[structure.parent[node]]
    return out


def _height_edges(structure: Structure, height: int) -> tuple[IntArray, IntArray]:
    """Positions (in edge order) and parents of the edges feeding groups at ``height``."""
    if not 1 <= height <= len(structure.blocks):
        raise ValueError(f"the tree has heights 1 to {len(structure.blocks)}; got {height}")
    offset = sum(len(b.children) for b in structure.blocks[: height - 1])
    block = structure.blocks[height - 1]
    edges = np.arange(offset, offset + len(block.children))
    return edges, block.parents[block.local]


def _node_scores(structure: Structure, values: FloatArray, weights: FloatArray) -> FloatArray:
    """Scores of every node (unit·period rows, node columns) under ``weights``."""
    agg = aggregate(structure, values, weights=weights)
    n_u, n_p = agg.scores.shape[1:3]
    out: FloatArray = agg.scores[0].reshape(n_u * n_p, structure.n_nodes)
    return out


def pca_weights(structure: Structure, values: FloatArray, *, height: int = 1) -> FloatArray:
    """Weights from the first principal component of each group's children (COINr
    ``get_PCA``): for every group at ``height``, the loadings of the first component of its
    children's standardised scores (rows with a missing child left out), signed so that they
    sum to a positive number. Other edges keep the framework's weights.

    Raises ``ValueError`` when a loading is negative (PCA weights would then reward a low
    score) or a group has fewer than two complete rows.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric"}]})
    >>> s = Structure.from_framework(fw)
    >>> x = np.array([[[1.0, 2.0]], [[2.0, 4.5]], [[3.0, 6.0]], [[4.0, 7.5]]])
    >>> np.round(pca_weights(s, x), 6).tolist()
    [0.707107, 0.707107]
    """
    out = structure.edges[2].copy()
    edges, parents = _height_edges(structure, height)
    scores = _node_scores(structure, values, out)
    child = structure.edges[0]
    for p in np.unique(parents):
        mine = edges[parents == p]
        x = scores[:, child[mine]]
        x = x[~np.isnan(x).any(axis=1)]
        code = structure.codes[p]
        if len(x) < 2:
            raise ValueError(f"PCA weights for {code}: fewer than two units with every child")
        sd = x.std(axis=0, ddof=1)
        if np.any(sd == 0):
            raise ValueError(f"PCA weights for {code}: a child has the same score for every unit")
        z = (x - x.mean(axis=0)) / sd
        _, _, vt = np.linalg.svd(z, full_matrices=False)
        load = vt[0] * (1 if vt[0].sum() >= 0 else -1)
        if np.any(load < 0):
            negative = [structure.codes[c] for c, v in zip(child[mine], load, strict=True) if v < 0]
            raise ValueError(
                f"PCA weights for {code}: negative loading for {', '.join(negative)}; "
                "PCA weights would reward low scores there"
            )
        out[mine] = load
    return out


@dataclass(frozen=True)
class OptimisedWeights:
    """Result of :func:`balance_weights`: the edge weights, the normalised correlations
    obtained and wanted for the optimised children, the objective and convergence."""

    weights: FloatArray
    codes: tuple[str, ...]
    correlations: FloatArray
    target: FloatArray
    objective: float
    converged: bool
    iterations: int


def balance_weights(
    structure: Structure,
    values: FloatArray,
    *,
    height: int,
    target: FloatArray | None = None,
    tolerance: float = 1e-6,
    max_iterations: int = 2000,
) -> OptimisedWeights:
    """Weights of the groups at ``height`` whose correlations with the index match ``target``.

    COINr's ``get_opt_weights(optype = "balance")``: the Pearson correlations of those groups'
    scores with the index, normalised to sum to 1, are brought as close as possible to
    ``target`` (normalised; default equal) by minimising ``log(mean((target − r)²))`` with
    Nelder–Mead from the target itself. Weights are kept positive (the optimiser works on their
    absolute values) and normalised to sum to 1. Other edges keep the framework's weights.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "children": [
    ...     {"code": "A", "indicators": [{"code": "a", "type": "numeric"}]},
    ...     {"code": "B", "indicators": [{"code": "b", "type": "numeric"}]}]})
    >>> s = Structure.from_framework(fw)
    >>> rng = np.random.default_rng(0)
    >>> x = np.stack([rng.normal(50, 1, 40), rng.normal(50, 10, 40)], axis=1)[:, None, :]
    >>> res = balance_weights(s, x, height=2)
    >>> bool(res.weights[-2] > 5 * res.weights[-1])   # the variable child weighs less
    True
    >>> np.round(res.correlations, 3).tolist()
    [0.5, 0.5]
    """
    base = structure.edges[2].copy()
    edges, _ = _height_edges(structure, height)
    nodes = structure.edges[0][edges]
    k = len(edges)
    want = np.ones(k) if target is None else np.asarray(target, dtype=np.float64)
    if want.shape != (k,):
        raise ValueError(f"target needs {k} values (one per group at height {height})")
    want = want / want.sum()
    root = structure.root

    def correlations(v: FloatArray) -> FloatArray:
        w = base.copy()
        w[edges] = np.abs(v) / np.abs(v).sum()
        scores = _node_scores(structure, values, w)
        ok = ~np.isnan(scores[:, nodes]).any(axis=1) & ~np.isnan(scores[:, root])
        matrix: FloatArray = np.atleast_2d(np.corrcoef(scores[ok][:, [*nodes, root]], rowvar=False))
        r = matrix[-1, :-1]
        out: FloatArray = r / r.sum()
        return out

    def objective(v: FloatArray) -> float:
        return float(np.log(np.mean((want - correlations(v)) ** 2) + 1e-300))

    from scipy.optimize import minimize  # imported on use: it takes a while to load

    res = minimize(
        objective,
        want.copy(),
        method="Nelder-Mead",
        options={"xatol": tolerance, "fatol": tolerance, "maxiter": max_iterations},
    )
    w_opt = np.abs(res.x) / np.abs(res.x).sum()
    weights = base.copy()
    weights[edges] = w_opt
    return OptimisedWeights(
        weights=weights,
        codes=tuple(structure.codes[n] for n in nodes),
        correlations=correlations(res.x),
        target=want,
        objective=float(res.fun),
        converged=bool(res.success),
        iterations=int(res.nit),
    )
