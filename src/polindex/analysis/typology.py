"""Typology: groups of units with a similar approach, found by clustering their scores on one
level (the areas, by default), with the number of groups chosen by a stated criterion and the
groups' stability under resampling.

* ``method="ward"``: hierarchical clustering with Ward's criterion (scipy), cut into k groups;
  ``"kmeans"``: k-means (k-means++ starts, the best of ten).
* k, unless given, is the one of 2 to 8 with the highest mean silhouette width (Rousseeuw
  1987): how much closer each unit is to its own group than to the nearest other one.
* Stability (Hennig's ``clusterboot``): the units are resampled with replacement (1,000 times
  by default) and clustered again with the same k; each group's stability is its mean best
  Jaccard similarity with the new groups (above 0.75: stable; below 0.5: it dissolves), and
  ``agreement`` the mean adjusted Rand index between the two clusterings.

Groups are numbered by their mean score, best first, given the index's polarity. Units with a
missing score on the level are left out (listed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from polindex.analysis.peers import LevelScores, PeersError, level_scores
from polindex.engine.dataset import Period
from polindex.engine.results import Results
from polindex.engine.structure import FloatArray

IntArray = npt.NDArray[np.intp]
Method = Literal["ward", "kmeans"]
K_RANGE = range(2, 9)
"""The numbers of groups the silhouette chooses from."""


def silhouette(x: FloatArray, labels: IntArray) -> float:
    """Mean silhouette width of a clustering (a unit alone in its group counts 0).

    Examples
    --------
    >>> x = np.array([[0.0], [1.0], [10.0], [11.0]])     # (9.5 / 10.5 + 8.5 / 9.5) / 2
    >>> round(silhouette(x, np.array([0, 0, 1, 1])), 4)
    0.8997
    """
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1))
    groups = np.unique(labels)
    member = labels[:, None] == groups[None, :]  # (unit, group)
    sums = d @ member
    sizes = member.sum(axis=0)
    own = member.argmax(axis=1)
    n_own = sizes[own]
    a = np.where(n_own > 1, sums[np.arange(len(x)), own] / np.maximum(n_own - 1, 1), 0.0)
    mean_other = np.where(member, np.inf, sums / sizes)
    b = mean_other.min(axis=1)
    s = np.where(n_own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    return float(s.mean())


def ward(x: FloatArray, k: int, rng: np.random.Generator | None = None) -> IntArray:
    """Ward's hierarchical clustering of the rows of ``x`` (scipy's ``linkage``) cut into ``k``
    groups, numbered from 0 in order of first appearance.

    Examples
    --------
    >>> ward(np.array([[0.0], [1.0], [10.0], [11.0], [30.0]]), 3).tolist()
    [0, 0, 1, 1, 2]
    """
    from scipy.cluster.hierarchy import linkage

    n = len(x)
    merges = linkage(x, method="ward")
    parent = list(range(2 * n - 1))  # the tree up to its last k - 1 merges: union-find

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for step, (a, b) in enumerate(merges[: n - k, :2].astype(int).tolist()):
        parent[root(a)] = parent[root(b)] = n + step
    roots = [root(i) for i in range(n)]
    number = {r: g for g, r in enumerate(dict.fromkeys(roots))}
    return np.array([number[r] for r in roots], dtype=np.intp)


def kmeans(
    x: FloatArray, k: int, rng: np.random.Generator | None = None, starts: int = 10
) -> IntArray:
    """k-means of the rows of ``x`` (k-means++ starts; the lowest within-group sum of squares
    of ``starts`` runs), groups numbered from 0.

    Examples
    --------
    >>> x = np.array([[0.0, 0.0], [0.0, 1.0], [9.0, 9.0], [9.0, 8.0]])
    >>> labels = kmeans(x, 2, np.random.default_rng(0))
    >>> bool(labels[0] == labels[1] != labels[2] == labels[3])
    True
    """
    rng = rng or np.random.default_rng(0)
    best: tuple[float, IntArray] | None = None
    n = len(x)
    norms = (x**2).sum(axis=1)
    for _ in range(starts):
        centres = x[[int(rng.integers(n))]]
        d2 = ((x - centres[0]) ** 2).sum(axis=1)
        while len(centres) < k:
            total = d2.sum()
            pick = int(rng.choice(n, p=d2 / total)) if total > 0 else int(rng.integers(n))
            centres = np.vstack([centres, x[pick]])
            d2 = np.minimum(d2, ((x - x[pick]) ** 2).sum(axis=1))
        labels = np.full(n, -1, dtype=np.intp)
        for _ in range(100):
            dist = norms[:, None] - 2 * x @ centres.T + (centres**2).sum(axis=1)[None, :]
            new = dist.argmin(axis=1)
            if (new == labels).all():
                break
            labels = new
            counts = np.bincount(labels, minlength=k)
            sums = np.zeros_like(centres)
            np.add.at(sums, labels, x)
            filled = counts > 0
            centres[filled] = sums[filled] / counts[filled, None]
        inertia = float(((x - centres[labels]) ** 2).sum())
        if best is None or inertia < best[0] - 1e-12:
            best = (inertia, labels.copy())
    assert best is not None
    return best[1]


METHODS: dict[str, Callable[..., IntArray]] = {"ward": ward, "kmeans": kmeans}


def adjusted_rand(a: IntArray, b: IntArray) -> float:
    """The adjusted Rand index of two clusterings of the same units (1: identical).

    Examples
    --------
    >>> adjusted_rand(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]))
    1.0
    >>> round(adjusted_rand(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])), 3)
    -0.5
    """
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    return _rand(_contingency(ai, bi, int(ai.max()) + 1, int(bi.max()) + 1))


def _contingency(a: IntArray, b: IntArray, ka: int, kb: int) -> npt.NDArray[np.int64]:
    """How many units each pair of groups (of two clusterings numbered from 0) shares."""
    out: npt.NDArray[np.int64] = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb)
    return out


def _rand(table: npt.NDArray[np.int64]) -> float:
    def pairs(v: npt.NDArray[np.int64]) -> float:
        return float((v * (v - 1)).sum() / 2)

    index, rows, cols = pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    n = int(table.sum())
    total = n * (n - 1) / 2
    expected = rows * cols / total if total else 0.0
    top = (rows + cols) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


@dataclass(frozen=True)
class Typology:
    """Groups of units with a similar approach (see the module docstring).

    ``groups`` maps each unit to its group (1 = the best mean score); ``centres`` holds each
    group's mean score per node; ``silhouettes`` the criterion for each k tried; ``stability``
    per group its size and mean best Jaccard similarity over the resamples; ``agreement`` the
    mean adjusted Rand index; ``left_out`` the units with a missing score.
    """

    level: str
    period: Period
    method: str
    k: int
    groups: dict[str, int]
    centres: pd.DataFrame = field(repr=False)
    silhouettes: dict[int, float] = field(repr=False)
    stability: pd.DataFrame = field(repr=False)
    agreement: float | None = None
    resamples: int = 0
    left_out: tuple[str, ...] = ()

    def members(self, group: int) -> list[str]:
        """The units of ``group``."""
        return [u for u, g in self.groups.items() if g == group]


def typology(
    results: Results,
    *,
    level: str | None = None,
    period: Period | None = None,
    method: Method = "ward",
    k: int | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> Typology:
    """Cluster the units on ``level``'s scores (default: the areas) in ``period`` (default: the
    latest) with ``method``, into ``k`` groups (default: chosen by the silhouette), and measure
    the groups' stability over ``resamples`` bootstrap resamples.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "levels": ["area"], "areas": [
    ...     {"code": "A", "indicators": [{"code": "a", "type": "numeric"}]},
    ...     {"code": "B", "indicators": [{"code": "b", "type": "numeric"}]}]})
    >>> rows = [(u, 2024, "a", a) for u, a in zip("PQRSTU", (90, 85, 88, 20, 15, 22))]
    >>> rows += [(u, 2024, "b", b) for u, b in zip("PQRSTU", (80, 84, 79, 30, 25, 28))]
    >>> t = typology(polindex.score(fw, rows), resamples=50)
    >>> t.k, t.members(1), t.members(2), round(float(t.stability["stability"].min()), 2)
    (2, ['P', 'Q', 'R'], ['S', 'T', 'U'], 0.99)
    """
    if method not in METHODS:
        raise PeersError([f"method {method!r}: one of {', '.join(METHODS)}"])
    ls = level_scores(results, level, period)
    return cluster_scores(
        ls, higher_is_better=results.framework.higher_is_better, method=method, k=k,
        resamples=resamples, seed=seed,
    )  # fmt: skip


def cluster_scores(
    ls: LevelScores,
    *,
    higher_is_better: bool = True,
    method: Method = "ward",
    k: int | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> Typology:
    """:func:`typology` of scores already taken from their results (or from a release's
    frozen scores): ``ls`` holds one level's scores of the units to group.

    Examples
    --------
    >>> ls = LevelScores("area", 2024, ("P", "Q", "R", "S"), ("A",),
    ...                  np.array([[90.0], [88.0], [10.0], [12.0]]))
    >>> t = cluster_scores(ls, resamples=20)
    >>> t.k, t.members(1), t.members(2)
    (2, ['P', 'Q'], ['R', 'S'])
    """
    if method not in METHODS:
        raise PeersError([f"method {method!r}: one of {', '.join(METHODS)}"])
    complete = ~np.isnan(ls.values).any(axis=1)
    units = [u for u, ok in zip(ls.units, complete, strict=True) if ok]
    x = ls.values[complete]
    left_out = tuple(u for u, ok in zip(ls.units, complete, strict=True) if not ok)
    n = len(units)
    if n < 3:
        raise PeersError([f"{n} units with every {ls.level} score: too few to group"])
    if k is not None and not 2 <= k < n:
        raise PeersError([f"k {k}: give a number of groups from 2 to {n - 1}"])
    cluster = METHODS[method]
    rng = np.random.default_rng(seed)
    silhouettes = {}
    for kk in [k] if k is not None else [kk for kk in K_RANGE if kk < n]:
        silhouettes[kk] = silhouette(x, cluster(x, kk, np.random.default_rng(seed)))
    chosen = k if k is not None else max(silhouettes, key=lambda kk: (silhouettes[kk], -kk))
    labels = cluster(x, chosen, np.random.default_rng(seed))
    labels = _by_mean(labels, x, higher_is_better)
    stability, agreement = _stability(x, labels, chosen, cluster, resamples, rng)
    centres = pd.DataFrame(
        [x[labels == g].mean(axis=0) for g in range(chosen)],
        index=pd.Index(range(1, chosen + 1), name="group"),
        columns=list(ls.nodes),
    )
    return Typology(
        level=ls.level,
        period=ls.period,
        method=method,
        k=chosen,
        groups={u: int(g) + 1 for u, g in zip(units, labels, strict=True)},
        centres=centres,
        silhouettes=silhouettes,
        stability=stability,
        agreement=agreement,
        resamples=resamples,
        left_out=left_out,
    )


def _by_mean(labels: IntArray, x: FloatArray, higher_is_better: bool) -> IntArray:
    """Groups renumbered from 0 by their mean score, best first."""
    groups = np.unique(labels)
    means = np.array([x[labels == g].mean() for g in groups])
    order = groups[np.argsort(-means if higher_is_better else means, kind="stable")]
    renumber = np.empty(labels.max() + 1, dtype=np.intp)
    renumber[order] = np.arange(len(order))
    out: IntArray = renumber[labels]
    return out


def _stability(
    x: FloatArray,
    labels: IntArray,
    k: int,
    cluster: Callable[..., IntArray],
    resamples: int,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, float | None]:
    """Each group's mean best Jaccard similarity over bootstrap resamples, and the mean
    adjusted Rand index (``clusterboot``). A unit drawn twice is one point counted twice (the
    same group either way)."""
    n = len(x)
    jaccard = np.zeros(k)
    counted = np.zeros(k)
    rand = []
    extra = {"starts": 2} if cluster is kmeans else {}
    for _ in range(resamples):
        draw = rng.integers(n, size=n)
        units, first = np.unique(draw, return_index=True)
        if len(units) <= k:
            continue  # too few distinct units for k groups
        again = cluster(x[draw], k, rng, **extra)
        table = _contingency(labels[units], again[first], k, k)
        sizes = table.sum(axis=1)
        union = sizes[:, None] + table.sum(axis=0)[None, :] - table
        best = (table / np.maximum(union, 1)).max(axis=1)
        present = sizes > 0
        jaccard[present] += best[present]
        counted[present] += 1
        rand.append(_rand(table))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counted > 0, jaccard / counted, np.nan)
    summary = pd.DataFrame(
        {
            "group": range(1, k + 1),
            "size": [int((labels == g).sum()) for g in range(k)],
            "stability": mean,
        }
    )
    return summary, (float(np.mean(rand)) if rand else None)


__all__ = [
    "Typology",
    "adjusted_rand",
    "cluster_scores",
    "kmeans",
    "silhouette",
    "typology",
    "ward",
]
