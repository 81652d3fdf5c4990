"""Goal seeking and recommendations for an index built by a pipeline, by rebuilding it.

In a build, normalisation (and treatment, imputation, screening) look at every unit, so a
change to one unit's raw value moves every unit's scores and the gains of two changes do not
add up: the exact search of :mod:`polindex.analysis.goals` does not apply. What does apply is
the engine itself: the index is rebuilt whole with each change (a few milliseconds for an
index of ASEM's size), and the search is kept to what can be stated plainly
(docs/decisions/049-what-if-for-builds.md):

* a numeric raw value is moved within what the period **observed**: for a unit, its
  ``levers`` go from its value to the value that would give it the best rate any unit has (the
  rate being the value divided by the unit's own denominator where the pipeline denominates
  it, so a small country is not asked for a large country's totals);
* :func:`recommend_built` proposes, per area, moving one value to that best rate, ranked by
  what the rebuilt index gains;
* :func:`seek_built_goal` tries one value at a time: each lever that reaches the goal at its
  end is searched by bisection for the smallest move that still reaches it (rounded to a
  thousandth of the observed range, in the goal's favour, and checked by a rebuild). When no
  single value is enough, the levers are added in order of their own gains, each at its end,
  until the goal is reached (the last one by bisection): a proposal, not a proven minimum.

A change's ``step`` here is the share of the observed range (in %) the value moves: raw values
of different indicators have different units, so their raw steps cannot be compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from polindex.analysis.answers import Answer, ChangeError, number_text
from polindex.analysis.goals import Goal, GoalSeek, Move, Proposal, _goal, improvements
from polindex.analysis.whatif import Simulator
from polindex.engine.dataset import Period
from polindex.engine.rank import RANK_DECIMALS
from polindex.engine.structure import FloatArray
from polindex.framework.pipeline import DenominateStep

BISECTIONS = 24
"""Halvings of a lever's distance when seeking the smallest move that reaches a goal."""


@dataclass(frozen=True)
class Lever:
    """A raw value a unit could change in a build: from ``current`` towards ``best`` (the value
    giving the best rate observed in the period, ``leader``'s), within ``low``–``high`` (the
    values giving the lowest and highest observed rates, for this unit), and by what it is
    divided (``denominator``, or ``None``)."""

    indicator: str
    current: float
    best: float
    low: float
    high: float
    leader: str
    denominator: str | None = None

    @property
    def span(self) -> float:
        """The width of the observed range, in the unit's raw terms."""
        return self.high - self.low

    def at(self, t: float) -> float:
        """The value a share ``t`` (0–1) of the way from ``current`` to ``best``."""
        return self.current + t * (self.best - self.current)


def _significant(x: float, up: float, digits: int = 6) -> float:
    """``x`` to ``digits`` significant digits, rounded up (``up`` > 0) or down: a value a reader
    can type, at least as good as ``x`` (a best rate times a denominator has many digits).

    Examples
    --------
    >>> _significant(727.9887069214053, 1), _significant(727.9887069214053, -1)
    (727.989, 727.988)
    >>> _significant(80.0, 1)
    80.0
    """
    if x == 0 or not math.isfinite(x):
        return x
    unit = 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1)
    out = (math.ceil if up > 0 else math.floor)(round(x / unit, 6)) * unit
    return float(f"{out:.{digits}g}")


def _denominators(sim: Simulator) -> dict[str, tuple[str, float]]:
    """Indicator → (denominator variable, scale) of the build's denomination step."""
    out: dict[str, tuple[str, float]] = {}
    for step in sim.pipeline.steps if sim.pipeline is not None else ():
        if isinstance(step, DenominateStep):
            for code, var in step.by.items():
                out[code] = (var, float(step.scale))
    return out


def _rates(sim: Simulator, p: int, i: int) -> tuple[FloatArray, FloatArray]:
    """Every unit's rate on indicator ``i`` in period ``p`` (its raw value divided by its own
    denominator where the pipeline denominates the indicator), and the factor raw → rate."""
    raw = sim.dataset.raw[:, p, i]
    factor = np.ones(len(raw))
    den = _denominators(sim).get(sim.dataset.indicators[i])
    numbers = sim.variables.numbers if sim.variables is not None else {}
    if den is not None and den[0] in numbers:
        factor = den[1] / numbers[den[0]][:, p]
    out: FloatArray = raw * factor
    return out, factor


def levers(sim: Simulator, unit: str, period: Period | None = None) -> list[Lever]:
    """The numeric raw values of ``unit`` (in ``period``, default: its latest) a build could
    change, each with the range the period observed, in the framework's order; only the values
    that can still get better.

    Examples
    --------
    >>> import polindex
    >>> d = polindex.load_index({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric"}],
    ...     "pipeline": {"steps": [{"step": "normalise", "method": "minmax"}]}})
    >>> sim = polindex.simulator(d, pd.DataFrame([("A", 2024, "q1", 1), ("A", 2024, "q2", 9),
    ...     ("B", 2024, "q1", 5), ("B", 2024, "q2", 3)], columns=["unit", "period", "indicator",
    ...     "value"]))
    >>> [(v.indicator, v.current, v.best, v.leader) for v in levers(sim, "A")]
    [('q1', 1.0, 5.0, 'B')]
    """
    if sim.mode != "built":
        raise ChangeError([f"{sim.framework.code} is not built by a pipeline"])
    u, p = sim.unit_index(unit), sim.period_index(unit, period)
    ds, sign = sim.dataset, sim.sign
    by = _denominators(sim)
    present = ds.present[:, p]
    out = []
    for i, ind in enumerate(sim.indicators):
        if ind.type != "numeric" or ds.not_applicable[u, p, i]:
            continue
        raw = ds.raw[:, p, i]
        if math.isnan(raw[u]):
            continue
        rates, factor = _rates(sim, p, i)
        den = by.get(ind.code)
        seen = present & ~np.isnan(rates)
        if not seen[u] or seen.sum() < 2:
            continue
        better = float(ind.direction) * sign  # +1: a larger value is better for the index
        lo, hi = float(np.nanmin(rates[seen])), float(np.nanmax(rates[seen]))
        best_rate = hi if better > 0 else lo
        leader = ds.units[int(np.flatnonzero(seen & (rates == best_rate))[0])]
        f = float(factor[u])
        best = _significant(best_rate / f, better)
        if better * (best - raw[u]) <= 0:
            continue
        low, high = sorted((lo / f, hi / f))
        out.append(Lever(ind.code, float(raw[u]), best, low, high, leader, den[0] if den else None))
    return out


def _figures(
    sim: Simulator, unit: str, p: int, base: Mapping[str, Answer], values: Mapping[str, float]
) -> tuple[FloatArray, FloatArray]:
    """Every node's score and rank (tree order) of ``unit`` with ``values`` (indicator → raw
    value) changed, the build rebuilt."""
    after = sim.apply(base, {c: number_text(v) for c, v in values.items()})
    return sim.rebuilt_figures(unit, p, after)


def recommend_built(
    sim: Simulator,
    unit: str,
    period: Period | None = None,
    *,
    level: str | None = None,
    per_group: int | None = 3,
) -> pd.DataFrame:
    """For a build: per group of ``level`` (default: the areas), the single values whose move to
    the best rate observed in the period raises the rebuilt index most, best first (at most
    ``per_group``; ``None``: all). Columns as :func:`~polindex.analysis.recommendations.recommend`
    (``current``, ``proposed``: raw values as text; ``step``: % of the observed range;
    ``effective_weight``: NaN, as gains do not add up in a build; ``units``: those whose rate is
    at least as good); a categorical or yes/no question is moved to each better answer.

    Examples
    --------
    >>> import polindex
    >>> d = polindex.load_index({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric"}],
    ...     "pipeline": {"steps": [{"step": "normalise", "method": "minmax",
    ...                             "params": {"low": 0, "high": 100}}]}})
    >>> sim = polindex.simulator(d, pd.DataFrame([("A", 2024, "q1", 1), ("A", 2024, "q2", 9),
    ...     ("B", 2024, "q1", 5), ("B", 2024, "q2", 3), ("C", 2024, "q1", 3),
    ...     ("C", 2024, "q2", 3)], columns=["unit", "period", "indicator", "value"]))
    >>> recommend_built(sim, "A")[["indicator", "proposed", "gain", "units"]].values.tolist()
    [['q1', '5', 50.0, ('B',)]]
    """
    from polindex.analysis.recommendations import _group_of, _ranked

    u, p = sim.unit_index(unit), sim.period_index(unit, period)
    groups = _group_of(sim, level)
    s, sign, ds = sim.structure, sim.sign, sim.dataset
    base = sim.answers(unit, ds.periods[p])
    now, _ = sim.rebuilt_figures(unit, p, base)
    root = s.root
    candidates: list[tuple[str, Answer, float, tuple[str, ...]]] = []
    for lever in levers(sim, unit, ds.periods[p]):
        ans = sim.apply(base, {lever.indicator: number_text(lever.best)})[lever.indicator]
        i = ds.indicators.index(lever.indicator)
        rates, _ = _rates(sim, p, i)
        mine = rates[u]
        better = float(sim.indicators[i].direction) * sign
        best_rate = float(np.nanmax(better * rates)) * better
        have = tuple(
            ds.units[k]
            for k in range(len(ds.units))
            if k != u and ds.present[k, p] and better * (rates[k] - best_rate) >= -1e-12 * abs(mine)
        )
        step = 100.0 * abs(lever.best - lever.current) / lever.span if lever.span else 0.0
        candidates.append((lever.indicator, ans, step, have))
    peers = [v for k, v in enumerate(ds.units) if k != u and ds.present[k, p]]
    for code, ans, continuous in improvements(sim, base):
        if not continuous:  # a better option or yes/no of a question the build scores as given
            given = tuple(v for v in peers if sim.answers(v, ds.periods[p])[code].text == ans.text)
            candidates.append((code, ans, abs(ans.score - base[code].score), given))
    rows: list[dict[str, object]] = []
    for code, ans, step, have in candidates:
        scores, _ = sim.rebuilt_figures(unit, p, sim.apply(base, {code: ans.text}))
        gain = float(scores[root] - now[root])
        if sign * gain <= 1e-12:
            continue
        g = s.index[groups[code]]
        rows.append(
            {
                "group": groups[code],
                "indicator": code,
                "current": base[code].text,
                "proposed": ans.text,
                "gain": gain,
                "group_gain": float(scores[g] - now[g]),
                "step": step,
                "effective_weight": np.nan,
                "units": have,
            }
        )
    return _ranked(sim, rows, per_group)


def _reaches(sim: Simulator, goal: Goal, y: int, scores: FloatArray, ranks: FloatArray) -> bool:
    if goal.kind == "rank":
        return not math.isnan(ranks[y]) and int(ranks[y]) <= int(goal.value)
    return not math.isnan(scores[y]) and goal.reached_by(sim.sign * float(scores[y]))


def _rounded(lever: Lever, value: float) -> float:
    """``value`` rounded to a thousandth of the lever's range, away from ``current`` (in the
    goal's favour)."""
    if not lever.span:
        return value
    unit = 10.0 ** math.floor(math.log10(lever.span / 1000))
    up = lever.best > lever.current
    out = (math.ceil if up else math.floor)(round(value / unit, 6)) * unit
    out = float(f"{out:.12g}")  # no 0.30000000000000004
    return min(out, lever.best) if up else max(out, lever.best)


def seek_built_goal(
    sim: Simulator,
    unit: str,
    node: str | None = None,
    *,
    band: str | None = None,
    rank: int | None = None,
    score: float | None = None,
    period: Period | None = None,
    limit: int = 5,
) -> GoalSeek:
    """For a build: the single raw values (within what the period observed, see :func:`levers`)
    whose smallest move gets ``unit`` to ``band``, ``rank`` or ``score`` in ``node`` (default:
    the index), the build rebuilt for each — smallest share of the observed range first, at
    most ``limit``. When no single value is enough, one proposal adds the values in order of
    their own gains until the goal is reached. ``exact`` is always false (a build's gains do
    not add up: a smaller set may exist), and ``notes`` says so; ranks are those of the
    rebuilt index (every unit moves).

    Examples
    --------
    >>> import polindex
    >>> d = polindex.load_index({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric"}],
    ...     "pipeline": {"steps": [{"step": "normalise", "method": "minmax",
    ...                             "params": {"low": 0, "high": 100}}]}})
    >>> sim = polindex.simulator(d, pd.DataFrame([("A", 2024, "q1", 1), ("A", 2024, "q2", 9),
    ...     ("B", 2024, "q1", 5), ("B", 2024, "q2", 3), ("C", 2024, "q1", 3),
    ...     ("C", 2024, "q2", 3)], columns=["unit", "period", "indicator", "value"]))
    >>> out = seek_built_goal(sim, "A", score=75)  # now 50 (q1 at the minimum, q2 at the top)
    >>> [(p.query(), p.score) for p in out.proposals]  # 4 is half-way up q1's new range 3–5
    [({'q1': '4'}, 75.0)]
    """
    if sim.mode != "built":
        raise ChangeError([f"{sim.framework.code} is not built by a pipeline"])
    if limit < 1:
        raise ChangeError([f"limit {limit}: give at least 1"])
    p, y = sim.period_index(unit, period), sim.node_index(node)
    goal = _goal(sim, unit, p, y, band, rank, score)
    base = sim.answers(unit, sim.dataset.periods[p])
    now, now_ranks = sim.rebuilt_figures(unit, p, base)
    s0 = float(now[y])
    if math.isnan(s0):
        code = sim.structure.codes[y]
        raise ChangeError([f"{code} has no score for {unit} in {sim.dataset.periods[p]}"])
    head = GoalSeek(
        unit, sim.dataset.periods[p], goal, s0, sim.bands_of(np.array([s0]))[0],
        None if math.isnan(now_ranks[y]) else int(now_ranks[y]), exact=False,
        notes=(
            "built by a pipeline: each proposal was checked by rebuilding the index, but gains "
            "do not add up, so a smaller set of changes may exist; values are kept within the "
            "range the period observed",
        ),
    )  # fmt: skip
    if _reaches(sim, goal, y, now, now_ranks):
        return replace(head, already=True)
    explored = 0
    tried: list[tuple[Lever, float, FloatArray, FloatArray]] = []
    singles: list[tuple[float, dict[str, float]]] = []
    for lever in levers(sim, unit, sim.dataset.periods[p]):
        scores, ranks = _figures(sim, unit, p, base, {lever.indicator: lever.best})
        explored += 1
        tried.append((lever, sim.sign * float(scores[y]), scores, ranks))
        if _reaches(sim, goal, y, scores, ranks):
            value, n = _smallest(sim, unit, p, y, goal, base, {}, lever)
            explored += n
            singles.append((abs(value - lever.current) / lever.span, {lever.indicator: value}))
    chosen = [moves for _, moves in sorted(singles, key=lambda t: t[0])[:limit]]
    if not chosen and tried:  # no one value is enough: add them by their own gains
        fixed: dict[str, float] = {}
        for lever, _, _, _ in sorted(tried, key=lambda t: -t[1]):
            scores, ranks = _figures(sim, unit, p, base, {**fixed, lever.indicator: lever.best})
            explored += 1
            if _reaches(sim, goal, y, scores, ranks):
                value, n = _smallest(sim, unit, p, y, goal, base, fixed, lever)
                explored += n
                chosen = [{**fixed, lever.indicator: value}]
                break
            fixed[lever.indicator] = lever.best
        else:
            best = _proposal(sim, unit, p, y, base, fixed) if fixed else None
            return replace(head, best=best, explored=explored)
    proposals = tuple(_proposal(sim, unit, p, y, base, moves) for moves in chosen)
    return replace(head, proposals=proposals, explored=explored)


def _smallest(
    sim: Simulator,
    unit: str,
    p: int,
    y: int,
    goal: Goal,
    base: Mapping[str, Answer],
    fixed: Mapping[str, float],
    lever: Lever,
) -> tuple[float, int]:
    """The smallest move of ``lever`` (with ``fixed`` values) that reaches ``goal`` (bisection,
    then rounded and checked), and the rebuilds it took."""
    lo, hi, n = 0.0, 1.0, 0
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2
        scores, ranks = _figures(sim, unit, p, base, {**fixed, lever.indicator: lever.at(mid)})
        n += 1
        if _reaches(sim, goal, y, scores, ranks):
            hi = mid
        else:
            lo = mid
    value = _rounded(lever, lever.at(hi))
    scores, ranks = _figures(sim, unit, p, base, {**fixed, lever.indicator: value})
    n += 1
    if not _reaches(sim, goal, y, scores, ranks):  # rounding lost it: the end reaches it
        value = lever.best
    return value, n


def _proposal(
    sim: Simulator,
    unit: str,
    p: int,
    y: int,
    base: Mapping[str, Answer],
    values: Mapping[str, float],
) -> Proposal:
    """A proposal of ``values`` (indicator → raw value), checked by a rebuild: each move's gain
    is what it adds alone, its step the share (%) of the observed range it moves."""
    spans = {v.indicator: v for v in levers(sim, unit, sim.dataset.periods[p])}
    after = sim.apply(base, {c: number_text(v) for c, v in values.items()})
    scores, ranks = sim.rebuilt_figures(unit, p, after)
    now, _ = sim.rebuilt_figures(unit, p, base)
    moves = []
    for code, value in values.items():
        alone, _ = _figures(sim, unit, p, base, {code: value})
        lever = spans[code]
        step = 100.0 * abs(value - lever.current) / lever.span if lever.span else 0.0
        moves.append(Move(base[code], after[code], sim.sign * float(alone[y] - now[y]), step))
    s1 = float(scores[y])
    return Proposal(
        tuple(moves),
        round(s1, RANK_DECIMALS),
        sim.bands_of(np.array([s1]))[0],
        None if math.isnan(ranks[y]) else int(ranks[y]),
    )


__all__ = ["Lever", "levers", "recommend_built", "seek_built_goal"]
