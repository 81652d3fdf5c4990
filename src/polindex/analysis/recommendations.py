"""Recommendations and peer learning: per unit and area, the single answer changes that would
raise the index most, each with the units that already give that answer.

Every improving change (a better option, the other yes/no, the best number; see
:func:`~polindex.analysis.goals.improvements`) is scored exactly by scoring the unit again with
that change alone, consequences included (a question it switches off is left out). Its
``gain`` is what the index would gain; under arithmetic aggregation that is the change of the
question's score times its ``effective_weight``: its weight relative to the siblings it is
averaged with, multiplied up the tree, for this unit's answers. The units that already give
the answer come from the same period (the caller adds their justifications and sources).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from polindex.analysis.answers import Answer, ChangeError
from polindex.analysis.goals import improvements
from polindex.analysis.peers import PeersError, group_level
from polindex.analysis.whatif import Simulator
from polindex.engine.dataset import Period


def _group_of(sim: Simulator, level: str | None) -> dict[str, str]:
    """Each indicator's ancestor at ``level`` (see :func:`~polindex.analysis.peers.group_level`)."""
    s = sim.structure
    try:
        level = group_level(s, level, sim.framework.code)
    except PeersError as exc:
        raise ChangeError(exc.problems) from None
    out = {}
    for i in range(s.n_indicators):
        k = i
        while k >= 0 and s.levels[k] != level:
            k = int(s.parent[k])
        out[s.codes[i]] = s.codes[k] if k >= 0 else s.codes[s.root]
    return out


def recommend(
    sim: Simulator,
    unit: str,
    period: Period | None = None,
    *,
    level: str | None = None,
    per_group: int | None = 3,
) -> pd.DataFrame:
    """The single answer changes with the largest gain for the index, per group of ``level``
    (default: the areas), for ``unit`` in ``period`` (default: its latest): at most
    ``per_group`` per group (``None``: all), best first.

    Columns: ``group``, ``indicator``, ``current`` and ``proposed`` (answer texts), ``gain``
    (the index's score change), ``group_gain`` (the group's), ``step`` (how far the
    question's score moves), ``effective_weight`` (gain per point of the question's score),
    and ``units`` (those that already give the proposed answer — or, for a number, at least as
    good a score — in that period). An index built by a pipeline is answered by
    :func:`~polindex.analysis.rebuilt.recommend_built` (each value moved to the best rate the
    period observed, the index rebuilt).

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "levels": ["area"], "areas": [
    ...     {"code": "A", "indicators": [{"code": "q1", "type": "boolean"},
    ...                                  {"code": "q2", "type": "boolean"}]},
    ...     {"code": "B", "indicators": [{"code": "q3", "type": "boolean"}]}]})
    >>> sim = polindex.simulator(fw, [("X", 2024, "q1", "no"), ("X", 2024, "q2", "no"),
    ...     ("X", 2024, "q3", "no"), ("Y", 2024, "q1", "yes"), ("Y", 2024, "q2", "no"),
    ...     ("Y", 2024, "q3", "yes")])
    >>> recommend(sim, "X")[["group", "indicator", "gain", "units"]].values.tolist()
    [['A', 'q1', 25.0, ('Y',)], ['A', 'q2', 25.0, ()], ['B', 'q3', 50.0, ('Y',)]]
    """
    if sim.mode == "built":  # every unit moves: each change ranked by rebuilding (decision 049)
        from polindex.analysis.rebuilt import recommend_built

        return recommend_built(sim, unit, period, level=level, per_group=per_group)
    u, p = sim.unit_index(unit), sim.period_index(unit, period)
    groups = _group_of(sim, level)
    s, sign = sim.structure, sim.sign
    base = sim.answers(unit, sim.dataset.periods[p])
    found = improvements(sim, base)
    settings = [base] + [sim.apply(base, {c: a}) for c, a, _ in found]
    states = [sim.state(a) for a in settings]
    scores = sim.node_scores(np.array([v for v, _ in states]), np.array([n for _, n in states]))
    root = s.root
    others = _peers_answers(sim, u, p)
    rows: list[dict[str, object]] = []
    for k, (code, ans, continuous) in enumerate(found, start=1):
        gain = float(scores[k, root] - scores[0, root])
        if sign * gain <= 1e-12:
            continue
        g = s.index[groups[code]]
        moved = ans.score - base[code].score
        if continuous:
            have = [
                v
                for v, a in others
                if a[code].answered and sign * (a[code].score - ans.score) >= -1e-12
            ]
        else:
            have = [v for v, a in others if a[code].text == ans.text]
        rows.append(
            {
                "group": groups[code],
                "indicator": code,
                "current": base[code].text,
                "proposed": ans.text,
                "gain": gain,
                "group_gain": float(scores[k, g] - scores[0, g]),
                "step": abs(moved),
                "effective_weight": gain / moved if moved else np.nan,
                "units": tuple(have),
            }
        )
    return _ranked(sim, rows, per_group)


def _ranked(sim: Simulator, rows: list[dict[str, object]], per_group: int | None) -> pd.DataFrame:
    """Recommendation ``rows`` as a table, by group in the tree's order, the largest gain first
    (then the smallest step), at most ``per_group`` a group (``None``: all)."""
    columns = ["group", "indicator", "current", "proposed", "gain", "group_gain", "step",
               "effective_weight", "units"]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table
    order = {c: k for k, c in enumerate(sim.structure.codes)}
    table["_g"] = table["group"].map(order)
    table["_i"] = table["indicator"].map(order)
    table["_gain"] = -sim.sign * table["gain"]
    table = table.sort_values(["_g", "_gain", "step", "_i"], kind="stable")
    if per_group is not None:
        table = table.groupby("_g", sort=False).head(per_group)
    return table.drop(columns=["_g", "_i", "_gain"]).reset_index(drop=True)


def _peers_answers(sim: Simulator, u: int, p: int) -> list[tuple[str, dict[str, Answer]]]:
    """The answers of every other unit with data in period ``p``."""
    period = sim.dataset.periods[p]
    return [
        (name, sim.answers(name, period))
        for k, name in enumerate(sim.dataset.units)
        if k != u and sim.dataset.present[k, p]
    ]


__all__ = ["recommend"]
