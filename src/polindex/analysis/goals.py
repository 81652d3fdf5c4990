"""Goal seeking: what would it take for a unit to reach a band, a rank or a score in a node?

:func:`seek_goal` returns the smallest sets of answer changes that get there — fewest changes
first, then the smallest step (the sum of how far each answer's indicator score moves) — each
checked by scoring the unit again, and each minimal (no change can be left out).

The method (docs/decisions/030-goal-seeking.md): under arithmetic aggregation, while no
answer becomes or stops being missing or N/A, a node's score is a weighted sum of its
indicators' scores with the unit's *effective weights* (each indicator's weight relative to
the siblings it is averaged with, multiplied up the tree). A change's gain is then its own,
whatever else changes, and the gains of a set add up. Each question's largest gain (its best
answer, under its effective weight) bounds what it can add, so a depth-first search over the
questions, sorted by that bound, stops a branch as soon as the largest gains of the questions
left cannot close the gap, or the smallest step they could take cannot beat the proposals
kept. The fewest changes needed is read off the sorted bounds directly. Numeric answers are a
continuum: within a set, the score still missing is taken from them in order of step per gain
(the exact optimum of that linear step), then rounded to the indicator's decimals.

Answers that switch another question on or off (an applicability rule's question) are not
additive; each combination of such changes is searched as its own starting point. Missing and
N/A answers are not changed (what a unit has not answered, or what does not apply to it, is
not a policy to propose). With another aggregation method on the way up (geometric, …) the
gains are not additive: the proposals are still checked exactly, but are not proven to be the
smallest (``exact`` is then false, and ``notes`` says why).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from polindex.analysis.answers import Answer, ChangeError, read_answer, score_number
from polindex.analysis.whatif import Simulator
from polindex.engine.dataset import Period
from polindex.engine.rank import RANK_DECIMALS
from polindex.engine.structure import FloatArray, Structure
from polindex.framework.models import Framework, Indicator

GoalKind = Literal["band", "rank", "score"]
MAX_CONTEXTS = 64
"""Most combinations of rule-switching changes searched as starting points."""
BUDGET = 2_000_000
"""Most search steps before the search stops with the best proposals found so far."""


def _oriented(sign: float, score: float) -> float:
    return round(sign * score, RANK_DECIMALS)


@dataclass(frozen=True)
class Goal:
    """What to reach: ``node``'s score in ``band`` (or a better one), at ``rank`` (or better), or
    at ``score`` (or better), given the index's polarity. ``threshold`` is the score to reach,
    times −1 when lower is better (``strict``: to pass, not to reach).

    Examples
    --------
    >>> g = Goal("T", "score", 60.0, 60.0)
    >>> g.reached_by(60.0), g.reached_by(59.99)
    (True, False)
    """

    node: str
    kind: GoalKind
    value: str | int | float
    threshold: float
    strict: bool = False

    def reached_by(self, oriented: float) -> bool:
        """Whether an oriented score (the score, times −1 when lower is better) reaches it."""
        z = round(oriented, RANK_DECIMALS)
        return z > self.threshold if self.strict else z >= self.threshold


@dataclass(frozen=True)
class Move:
    """One answer change of a proposal: its ``gain`` (what it adds to the node's score; the
    gains of a proposal add up under arithmetic aggregation) and ``step`` (how far the
    indicator's score moves)."""

    before: Answer
    after: Answer
    gain: float
    step: float


@dataclass(frozen=True)
class Proposal:
    """A set of answer changes and where it takes the node: ``score``, ``band`` and ``rank``."""

    moves: tuple[Move, ...]
    score: float
    band: str
    rank: int | None

    @property
    def size(self) -> int:
        """How many answers change."""
        return len(self.moves)

    @property
    def step(self) -> float:
        """The sum of the changes' steps."""
        return float(sum(m.step for m in self.moves))

    def query(self) -> dict[str, str]:
        """The changes as indicator → answer text (for :meth:`Simulator.simulate` or a link)."""
        return {m.after.indicator: m.after.text for m in self.moves}


@dataclass(frozen=True)
class GoalSeek:
    """The answer to "what would it take": the unit's current ``score``, ``band`` and ``rank``
    in the goal's node, the ``proposals`` (fewest changes first, then smallest step), and —
    when the goal cannot be reached (within ``max_changes``) — the ``best`` reachable.
    ``already``: the unit is there. ``exact`` says whether the proposals are proven the
    smallest; ``notes`` explains what was not searched; ``explored`` counts the search's steps.
    """

    unit: str
    period: Period
    goal: Goal
    score: float
    band: str
    rank: int | None
    proposals: tuple[Proposal, ...] = ()
    best: Proposal | None = None
    already: bool = False
    exact: bool = True
    notes: tuple[str, ...] = ()
    explored: int = 0

    @property
    def reachable(self) -> bool:
        """Whether some proposal reaches the goal (or it is reached already)."""
        return self.already or bool(self.proposals)


# -- candidates ----------------------------------------------------------------------------


@dataclass
class _Alt:
    answer: Answer
    gain: float  # oriented gain at the goal's node (> 0)
    step: float


@dataclass
class _Item:
    """One question that can improve: discrete alternatives (sorted by step) or, when
    ``continuous``, any score up to its best (``alts[0]``)."""

    code: str
    alts: list[_Alt]
    continuous: bool
    current: Answer

    @property
    def top(self) -> float:
        return max(a.gain for a in self.alts)

    @property
    def ratio(self) -> float:
        return min(a.step / a.gain for a in self.alts)

    @property
    def min_step(self) -> float:
        return 0.0 if self.continuous else min(a.step for a in self.alts)

    def best(self) -> _Alt:
        return max(self.alts, key=lambda a: a.gain)


def _best_score(fw: Framework, ind: Indicator, sign: float, scored: bool) -> float:
    """The best score an answer to a numeric (or scored) indicator can earn."""
    lo, hi = fw.scale.min, fw.scale.max
    if scored:
        return hi if sign > 0 else lo
    ends = [*(ind.bounds or ()), *(ind.goalposts or ())]
    if ind.bounds is not None:
        ends = [min(max(x, ind.bounds[0]), ind.bounds[1]) for x in ends]
    if not ends:
        return hi if sign > 0 else lo
    scores = [min(max(score_number(fw, ind, x), lo), hi) for x in ends]
    return max(scores) if sign > 0 else min(scores)


def _answer_for(fw: Framework, ind: Indicator, score: float, sign: float, scored: bool) -> Answer:
    """The answer (rounded to the indicator's decimals) whose score reaches at least ``score``
    in the better direction, with the smallest move."""
    lo, hi = fw.scale.min, fw.scale.max
    if scored:
        q = 10.0 ** (fw.decimals + 1)
        x = math.ceil(score * q - 1e-9) / q if sign > 0 else math.floor(score * q + 1e-9) / q
        return read_answer(fw, ind, min(max(x, lo), hi), "scored")
    if ind.goalposts is None:
        raw = score
    else:
        g0, g1 = ind.goalposts
        frac = (score - lo) / (hi - lo)
        raw = g0 + (1.0 - frac if ind.direction == -1 else frac) * (g1 - g0)
    q = 10.0**ind.decimals
    options = []
    for x in (math.floor(raw * q + 1e-9) / q, math.ceil(raw * q - 1e-9) / q):
        if ind.bounds is not None:
            x = min(max(x, ind.bounds[0]), ind.bounds[1])
        try:
            ans = read_answer(fw, ind, x)
        except ValueError:
            continue
        if round(sign * (ans.score - score), RANK_DECIMALS) >= 0:
            options.append(ans)
    if not options:
        return read_answer(fw, ind, raw)
    return min(options, key=lambda a: abs(a.score - score))


def improvements(
    sim: Simulator, answers: Mapping[str, Answer], codes: set[str] | None = None
) -> list[tuple[str, Answer, bool]]:
    """Every change that improves an answered question's own score (given the index's
    polarity), of the questions in ``codes`` (default: all): (code, new answer, continuous).
    Categorical: each better option; boolean: the other value if better; numeric (and scored
    data): the best value, ``continuous`` (any value between is possible too).

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "categorical", "options": [{"code": "a", "score": 100},
    ...         {"code": "b", "score": 50}, {"code": "c", "score": 0}]},
    ...     {"code": "q2", "type": "numeric", "bounds": [0, 48], "goalposts": [0, 24],
    ...      "direction": -1}]})
    >>> sim = polindex.simulator(fw, [("X", 2024, "q1", "c"), ("X", 2024, "q2", 12)])
    >>> [(c, a.text, cont) for c, a, cont in improvements(sim, sim.answers("X"))]
    [('q1', 'a', False), ('q1', 'b', False), ('q2', '0', True)]
    """
    fw, sign = sim.framework, sim.sign
    scored = sim.mode == "scored"
    out: list[tuple[str, Answer, bool]] = []
    for ind in fw.indicators:
        cur = answers[ind.code]
        if (codes is not None and ind.code not in codes) or not cur.answered:
            continue
        if scored or ind.type == "numeric":
            best = _best_score(fw, ind, sign, scored)
            if sign * (best - cur.score) > 0:
                out.append((ind.code, _answer_for(fw, ind, best, sign, scored), True))
        elif ind.type == "categorical":
            out += [
                (ind.code, read_answer(fw, ind, o.code), False)
                for o in ind.options
                if sign * (o.score - cur.score) > 0
            ]
        else:
            other = read_answer(fw, ind, cur.text != "true")
            if sign * (other.score - cur.score) > 0:
                out.append((ind.code, other, False))
    return out


def _controllers(fw: Framework) -> set[str]:
    return {i.applicable_if.indicator for i in fw.indicators if i.applicable_if is not None}


def _descendants(sim: Simulator, y: int) -> set[str]:
    s = sim.structure
    out = set()
    for i in range(s.n_indicators):
        k = i
        while k >= 0 and k != y:
            k = int(s.parent[k])
        if k == y:
            out.add(s.codes[i])
    return out


@dataclass
class _Context:
    """A starting point: the unit's answers after some rule-switching ``changes`` (``step``:
    how far they move), with the node's oriented score there and the linear candidates."""

    changes: dict[str, str]
    answers: dict[str, Answer]
    oriented: float
    step: float
    items: list[_Item]
    prefix: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.items.sort(key=lambda it: -it.top)
        self.prefix = [0.0, *itertools.accumulate(it.top for it in self.items)]


Pick = tuple[_Item, _Alt, float]
"""A change in a kept set: the question, the alternative, and the gain taken from it."""
Kept = tuple[float, int, list[Pick], _Context]
"""A kept set: its total step, its order of discovery, its changes and starting point."""


class _Search:
    """The candidates and starting points of one goal, and the branch-and-bound search."""

    def __init__(self, sim: Simulator, unit: str, p: int, y: int, goal: Goal) -> None:
        self.sim, self.unit, self.p, self.y, self.goal = sim, unit, p, y, goal
        self.fw = sim.framework
        self.sign = sim.sign
        self.base = sim.answers(unit, sim.dataset.periods[p])
        self.scored = sim.mode == "scored"
        self.under = _descendants(sim, y)
        self.controllers = _controllers(self.fw) if not self.scored else set()
        self.notes: list[str] = []
        self.exact = True
        self.explored = 0
        self.position = {c: k for k, c in enumerate(sim.dataset.indicators)}

    def scores(self, settings: Sequence[Mapping[str, Answer]]) -> FloatArray:
        """Every node's score (setting, node) for complete sets of answers."""
        states = [self.sim.state(a) for a in settings]
        return self.sim.node_scores(
            np.array([v for v, _ in states]), np.array([n for _, n in states])
        )

    def alternatives(
        self, answers: Mapping[str, Answer], skip: set[str]
    ) -> tuple[list[tuple[str, Answer, bool]], list[tuple[str, Answer]]]:
        """Improving changes (see :func:`improvements`) of the questions below the goal's node:
        (code, answer, continuous) that leave every other answer as it is, and (code, answer)
        of rule-switching changes."""
        linear: list[tuple[str, Answer, bool]] = []
        switching: list[tuple[str, Answer]] = []
        for code, ans, continuous in improvements(self.sim, answers, self.under - skip):
            if code in self.controllers:
                new = self.sim.apply(answers, {code: ans})
                if any(new[c].text != answers[c].text for c in new if c != code):
                    switching.append((code, ans))
                    continue
            linear.append((code, ans, continuous))
        return linear, switching

    def context(self, changes: dict[str, str]) -> _Context:
        """The starting point after rule-switching ``changes``, with its linear candidates,
        each one's gain measured by scoring the unit with that change alone."""
        answers = self.base
        if changes:
            answers = self.sim.apply(self.base, changes)
        linear, _ = self.alternatives(answers, set(changes))
        values, na = self.sim.state(answers)
        rows = np.repeat(values[None], len(linear) + 1, axis=0)
        for k, (code, ans, _) in enumerate(linear, start=1):
            rows[k, self.position[code]] = ans.score
        scores = self.sim.node_scores(rows, na)[:, self.y]
        z0 = self.sign * float(scores[0])
        by_code: dict[str, _Item] = {}
        for k, (code, ans, continuous) in enumerate(linear, start=1):
            gain = self.sign * float(scores[k]) - z0
            if gain <= 1e-12:
                continue  # no effect on this node (a weight of zero)
            item = by_code.setdefault(code, _Item(code, [], continuous, answers[code]))
            item.alts.append(_Alt(ans, gain, abs(ans.score - answers[code].score)))
        for item in by_code.values():
            item.alts.sort(key=lambda a: (a.step, -a.gain))
        step = sum(_step(self.base[c], answers[c]) for c in changes)
        return _Context(changes, answers, z0, step, list(by_code.values()))

    def contexts(self) -> list[_Context]:
        """The plain starting point and one per combination of rule-switching changes."""
        _, switching = self.alternatives(self.base, set())
        per: dict[str, list[str | None]] = {}
        for code, ans in switching:
            per.setdefault(code, [None]).append(ans.text)
        combos = list(itertools.product(*per.values()))
        if len(combos) > MAX_CONTEXTS:
            self.exact = False
            self.notes.append(
                f"{len(combos):,} combinations of answers that switch questions on or off: "
                "one such change at a time was searched"
            )
            combos = [tuple(None for _ in per)]
            for k, options in enumerate(per.values()):
                for text in options[1:]:
                    combos.append(tuple(text if j == k else None for j in range(len(per))))
        return [
            self.context({c: t for c, t in zip(per, combo, strict=True) if t is not None})
            for combo in combos
        ]

    def fewest(self, ctx: _Context, cap: int | None) -> int | None:
        """The fewest linear changes with which ``ctx`` reaches the goal (``None``: none): the
        gains sorted, largest first, read off until they close the gap."""
        top = len(ctx.items) if cap is None else min(cap, len(ctx.items))
        for r in range(top + 1):
            if self.goal.reached_by(ctx.oriented + ctx.prefix[r]):
                return r
        return None

    def search(
        self, ctx: _Context, r: int, kept: list[Kept], limit: int, seq: Iterator[int]
    ) -> None:
        """Every minimal set of ``r`` linear changes of ``ctx`` that reaches the goal with a
        smaller step than the ``limit`` sets ``kept`` (sorted by step), into ``kept``.

        Questions are taken in order, each changed (to one of its alternatives) or not; a
        branch is followed only while the questions left can still close the gap with the
        changes left at a step that beats the kept sets: :func:`_fronts` says exactly how much
        they can add for each step (numeric answers count as no step there, a lower bound:
        their step is set at the leaf, where the gap still open is taken from them in order of
        step per gain)."""
        items, goal = ctx.items, self.goal
        n = len(items)
        if r > n:
            return
        z0 = ctx.oriented
        need = goal.threshold - z0 + (1e-9 if goal.strict else 0.0)
        fronts = _fronts(items, r)
        chosen: list[tuple[_Item, _Alt]] = []

        def worst() -> float:
            return kept[-1][0] if len(kept) >= limit else math.inf

        def leaf(gain: float, dgain: float, dstep: float) -> None:
            if not goal.reached_by(z0 + gain):
                return
            # minimal: without its least gain, the set falls short
            if chosen and goal.reached_by(z0 + gain - min(a.gain for _, a in chosen)):
                return
            taken = {id(it): alt.gain for it, alt in chosen}
            step = dstep + ctx.step
            missing = need - dgain
            for it, alt in sorted((c for c in chosen if c[0].continuous), key=lambda c: c[0].ratio):
                take = min(alt.gain, missing)
                if take <= 1e-12:
                    return  # not needed: the set is not minimal
                taken[id(it)] = take
                missing -= take
                step += alt.step * take / alt.gain
            if step >= worst() - 1e-9:
                return
            picks = [(it, alt, taken[id(it)]) for it, alt in chosen]
            bisect.insort(kept, (step, next(seq), picks, ctx), key=lambda e: (e[0], e[1]))
            del kept[limit:]

        def dfs(j: int, depth: int, gain: float, dgain: float, dstep: float) -> None:
            self.explored += 1
            if self.explored > BUDGET:
                return
            if depth == r:
                leaf(gain, dgain, dstep)
                return
            least = _least_step(fronts[j], r - depth, need - gain)
            if dstep + least + ctx.step >= worst() - 1e-9:
                return  # the questions left cannot close the gap at a smaller step
            item = items[j]
            for alt in item.alts:
                chosen.append((item, alt))
                if item.continuous:
                    dfs(j + 1, depth + 1, gain + alt.gain, dgain, dstep)
                else:
                    dfs(j + 1, depth + 1, gain + alt.gain, dgain + alt.gain, dstep + alt.step)
                chosen.pop()
            dfs(j + 1, depth, gain, dgain, dstep)

        dfs(0, 0, 0.0, 0.0, 0.0)


Front = dict[int, tuple[FloatArray, FloatArray]]
"""Per number of changes: the steps (ascending) and the largest gains they allow."""


def _fronts(items: Sequence[_Item], r: int) -> list[Front]:
    """For each ``j``, what the questions from ``j`` on can do with each number of changes
    (up to ``r``): the Pareto front of (step, largest gain). A dynamic programme from the last
    question back, one array operation per question; a numeric answer counts as no step (so
    the fronts bound the step from below)."""
    rows = np.zeros((1, 3))  # number of changes, step, gain
    out: list[Front] = [_split(rows)]
    total = sum(it.top for it in items) + 1.0
    for item in reversed(items):
        parts = [rows]
        room = rows[rows[:, 0] < r]
        for alt in item.alts:
            parts.append(room + np.array([1.0, 0.0 if item.continuous else alt.step, alt.gain]))
        rows = np.concatenate(parts)
        order = np.lexsort((-rows[:, 2], rows[:, 1], rows[:, 0]))
        rows = rows[order]
        level = rows[:, 2] + rows[:, 0] * total  # each number of changes above the one before
        before = np.maximum.accumulate(np.concatenate([[-np.inf], level[:-1]]))
        rows = rows[level > before + 1e-12]  # keep what adds gain for its step
        out.append(_split(rows))
    return out[::-1]


def _split(rows: FloatArray) -> Front:
    """Rows sorted by number of changes, as one (steps, gains) pair of views per number."""
    edges = np.searchsorted(rows[:, 0], np.arange(int(rows[-1, 0]) + 2) - 0.5)
    return {
        c: (rows[a:b, 1], rows[a:b, 2])
        for c, (a, b) in enumerate(itertools.pairwise(edges.tolist()))
        if b > a
    }


def _least_step(front: Front, changes: int, gap: float) -> float:
    """The least step with which ``changes`` changes from a front add at least ``gap``."""
    got = front.get(changes)
    if got is None:
        return math.inf
    steps, gains = got
    k = int(np.searchsorted(gains, gap - 1e-9))
    return float(steps[k]) if k < len(steps) else math.inf


def _step(before: Answer, after: Answer) -> float:
    """How far an answer's indicator score moves (0 when either has no score)."""
    return abs(after.score - before.score) if before.answered and after.answered else 0.0


def _goal(
    sim: Simulator,
    unit: str,
    p: int,
    y: int,
    band: str | None,
    rank: int | None,
    score: float | None,
) -> Goal:
    fw, sign = sim.framework, sim.sign
    node = sim.structure.codes[y]
    given = [k for k, v in (("band", band), ("rank", rank), ("score", score)) if v is not None]
    if len(given) != 1:
        raise ChangeError(["give one goal: a band, a rank or a score"])
    if score is not None:
        if not (math.isfinite(score) and fw.scale.min <= score <= fw.scale.max):
            raise ChangeError(
                [f"score {score:g} is outside the index scale {fw.scale.min:g}–{fw.scale.max:g}"]
            )
        return Goal(node, "score", float(score), _oriented(sign, score))
    if band is not None:
        bands = sorted(fw.bands, key=lambda b: b.min)
        codes = [b.code for b in bands]
        if band not in codes:
            raise ChangeError(
                [f"no band {band!r} in {fw.code} (bands: {', '.join(codes) or 'none'})"]
            )
        j = codes.index(band)
        if sign > 0:
            return Goal(node, "band", band, _oriented(sign, bands[j].min))
        if j == len(bands) - 1:
            return Goal(node, "band", band, -math.inf)
        return Goal(node, "band", band, _oriented(sign, bands[j + 1].min), strict=True)
    assert rank is not None
    res = sim.results
    ru = res.units.index(unit)
    group = res.peers[ru]
    if group < 0:
        raise ChangeError([f"{unit} is not ranked (it is not compared with the countries)"])
    lane = res.aggregation.planes[y, 0, p, :]
    others = sorted(
        (
            _oriented(sign, float(lane[k]))
            for k in range(len(res.units))
            if k != ru and res.peers[k] == group and not math.isnan(lane[k])
        ),
        reverse=True,
    )
    if not (isinstance(rank, int | np.integer) and 1 <= rank <= len(others) + 1):
        raise ChangeError([f"rank {rank}: give a whole number from 1 to {len(others) + 1}"])
    threshold = others[rank - 1] if rank <= len(others) else -math.inf
    return Goal(node, "rank", int(rank), threshold)


def seek_goal(
    sim: Simulator,
    unit: str,
    node: str | None = None,
    *,
    band: str | None = None,
    rank: int | None = None,
    score: float | None = None,
    period: Period | None = None,
    limit: int = 5,
    max_changes: int | None = None,
) -> GoalSeek:
    """What it would take for ``unit`` to reach ``band``, ``rank`` or ``score`` (one of them)
    in ``node`` (default: the index) in ``period`` (default: its latest): the smallest sets of
    answer changes, fewest changes first, then smallest step — at most ``limit``, and
    ``max_changes`` changes each. Other units keep their official scores.

    Raises :class:`~polindex.analysis.answers.ChangeError` for an unknown unit, period, node or
    band, a goal out of range, or an index built by a pipeline (whose scores depend on every
    unit: use the what-if simulator there).

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": f"q{k}", "type": "categorical", "weight": k, "options": [
    ...         {"code": "a", "score": 100}, {"code": "b", "score": 50}, {"code": "c", "score": 0}]}
    ...     for k in (1, 2, 3)]})
    >>> sim = polindex.simulator(fw, [("X", 2024, "q1", "c"), ("X", 2024, "q2", "c"),
    ...                               ("X", 2024, "q3", "b")])
    >>> out = seek_goal(sim, "X", score=60, limit=3)  # now 25: q3 weighs 3/6, q2 2/6, q1 1/6
    >>> for p in out.proposals:
    ...     print(p.query(), p.step, round(p.score, 2))
    {'q3': 'a', 'q2': 'b'} 100.0 66.67
    {'q2': 'a', 'q3': 'a'} 150.0 83.33
    {'q2': 'a', 'q1': 'b'} 150.0 66.67
    """
    if sim.mode == "built":
        raise ChangeError(
            [
                f"{sim.framework.code} is built by a construction pipeline: each unit's scores "
                "depend on every unit's data, so goals cannot be sought answer by answer; try "
                "changes in the what-if simulator"
            ]
        )
    if limit < 1:
        raise ChangeError([f"limit {limit}: give at least 1"])
    u, p, y = sim.unit_index(unit), sim.period_index(unit, period), sim.node_index(node)
    goal = _goal(sim, unit, p, y, band, rank, score)
    search = _Search(sim, unit, p, y, goal)
    now = search.scores([search.base])
    s0 = float(now[0, y])
    if math.isnan(s0):
        code = sim.structure.codes[y]
        raise ChangeError([f"{code} has no score for {unit} in {sim.dataset.periods[p]}"])
    rank0 = sim.ranks_among(u, p, now)[0, y]
    head = GoalSeek(
        unit,
        sim.dataset.periods[p],
        goal,
        s0,
        sim.bands_of(np.array([s0]))[0],
        None if math.isnan(rank0) else int(rank0),
    )
    if goal.reached_by(sim.sign * s0):
        return replace(head, already=True)
    _check_additive(search)
    contexts = search.contexts()
    fewest = []
    for ctx in contexts:
        cap = None if max_changes is None else max_changes - len(ctx.changes)
        r = search.fewest(ctx, cap) if cap is None or cap >= 0 else None
        if r is not None:
            fewest.append(len(ctx.changes) + r)
    proposals: list[Proposal] = []
    for k in (min(fewest), min(fewest) + 1) if fewest else ():
        if len(proposals) >= limit or (max_changes is not None and k > max_changes):
            break
        kept: list[Kept] = []
        seq = itertools.count()
        for ctx in contexts:
            if k >= len(ctx.changes):
                search.search(ctx, k - len(ctx.changes), kept, limit, seq)
        proposals += _proposals(search, kept, limit - len(proposals))
    if search.explored > BUDGET:
        search.exact = False
        search.notes.append(
            f"the search stopped after {BUDGET:,} steps: these are the best proposals found"
        )
    return replace(
        head,
        proposals=tuple(proposals),
        best=None if proposals else _best_reachable(search, contexts, max_changes),
        exact=search.exact,
        notes=tuple(search.notes),
        explored=search.explored,
    )


def _check_additive(search: _Search) -> None:
    """Note (and mark inexact) a goal whose node aggregates otherwise than arithmetically."""
    s = search.sim.structure
    methods = s.methods()
    names = {
        str(methods[s.codes[k]])
        for k in range(s.n_indicators, s.n_nodes)
        if _within(s, k, search.y) and methods[s.codes[k]].name != "arithmetic"
    }
    if names:
        search.exact = False
        search.notes.append(
            f"{', '.join(sorted(names))} aggregation is not additive: each proposal is checked, "
            "but a smaller one may exist"
        )


def _within(structure: Structure, k: int, y: int) -> bool:
    """Whether node ``k`` is ``y`` or below it."""
    while k >= 0:
        if k == y:
            return True
        k = int(structure.parent[k])
    return False


def _materialise(search: _Search, ctx: _Context, picks: list[Pick]) -> dict[str, Answer]:
    """The answers a set sets: its starting point's changes and each pick (a numeric one at
    the score its share of the gain needs)."""
    fw, sign = search.fw, search.sign
    out = {c: ctx.answers[c] for c in ctx.changes}
    for item, alt, gain in picks:
        if item.continuous and gain < alt.gain - 1e-12:
            cur = item.current.score
            needed = cur + (alt.answer.score - cur) * gain / alt.gain
            ind = fw.find(item.code)
            assert isinstance(ind, Indicator)
            out[item.code] = _answer_for(fw, ind, needed, sign, search.scored)
        else:
            out[item.code] = alt.answer
    return out


def _proposals(search: _Search, kept: list[Kept], limit: int) -> list[Proposal]:
    """The kept sets as proposals, each scored again with and without each of its changes:
    only sets that reach the goal and need every change are kept."""
    out: list[Proposal] = []
    for _, _, picks, ctx in kept:
        if len(out) >= limit:
            break
        proposal = _proposal(search, _materialise(search, ctx, picks), check=True)
        if proposal is not None:
            out.append(proposal)
    return out


def _proposal(search: _Search, setting: Mapping[str, Answer], check: bool) -> Proposal | None:
    """The proposal that sets ``setting``, scored; with ``check``, ``None`` unless it reaches
    the goal and needs every change."""
    sim, y, goal = search.sim, search.y, search.goal
    texts = dict(setting)
    variants = [texts] + [{c: t} for c, t in texts.items()]
    if check:
        variants += [{c: t for c, t in texts.items() if c != drop} for drop in texts]
    settings = [search.base] + [sim.apply(search.base, v) for v in variants]
    scores = search.scores(settings)
    z = search.sign * scores[:, y]
    k = len(texts)
    if check and (
        not goal.reached_by(float(z[1])) or any(goal.reached_by(float(v)) for v in z[2 + k :])
    ):
        return None
    after = settings[1]
    moves = [
        Move(search.base[c], after[c], float(scores[2 + j, y] - scores[0, y]),
             _step(search.base[c], after[c]))
        for j, c in enumerate(texts)
    ]  # fmt: skip
    moves.sort(key=lambda m: (-search.sign * m.gain, search.position[m.after.indicator]))
    rank = sim.ranks_among(sim.unit_index(search.unit), search.p, scores[1:2])[0, y]
    return Proposal(
        tuple(moves),
        float(scores[1, y]),
        sim.bands_of(scores[1:2, y])[0],
        None if math.isnan(rank) else int(rank),
    )


def _best_reachable(
    search: _Search, contexts: list[_Context], max_changes: int | None
) -> Proposal | None:
    """The furthest the node can get (within ``max_changes``): from each starting point, its
    largest gains; ``None`` when no change helps."""
    best: tuple[float, int, _Context, int] | None = None
    for ctx in contexts:
        cap = len(ctx.items) if max_changes is None else max_changes - len(ctx.changes)
        if cap < 0:
            continue
        r = min(cap, len(ctx.items))
        key = (round(ctx.oriented + ctx.prefix[r], RANK_DECIMALS), -(r + len(ctx.changes)))
        if best is None or key > best[:2]:
            best = (*key, ctx, r)
    if best is None or best[1] == 0:
        return None
    ctx, r = best[2], best[3]
    picks = [(it, it.best(), it.best().gain) for it in ctx.items[:r]]
    return _proposal(search, _materialise(search, ctx, picks), check=False)


__all__ = ["Goal", "GoalSeek", "Move", "Proposal", "improvements", "seek_goal"]
