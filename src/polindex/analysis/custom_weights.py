"""Your own weights: a ranking under weights a reader sets, beside the official one, with an
honest answer to "does the ranking depend on the weights?".

The reader weighs areas (0–5 each, as the OECD Better Life Index lets its visitors do) or any
nodes; the others keep their official weights. The scores the release aggregated (after its
pipeline, if it has one) are aggregated again with those weights, with the release's own
aggregation methods, ranking rules and peer groups. For each unit the custom rank is set
against its official rank interval from the release's uncertainty analysis: inside it, the
reader's weights move the unit no further than the plausible methodological choices do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from polindex.analysis.intervals import RankIntervals
from polindex.analysis.whatif import rank_column
from polindex.engine.aggregate import aggregate
from polindex.engine.dataset import Period
from polindex.engine.rank import rank_scores
from polindex.engine.results import Results
from polindex.engine.structure import FloatArray
from polindex.errors import PolindexError, plural

if TYPE_CHECKING:
    from polindex.analysis.uncertainty import Evaluation


class WeightsError(PolindexError):
    """Weights that cannot be used (unknown nodes, negative or missing numbers, all of a
    group's children at zero); every problem is listed.

    Examples
    --------
    >>> print(WeightsError(["weight of 'ZZ': no such node"]))
    1 problem with the weights; nothing was computed:
      weight of 'ZZ': no such node
    """

    problems: list[str]

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')} with the weights; nothing was computed:"


@dataclass(frozen=True)
class CustomRanking:
    """A ranking under custom weights beside the official one.

    ``table`` has one row per unit with a score in ``period`` (best custom rank first):
    ``score`` and ``rank`` (official), ``custom_score`` and ``custom_rank``,
    ``rank_difference`` (places gained under the custom weights), ``interval_low`` and
    ``interval_high`` (the official rank interval) and ``within`` (whether the custom rank lies
    in it; ``None``: no interval). ``weights`` are the edge weights used, by code.
    """

    node: str
    period: Period
    weights: Mapping[str, float]
    table: pd.DataFrame = field(repr=False)
    note: str = ""

    @property
    def share_within(self) -> float | None:
        """The share of units with an interval whose custom rank lies within it."""
        known = self.table["within"].dropna()
        return float(known.astype(bool).mean()) if len(known) else None


def custom_weights(results: Results, weights: Mapping[str, Any]) -> FloatArray:
    """The edge weights of ``results`` (as used) with those in ``weights`` (code → number ≥ 0)
    replaced. Raises :class:`WeightsError` naming every unknown code, every weight that is not
    a non-negative number, and every group whose children would all weigh zero.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "levels": ["area"], "areas": [
    ...     {"code": "A", "indicators": [{"code": "a", "type": "boolean"}]},
    ...     {"code": "B", "indicators": [{"code": "b", "type": "boolean"}]}]})
    >>> res = polindex.score(fw, [("X", 2024, "a", "yes"), ("X", 2024, "b", "no")])
    >>> custom_weights(res, {"A": 3}).tolist()
    [1.0, 1.0, 3.0, 1.0]
    >>> custom_weights(res, {"A": 0, "B": 0, "T": 1, "C": -1})
    Traceback (most recent call last):
    ...
    polindex.analysis.custom_weights.WeightsError: 3 problems with the weights; ...
      weight of 'T': the index itself has no weight (weigh its areas or other nodes)
      weight of 'C': no node 'C' in T
      all the weights of T's children are zero: its score would be undefined
    """
    s = results.structure
    child, parent, _ = s.edges
    position = {s.codes[c]: e for e, c in enumerate(child)}
    edges = np.array([results.weights_used.given[s.codes[c]] for c in child], dtype=np.float64)
    problems = []
    for code, value in weights.items():
        if code == s.codes[s.root]:
            problems.append(
                f"weight of {code!r}: the index itself has no weight (weigh its areas or "
                "other nodes)"
            )
            continue
        if code not in position:
            problems.append(f"weight of {code!r}: no node {code!r} in {results.framework.code}")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not (math.isfinite(number) and number >= 0):
            problems.append(f"weight of {code!r}: {value!r} is not a number ≥ 0")
            continue
        edges[position[code]] = number
    touched = {int(parent[position[c]]) for c in weights if c in position}
    for p in sorted(touched, key=lambda k: -k):
        if not edges[parent == p].any():
            problems.append(
                f"all the weights of {s.codes[p]}'s children are zero: its score would be undefined"
            )
    if problems:
        raise WeightsError(problems)
    return edges


def custom_ranking(
    results: Results,
    weights: Mapping[str, Any],
    *,
    node: str | None = None,
    period: Period | None = None,
    intervals: RankIntervals | Evaluation | None = None,
) -> CustomRanking:
    """The ranking of ``node`` (default: the index) in ``period`` (default: the latest) under
    ``weights`` (code → weight; the others keep theirs), beside the official one, each unit's
    custom rank set against its official rank interval (``intervals``: from the release's
    uncertainty analysis, for the same node and period).

    Raises :class:`WeightsError` (see :func:`custom_weights`), and for an unknown node or
    period.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "levels": ["area"], "areas": [
    ...     {"code": "A", "indicators": [{"code": "a", "type": "numeric"}]},
    ...     {"code": "B", "indicators": [{"code": "b", "type": "numeric"}]}]})
    >>> res = polindex.score(fw, [("X", 2024, "a", 90), ("X", 2024, "b", 10),
    ...                           ("Y", 2024, "a", 40), ("Y", 2024, "b", 70)])
    >>> out = custom_ranking(res, {"A": 5, "B": 1})
    >>> out.table[["unit", "rank", "custom_score", "custom_rank"]].values.tolist()
    [['X', 2, 76.66666666666667, 1], ['Y', 1, 45.0, 2]]
    """
    s = results.structure
    try:
        n = results._n(node)
        p = results._p(period if period is not None else results.latest_period)
    except KeyError as exc:
        raise WeightsError([str(exc.args[0])]) from None
    edges = custom_weights(results, weights)
    present = np.flatnonzero(results.dataset.present[:, p])
    values = results.dataset.values[present, p : p + 1, :]
    na = results.dataset.not_applicable[present, p : p + 1, :]
    agg = aggregate(s, values, na, edges)
    custom = np.full(len(results.units), np.nan)
    custom[present] = agg.planes[n, 0, 0, :]
    higher = results.framework.higher_is_better
    custom_ranks = rank_scores(custom, higher, axis=0, ties=results.ties, peers=results.peers)
    official = results.scores[0, :, p, n]
    ranks = results._lane_ranks(n, p)
    if intervals is not None and not isinstance(intervals, RankIntervals):
        intervals = RankIntervals.of(intervals)
    note = ""
    if intervals is not None and (
        intervals.node != s.codes[n] or intervals.period != str(results.periods[p])
    ):
        note = (
            f"the rank intervals are for {intervals.node} in {intervals.period}, not for "
            f"{s.codes[n]} in {results.periods[p]}: they are left out"
        )
        intervals = None
    units = [results.units[k] for k in present]
    bounds = [intervals.get(u) if intervals is not None else None for u in units]
    mine = custom_ranks[present]
    table = pd.DataFrame(
        {
            "unit": units,
            "score": official[present],
            "rank": rank_column(ranks[present]),
            "custom_score": custom[present],
            "custom_rank": rank_column(mine),
            "rank_difference": rank_column(ranks[present] - mine),
            "interval_low": [b[0] if b else np.nan for b in bounds],
            "interval_high": [b[1] if b else np.nan for b in bounds],
            "within": [
                intervals.contains(u, float(r)) if intervals is not None else None
                for u, r in zip(units, mine, strict=True)
            ],
        }
    )
    table = table.sort_values(["custom_rank", "unit"], na_position="last", kind="stable")
    used = {s.codes[c]: float(w) for c, w in zip(s.edges[0], edges, strict=True)}
    return CustomRanking(s.codes[n], results.periods[p], used, table.reset_index(drop=True), note)


__all__ = ["CustomRanking", "WeightsError", "custom_ranking", "custom_weights"]
