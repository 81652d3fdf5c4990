"""Peer countries: which units are nearest to a unit on the scores of one level (the areas, by
default) in one period.

The distance between two units is the root mean square of their score differences over the
nodes both have a score for — in score points, so "5" reads as "five points apart per area on
average". Units compare with those of their own ranking group only (an EU level is nobody's
peer), and a pair sharing fewer than half the nodes is not compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from polindex.engine.dataset import Period
from polindex.engine.results import Results
from polindex.engine.structure import FloatArray, Structure
from polindex.errors import PolindexError


class PeersError(PolindexError):
    """A peer or typology question that cannot be answered (an unknown unit, level or period,
    too few units); every problem is listed."""

    problems: list[str]

    def headline(self) -> str:
        return "cannot compare the units; nothing was computed:"


@dataclass(frozen=True)
class LevelScores:
    """The scores of one level's nodes: ``values`` (unit, node), NaN where missing, for the
    ``units`` of one ranking group with at least one score there."""

    level: str
    period: Period
    units: tuple[str, ...]
    nodes: tuple[str, ...]
    values: FloatArray


def group_level(structure: Structure, level: str | None, index: str) -> str:
    """``level`` checked against the tree's levels of groups (default: the level just below
    the index; the index's own when it has no groups). Raises :class:`PeersError` naming the
    levels there are.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "levels": ["area"], "areas": [
    ...     {"code": "A", "indicators": [{"code": "a", "type": "numeric"}]}]})
    >>> group_level(Structure.from_framework(fw), None, "T")
    'area'
    """
    s = structure
    groups = range(s.n_indicators, s.n_nodes)
    if level is None:
        below = [k for k in groups if s.parent[k] == s.root]
        return s.levels[below[0]] if below else s.levels[s.root]
    if level not in {s.levels[k] for k in groups}:
        known = ", ".join(dict.fromkeys(s.levels[k] for k in groups))
        raise PeersError([f"no level {level!r} of groups in {index} ({known})"])
    return level


def level_scores(
    results: Results, level: str | None = None, period: Period | None = None, group: int = 0
) -> LevelScores:
    """The scores of ``level``'s nodes (default: the level just below the index) in ``period``
    (default: the latest) for the units of ranking ``group`` (0: the countries).

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "levels": ["area"], "areas": [
    ...     {"code": "A", "indicators": [{"code": "a", "type": "numeric"}]},
    ...     {"code": "B", "indicators": [{"code": "b", "type": "numeric"}]}]})
    >>> res = polindex.score(fw, [("X", 2024, "a", 90), ("X", 2024, "b", 10)])
    >>> ls = level_scores(res)
    >>> ls.level, ls.nodes, ls.values.tolist()
    ('area', ('A', 'B'), [[90.0, 10.0]])
    """
    s = results.structure
    level = group_level(s, level, results.framework.code)
    nodes = [k for k in range(s.n_indicators, s.n_nodes) if s.levels[k] == level]
    try:
        p = results._p(period if period is not None else results.latest_period)
    except KeyError as exc:
        raise PeersError([str(exc.args[0])]) from None
    mine = [
        k
        for k, g in enumerate(results.peers)
        if g == group
        and results.dataset.present[k, p]
        and not np.isnan(results.scores[0, k, p, nodes]).all()
    ]
    order = {item.code: j for j, (item, _, _) in enumerate(results.framework.root.walk())}
    nodes.sort(key=lambda k: order[s.codes[k]])
    values = results.scores[0][np.ix_(mine, [p], nodes)][:, 0, :]
    return LevelScores(
        level,
        results.periods[p],
        tuple(results.units[k] for k in mine),
        tuple(s.codes[k] for k in nodes),
        np.array(values),
    )


def distances(values: FloatArray) -> FloatArray:
    """Root mean square differences between the rows of ``values`` (unit, node) over the
    nodes both have; NaN where they share fewer than half the nodes.

    Examples
    --------
    >>> distances(np.array([[0.0, 0.0], [3.0, 4.0], [np.nan, 8.0]])).round(3).tolist()
    [[0.0, 3.536, 8.0], [3.536, 0.0, 4.0], [8.0, 4.0, 0.0]]
    """
    x = np.asarray(values, dtype=np.float64)
    ok = ~np.isnan(x)
    filled = np.where(ok, x, 0.0)
    both = ok[:, None, :] & ok[None, :, :]
    diff = np.where(both, filled[:, None, :] - filled[None, :, :], 0.0)
    shared = both.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.sqrt((diff**2).sum(axis=-1) / shared)
    out[shared * 2 < x.shape[1]] = np.nan
    return out


def nearest_peers(
    results: Results,
    unit: str,
    *,
    level: str | None = None,
    period: Period | None = None,
    k: int = 5,
) -> pd.DataFrame:
    """The ``k`` units nearest to ``unit`` on ``level``'s scores in ``period``: ``unit``,
    ``distance`` (root mean square difference, score points) and ``shared`` (nodes compared),
    nearest first.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "levels": ["area"], "areas": [
    ...     {"code": "A", "indicators": [{"code": "a", "type": "numeric"}]},
    ...     {"code": "B", "indicators": [{"code": "b", "type": "numeric"}]}]})
    >>> res = polindex.score(fw, [("X", 2024, "a", 90), ("X", 2024, "b", 10),
    ...     ("Y", 2024, "a", 80), ("Y", 2024, "b", 20), ("Z", 2024, "a", 10),
    ...     ("Z", 2024, "b", 90)])
    >>> nearest_peers(res, "X", k=2).values.tolist()
    [['Y', 10.0, 2], ['Z', 80.0, 2]]
    """
    if unit not in results.units:
        raise PeersError([f"unit {unit!r} is not in the results of {results.framework.code}"])
    group = results.peers[results.units.index(unit)]
    return nearest_in(level_scores(results, level, period, group), unit, k)


def nearest_in(ls: LevelScores, unit: str, k: int = 5) -> pd.DataFrame:
    """:func:`nearest_peers` among the units of ``ls`` (one level's scores, taken from results
    or from a release's frozen scores).

    Examples
    --------
    >>> ls = LevelScores("area", 2024, ("X", "Y", "Z"), ("A", "B"),
    ...                  np.array([[90.0, 10.0], [80.0, 20.0], [10.0, 90.0]]))
    >>> nearest_in(ls, "X", k=1).values.tolist()
    [['Y', 10.0, 2]]
    """
    if unit not in ls.units:
        raise PeersError([f"{unit} has no {ls.level} scores in {ls.period}"])
    i = ls.units.index(unit)
    d = distances(ls.values)[i]
    shared = (~np.isnan(ls.values) & ~np.isnan(ls.values[i])).sum(axis=1)
    table = pd.DataFrame({"unit": ls.units, "distance": d, "shared": shared})
    table = table[(table["unit"] != unit) & table["distance"].notna()]
    return table.sort_values(["distance", "unit"], kind="stable").head(k).reset_index(drop=True)


__all__ = [
    "LevelScores",
    "PeersError",
    "distances",
    "group_level",
    "level_scores",
    "nearest_in",
    "nearest_peers",
]
