"""Compare two results — two releases, two editions, or a release and a variant of its
pipeline: each unit's score and rank in both, and the biggest movers explained by the nodes
that moved them (COINr's ``compare_coins``, with the reasons).

A node's score is the sum of its children's contributions (weight × score / the weights used,
under arithmetic aggregation), so a unit's change of score splits exactly into its children's
changes of contribution; the children are matched by code (one present on one side only
contributes nothing on the other: an indicator added or dropped). Under another aggregation
method the contributions are the same weighted terms and explain the change approximately.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from polindex.analysis.whatif import rank_column
from polindex.engine.dataset import Period
from polindex.engine.results import Results
from polindex.errors import PolindexError


class ComparisonError(PolindexError):
    """Two results that cannot be compared (a node or period missing); every problem is
    listed."""

    problems: list[str]

    def headline(self) -> str:
        return "cannot compare the results; nothing was computed:"


@dataclass(frozen=True)
class Comparison:
    """Two results side by side for one node: ``table`` has one row per unit in both
    (``score_a``, ``score_b``, ``score_difference``, ``rank_a``, ``rank_b``,
    ``rank_difference`` — places gained from a to b), biggest movers first; ``reasons`` one row
    per mover and child (``contribution_a``, ``contribution_b``, ``difference``), the largest
    differences first; ``only_a`` and ``only_b`` the units in one result only."""

    node: str
    period_a: Period
    period_b: Period
    table: pd.DataFrame = field(repr=False)
    reasons: pd.DataFrame = field(repr=False)
    only_a: tuple[str, ...] = ()
    only_b: tuple[str, ...] = ()

    def explain(self, unit: str, top: int = 3) -> list[tuple[str, float]]:
        """The children that moved ``unit`` most: (child, change of contribution)."""
        rows = self.reasons[self.reasons["unit"] == unit].head(top)
        return [(str(c), float(d)) for c, d in rows[["child", "difference"]].to_numpy()]


def _contributions(res: Results, node: int, p: int) -> pd.DataFrame:
    """Each unit's contribution of each child of ``node`` in period ``p`` (unit × child)."""
    child, parent, _ = res.structure.edges
    edges = np.flatnonzero(parent == node)
    values = res.contribution_array[0, :, p][:, edges]
    return pd.DataFrame(
        values, index=list(res.units), columns=[res.structure.codes[c] for c in child[edges]]
    )


def compare_results(
    a: Results,
    b: Results,
    *,
    node: str | None = None,
    period_a: Period | None = None,
    period_b: Period | None = None,
    movers: int = 10,
) -> Comparison:
    """Compare ``node`` (default: the index; by code in both) between results ``a`` and ``b``
    in ``period_a`` and ``period_b`` (default: each one's latest), and explain the ``movers``
    units whose rank (then score) moved most by their children's contributions.

    Examples
    --------
    >>> import polindex
    >>> fw = {"code": "T", "name": "T", "levels": ["area"], "areas": [
    ...     {"code": "A", "indicators": [{"code": "a", "type": "numeric"}]},
    ...     {"code": "B", "indicators": [{"code": "b", "type": "numeric"}]}]}
    >>> rows = [("X", 2024, "a", 90), ("X", 2024, "b", 10), ("Y", 2024, "a", 40),
    ...         ("Y", 2024, "b", 70)]
    >>> before = polindex.score(fw, rows)
    >>> fw["areas"][0]["weight"] = 3                       # area A now weighs three times B
    >>> after = polindex.score(fw, rows)
    >>> out = compare_results(before, after)
    >>> out.table[["unit", "score_a", "score_b", "rank_a", "rank_b"]].values.tolist()
    [['X', 50.0, 70.0, 2, 1], ['Y', 55.0, 47.5, 1, 2]]
    >>> out.explain("X")                                   # A: 45 → 67.5, B: 5 → 2.5
    [('A', 22.5), ('B', -2.5)]
    """
    problems = []
    code = node or b.structure.codes[b.structure.root]
    code_a = node or a.structure.codes[a.structure.root]  # the indexes' own codes may differ
    for res, c, which in ((a, code_a, "a"), (b, code, "b")):
        if c not in res.structure.index:
            problems.append(f"no node {c!r} in {which} ({res.framework.code})")
    positions = []
    for res, period, which in ((a, period_a, "a"), (b, period_b, "b")):
        try:
            positions.append(res._p(period if period is not None else res.latest_period))
        except KeyError as exc:
            problems.append(f"{which}: {exc.args[0]}")
    if problems:
        raise ComparisonError(problems)
    pa, pb = positions
    na, nb = a.structure.index[code_a], b.structure.index[code]
    units_a = [u for k, u in enumerate(a.units) if a.dataset.present[k, pa]]
    units_b = [u for k, u in enumerate(b.units) if b.dataset.present[k, pb]]
    both = [u for u in units_a if u in set(units_b)]
    ia = [a.units.index(u) for u in both]
    ib = [b.units.index(u) for u in both]
    sa, sb = a.scores[0, ia, pa, na], b.scores[0, ib, pb, nb]
    ra, rb = a._lane_ranks(na, pa)[ia], b._lane_ranks(nb, pb)[ib]
    table = pd.DataFrame(
        {
            "unit": both,
            "score_a": sa,
            "score_b": sb,
            "score_difference": sb - sa,
            "rank_a": rank_column(ra),
            "rank_b": rank_column(rb),
            "rank_difference": rank_column(ra - rb),
        }
    )
    moved = np.nan_to_num(np.abs(ra - rb), nan=-1.0)
    order = np.lexsort(
        (np.array(both, dtype=str), -np.nan_to_num(np.abs(sb - sa), nan=-1.0), -moved)
    )
    table = table.iloc[order].reset_index(drop=True)
    ca, cb = _contributions(a, na, pa), _contributions(b, nb, pb)
    children = list(dict.fromkeys([*cb.columns, *ca.columns]))
    ca = ca.reindex(columns=children, fill_value=0.0).fillna(0.0)
    cb = cb.reindex(columns=children, fill_value=0.0).fillna(0.0)
    rows = []
    for unit in table["unit"].head(movers):
        diff = cb.loc[unit] - ca.loc[unit]
        for child in diff.abs().sort_values(ascending=False, kind="stable").index:
            rows.append(
                {
                    "unit": unit,
                    "child": child,
                    "contribution_a": float(ca.loc[unit, child]),
                    "contribution_b": float(cb.loc[unit, child]),
                    "difference": float(diff[child]),
                }
            )
    reasons = pd.DataFrame(
        rows, columns=["unit", "child", "contribution_a", "contribution_b", "difference"]
    )
    return Comparison(
        node=code,
        period_a=a.periods[pa],
        period_b=b.periods[pb],
        table=table,
        reasons=reasons,
        only_a=tuple(u for u in units_a if u not in set(units_b)),
        only_b=tuple(u for u in units_b if u not in set(units_a)),
    )


__all__ = ["Comparison", "ComparisonError", "compare_results"]
