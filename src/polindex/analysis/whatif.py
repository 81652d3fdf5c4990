"""The what-if simulator: change a unit's answers and see every node's new score, rank, band and
change beside the official figures.

A :class:`Simulator` holds an index ready for questions: its official results and the data
they were computed from. For an index scored from its answers (or from given scores) each
unit's scores depend on its own answers only, so a what-if aggregates that one unit again —
the other units keep their official scores, against which the new ranks are counted. An index
built by a construction pipeline (whose normalisation, imputation or screening look at every
unit) is rebuilt whole with the changed data; when its definition has an uncertainty design,
the unit's rank interval is recomputed too, by replaying the same design (its cost is the
analysis's: a few milliseconds per hundred replications).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from polindex.analysis.answers import (
    NA,
    Answer,
    ChangeError,
    Mode,
    apply_changes,
    number_text,
)
from polindex.engine.aggregate import aggregate
from polindex.engine.compute import compute
from polindex.engine.dataset import Dataset, Period, Variables
from polindex.engine.pipeline import Plan, plan_pipeline, run_pipeline
from polindex.engine.rank import RANK_DECIMALS, band_index, rank_scores
from polindex.engine.results import Results
from polindex.engine.structure import FloatArray, Structure
from polindex.engine.weights import weights_from_mapping
from polindex.framework.definition import IndexDefinition
from polindex.framework.models import Framework, Indicator
from polindex.framework.pipeline import Pipeline
from polindex.framework.uncertainty import Uncertainty

if TYPE_CHECKING:
    from polindex.analysis.uncertainty import Evaluation
    from polindex.api import Inputs

BoolArray = npt.NDArray[np.bool_]


def _listing(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names):,} in all)" if len(names) > limit else "")


@dataclass(frozen=True)
class Simulator:
    """An index ready for what-if questions: the official ``results`` and the data they came from.

    ``mode`` says what the data are (see :data:`~polindex.analysis.answers.Mode`); ``dataset``
    is what the engine read (for a build: the raw numbers before the pipeline, with
    ``pipeline`` and ``variables``); ``table`` the long input table, whose texts name the
    options chosen; ``uncertainty`` the design whose rank intervals a what-if recomputes.
    Make one with :meth:`of` (or :func:`polindex.simulator`) and ask it many questions.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "categorical", "options": [{"code": "a", "score": 100},
    ...         {"code": "b", "score": 50}, {"code": "c", "score": 0}]},
    ...     {"code": "q2", "type": "boolean"}]})
    >>> sim = polindex.simulator(fw, [("X", 2024, "q1", "b"), ("X", 2024, "q2", "no"),
    ...                               ("Y", 2024, "q1", "a"), ("Y", 2024, "q2", "no")])
    >>> out = sim.simulate("X", {"q1": "a", "q2": "yes"})
    >>> out.row()["score"], out.row()["new_score"], out.row()["rank"], out.row()["new_rank"]
    (25.0, 100.0, 2, 1)
    """

    results: Results
    mode: Mode
    dataset: Dataset
    pipeline: Pipeline | None = None
    variables: Variables | None = None
    uncertainty: Uncertainty | None = None
    table: pd.DataFrame | None = field(default=None, repr=False)

    @classmethod
    def of(
        cls, definition: IndexDefinition, inputs: Inputs, results: Results | None = None
    ) -> Simulator:
        """The simulator of ``definition`` on ``inputs`` (read with
        :func:`polindex.read_inputs`); ``results``, when already computed from them, are
        reused."""
        fw = definition.framework
        if inputs.built:
            pipe = definition.require_pipeline()
            if results is None:
                results = run_pipeline(
                    fw, inputs.dataset, pipe, inputs.variables, inputs=inputs.table
                )
            return cls(
                results,
                "built",
                inputs.dataset,
                pipe,
                inputs.variables,
                definition.uncertainty,
                inputs.table,
            )
        if results is None:
            results = compute(fw, inputs.dataset, inputs=inputs.table)
        mode: Mode = "scored" if inputs.scored else "answers"
        return cls(results, mode, inputs.dataset, table=inputs.table)

    # -- what the index is -----------------------------------------------------------------
    @property
    def framework(self) -> Framework:
        return self.results.framework

    @property
    def structure(self) -> Structure:
        """The compiled tree with the aggregation methods the results used."""
        return self.results.structure

    @cached_property
    def indicators(self) -> list[Indicator]:
        """The framework's indicators, in the data's order."""
        return self.framework.indicators

    @cached_property
    def edge_weights(self) -> FloatArray:
        """The weights the results used, on ``structure.edges``."""
        return weights_from_mapping(self.structure, self.results.weights_used.given)

    @cached_property
    def plan(self) -> Plan | None:
        """The compiled pipeline of a build (``None`` otherwise)."""
        if self.pipeline is None:
            return None
        return plan_pipeline(self.framework, self.pipeline)

    @cached_property
    def band_minimums(self) -> FloatArray:
        return np.array(sorted(b.min for b in self.framework.bands), dtype=np.float64)

    @cached_property
    def band_codes(self) -> list[str]:
        """Band codes by :func:`~polindex.engine.rank.band_index` (the last entry: no band)."""
        return [b.code for b in sorted(self.framework.bands, key=lambda b: b.min)] + [""]

    @property
    def sign(self) -> float:
        """+1 when a higher score is better, −1 otherwise."""
        return 1.0 if self.framework.higher_is_better else -1.0

    # -- where -----------------------------------------------------------------------------
    def unit_index(self, unit: str) -> int:
        """Position of ``unit`` in the data; :class:`ChangeError` naming it if unknown."""
        try:
            return self.dataset.units.index(unit)
        except ValueError:
            raise ChangeError(
                [
                    f"unit {unit!r} is not in the data of {self.framework.code} "
                    f"(units: {_listing(list(self.dataset.units))})"
                ]
            ) from None

    def period_index(self, unit: str, period: Period | None = None) -> int:
        """Position of ``period`` (default: the latest in which ``unit`` has data)."""
        u = self.unit_index(unit)
        periods = self.dataset.periods
        if period is None:
            present = np.flatnonzero(self.dataset.present[u])
            return int(present[-1])
        for i, p in enumerate(periods):
            if str(p) == str(period):
                if not self.dataset.present[u, i]:
                    raise ChangeError([f"{unit} has no data in {period}"])
                return i
        known = _listing([str(p) for p in periods])
        raise ChangeError([f"period {period!r} is not in the data (periods: {known})"])

    def node_index(self, node: str | None) -> int:
        """Position of ``node`` in the tree (default: the index)."""
        if node is None:
            return self.structure.root
        try:
            return self.structure.index[node]
        except KeyError:
            raise ChangeError([f"no node {node!r} in {self.framework.code}"]) from None

    # -- answers ---------------------------------------------------------------------------
    @cached_property
    def _option_texts(self) -> dict[tuple[str, str, str], str]:
        """(unit, period, indicator) → the option code given, for categorical indicators."""
        if self.table is None or self.table.empty:
            return {}
        categorical = {i.code for i in self.framework.indicators if i.type == "categorical"}
        t = self.table[self.table["indicator"].isin(categorical)]
        return {
            (str(u), str(p), str(i)): str(v).strip()
            for u, p, i, v in t[["unit", "period", "indicator", "value"]].to_numpy()
        }

    def answers(self, unit: str, period: Period | None = None) -> dict[str, Answer]:
        """The answers of ``unit`` in ``period`` (default: its latest), by indicator.

        Examples
        --------
        >>> import polindex
        >>> fw = polindex.load_framework({"code": "T", "name": "T", "indicators": [
        ...     {"code": "q", "type": "numeric", "goalposts": [0, 10]}]})
        >>> polindex.simulator(fw, [("X", 2024, "q", 4)]).answers("X")["q"]
        Answer(indicator='q', text='4', score=40.0, raw=4.0)
        """
        u, p = self.unit_index(unit), self.period_index(unit, period)
        known = self._answers.get((u, p))
        if known is not None:
            return dict(known)
        texts = self._option_texts
        out: dict[str, Answer] = {}
        period_text = str(self.dataset.periods[p])
        ds = self.dataset
        rows = zip(
            self.indicators,
            ds.values[u, p].tolist(),
            ds.raw[u, p].tolist(),
            ds.not_applicable[u, p].tolist(),
            strict=True,
        )
        for ind, score, raw, na in rows:
            if na:
                out[ind.code] = Answer(ind.code, NA)
            elif math.isnan(score):
                out[ind.code] = Answer(ind.code, "")
            else:
                text = self._text(ind, raw, texts.get((unit, period_text, ind.code)))
                out[ind.code] = Answer(ind.code, text, score, raw)
        self._answers[(u, p)] = out
        return dict(out)

    @cached_property
    def _answers(self) -> dict[tuple[int, int], dict[str, Answer]]:
        """Answers read so far, by (unit, period) position (they never change)."""
        return {}

    def _text(self, ind: Indicator, raw: float, given: str | None) -> str:
        if self.mode == "scored" or ind.type == "numeric":
            return number_text(raw)
        if ind.type == "boolean":
            return "true" if raw == 1.0 else "false"
        if given is not None:  # the option code given (checked when the data were read)
            return given
        return next((o.code for o in ind.options if o.score == raw), number_text(raw))

    def change_answers(
        self, unit: str, changes: Mapping[str, Any], period: Period | None = None
    ) -> tuple[dict[str, Answer], dict[str, Answer], list[str]]:
        """The unit's answers before and after ``changes``, and their consequences (see
        :func:`~polindex.analysis.answers.apply_changes`); :class:`ChangeError` lists every
        problem."""
        p = self.period_index(unit, period)
        before = self.answers(unit, self.dataset.periods[p])
        where = f"{unit}, {self.dataset.periods[p]}"
        after, notes = apply_changes(self.framework, before, changes, mode=self.mode, where=where)
        return before, after, notes

    def apply(self, answers: Mapping[str, Answer], changes: Mapping[str, Any]) -> dict[str, Answer]:
        """``answers`` with ``changes`` made, consequences included, read as this index reads
        its data (see :func:`~polindex.analysis.answers.apply_changes`)."""
        return apply_changes(self.framework, answers, changes, mode=self.mode)[0]

    # -- scoring one unit ------------------------------------------------------------------
    def state(self, answers: Mapping[str, Answer]) -> tuple[FloatArray, BoolArray]:
        """Indicator values and N/A flags, in the framework's order, of a set of answers."""
        codes = self.dataset.indicators
        values = np.array([answers[c].score for c in codes], dtype=np.float64)
        na = np.array([answers[c].not_applicable for c in codes], dtype=bool)
        return values, na

    def node_scores(self, values: FloatArray, na: BoolArray) -> FloatArray:
        """Every node's score for each row of ``values`` (states, indicator) — one unit's
        alternative answers — with N/A flags ``na`` (indicator,) shared by every row or
        (state, indicator); shape (state, node). Only for an index scored unit by unit (not a
        build, whose scores depend on every unit)."""
        x = np.atleast_2d(np.asarray(values, dtype=np.float64))
        flags = np.asarray(na, dtype=bool)
        out = np.empty((len(x), self.structure.n_nodes))
        if flags.ndim == 1:
            groups = [(flags, np.arange(len(x)))]
        else:
            keys, inverse = np.unique(flags, axis=0, return_inverse=True)
            groups = [(keys[g], np.flatnonzero(inverse.ravel() == g)) for g in range(len(keys))]
        for mask, rows in groups:
            vals = np.where(mask, np.nan, x[rows])
            agg = aggregate(
                self.structure, vals[:, None, None, :], mask[None, None, :], self.edge_weights
            )
            out[rows] = agg.scores[:, 0, 0, :]
        return out

    def ranks_among(self, u: int, p: int, scores: FloatArray) -> FloatArray:
        """Ranks of unit ``u`` for each row of ``scores`` (state, node): its new scores ranked
        among the other units' official scores in period ``p``, node by node."""
        res = self.results
        ru = res.units.index(self.dataset.units[u])
        planes = np.array(res.aggregation.planes[:, 0, p, :])  # (node, unit)
        states = np.atleast_2d(scores)
        lanes = np.repeat(planes[None], len(states), axis=0)  # (state, node, unit)
        lanes[:, :, ru] = states
        ranks = rank_scores(
            lanes,
            self.framework.higher_is_better,
            axis=-1,
            ties=res.ties,
            peers=res.peers,
        )
        out: FloatArray = ranks[:, :, ru]
        return out

    def bands_of(self, scores: FloatArray) -> list[str]:
        """The band code of each score (``""``: none)."""
        idx = band_index(
            np.round(np.asarray(scores, dtype=np.float64), RANK_DECIMALS), self.band_minimums
        )
        return [self.band_codes[int(k)] for k in np.ravel(idx)]

    # -- the what-if -----------------------------------------------------------------------
    def simulate(
        self,
        unit: str,
        changes: Mapping[str, Any],
        period: Period | None = None,
        *,
        intervals: bool = True,
    ) -> WhatIf:
        """Every node's new score, rank, band and change for ``unit`` with ``changes``
        (indicator → option code, ``true``/``false``, number, ``"n/a"``, or ``None`` for no
        answer), beside the official figures; with ``intervals`` and an uncertainty design
        (a build), the unit's rank interval is recomputed.

        Raises :class:`~polindex.analysis.answers.ChangeError` naming every unknown unit,
        period, indicator or option and every value that cannot be given.
        """
        u, p = self.unit_index(unit), self.period_index(unit, period)
        before, after, notes = self.change_answers(unit, changes, self.dataset.periods[p])
        official = self._official(unit, p)
        if self.mode == "built":
            new, new_prev, interval_pair = self._rebuilt(unit, p, after, intervals)
        else:
            values, na = self.state(after)
            new_scores = self.node_scores(values[None], na)
            new_ranks = self.ranks_among(u, p, new_scores)[0]
            new = (new_scores[0], new_ranks)
            new_prev = official[2]
            interval_pair = (None, None)
        nodes = self._table(official, new, new_prev)
        moved = tuple(
            (before[c], after[c]) for c in self.dataset.indicators if before[c] != after[c]
        )
        return WhatIf(
            unit=unit,
            period=self.dataset.periods[p],
            changes=moved,
            asked=tuple(c for c in self.dataset.indicators if c in changes),
            notes=tuple(notes),
            nodes=nodes,
            interval=interval_pair[0],
            new_interval=interval_pair[1],
            interval_node=self._evaluation.target if self._evaluation is not None else None,
        )

    def rebuilt_figures(
        self, unit: str, p: int, answers: Mapping[str, Answer]
    ) -> tuple[FloatArray, FloatArray]:
        """A build's scores and ranks of ``unit`` (nodes in the tree's order) in period ``p``
        with ``answers``, the index rebuilt whole (see :mod:`polindex.analysis.rebuilt`)."""
        (scores, ranks), _, _ = self._rebuilt(unit, p, answers, False)
        return scores, ranks

    def _official(self, unit: str, p: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Official scores, ranks and previous-period scores of ``unit`` (NaN: none; a unit a
        build screened out has none)."""
        return _unit_figures(self.results, unit, p)

    def _rebuilt(
        self, unit: str, p: int, after: Mapping[str, Answer], intervals: bool
    ) -> tuple[tuple[FloatArray, FloatArray], FloatArray, tuple[Any, Any]]:
        """A build's new scores and ranks, previous-period scores and rank intervals."""
        ds = self.dataset
        u = ds.units.index(unit)
        values, raw = np.array(ds.values), np.array(ds.raw)
        na = np.array(ds.not_applicable)
        new_values, new_na = self.state(after)
        values[u, p], na[u, p] = np.where(new_na, np.nan, new_values), new_na
        raw[u, p] = np.where(new_na, np.nan, [after[c].raw for c in ds.indicators])
        changed = Dataset(ds.units, ds.periods, ds.indicators, raw, values, na, ds.present)
        assert self.pipeline is not None
        assert self.plan is not None
        res = run_pipeline(self.framework, changed, self.pipeline, self.variables, plan=self.plan)
        scores, ranks, prev = _unit_figures(res, unit, p)
        new = (scores, ranks)
        pair: tuple[Any, Any] = (None, None)
        ev = self._evaluation if intervals else None
        if ev is not None and str(ev.period) == str(ds.periods[p]):
            from polindex.analysis.uncertainty import uncertainty_analysis

            assert self.uncertainty is not None
            again = uncertainty_analysis(
                self.framework, changed, self.pipeline, self.uncertainty, self.variables,
                design=ev.design,
            )  # fmt: skip
            pair = (_interval(ev, unit), _interval(again, unit))
        return new, prev, pair

    @cached_property
    def _evaluation(self) -> Evaluation | None:
        """The official uncertainty analysis (a build with a design only; run once)."""
        if self.mode != "built" or self.uncertainty is None or self.pipeline is None:
            return None
        from polindex.analysis.uncertainty import uncertainty_analysis

        return uncertainty_analysis(
            self.framework, self.dataset, self.pipeline, self.uncertainty, self.variables
        )

    @cached_property
    def _layout(self) -> tuple[npt.NDArray[np.intp], dict[str, npt.NDArray[np.object_]]]:
        """The nodes in the framework's order (positions in the tree) and their fixed columns."""
        s = self.structure
        order = np.array([s.index[item.code] for item, _, _ in self.framework.root.walk()])
        codes = np.array(s.codes, dtype=object)
        parents = np.array([s.codes[q] if q >= 0 else "" for q in s.parent], dtype=object)
        levels = np.array(s.levels, dtype=object)
        return order, {"node": codes[order], "level": levels[order], "parent": parents[order]}

    def _table(
        self,
        official: tuple[FloatArray, FloatArray, FloatArray],
        new: tuple[FloatArray, FloatArray],
        new_prev: FloatArray,
    ) -> pd.DataFrame:
        order, fixed = self._layout
        scores, ranks, prev = (np.asarray(a)[order] for a in official)
        new_scores, new_ranks = (np.asarray(a)[order] for a in new)
        new_prev = np.asarray(new_prev)[order]
        return pd.DataFrame(
            {
                **fixed,
                "score": scores,
                "rank": rank_column(ranks),
                "band": self.bands_of(scores),
                "change": scores - prev,
                "new_score": new_scores,
                "new_rank": rank_column(new_ranks),
                "new_band": self.bands_of(new_scores),
                "new_change": new_scores - new_prev,
                "score_difference": new_scores - scores,
                "rank_difference": rank_column(ranks - new_ranks),
            }
        )


def _unit_figures(res: Results, unit: str, p: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Scores, ranks and previous-period scores of ``unit`` in period ``p`` of ``res`` (NaN
    where it has none: a unit a build screened out)."""
    n = res.structure.n_nodes
    if unit not in res.units:
        return np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    ru = res.units.index(unit)
    prev = np.full(n, np.nan)
    if p > 0 and res.dataset.present[ru, p - 1]:
        prev = res.scores[0, ru, p - 1]
    return res.scores[0, ru, p], res.ranks[0, ru, p], prev


def rank_column(x: FloatArray) -> Any:
    """Ranks as a column of whole numbers, NA where NaN (no rank).

    Examples
    --------
    >>> rank_column(np.array([1.0, np.nan, 3.0])).tolist()
    [1, <NA>, 3]
    """
    return pd.arrays.IntegerArray(np.nan_to_num(x).astype(np.int64), np.isnan(x))


def _interval(ev: Evaluation, unit: str) -> tuple[float, float] | None:
    """The 5th–95th percentile of ``unit``'s rank over an analysis's replications."""
    if unit not in ev.units:
        return None
    ranks = ev.ranks[:, ev.units.index(unit)]
    if np.isnan(ranks).all():
        return None
    low, high = np.nanquantile(ranks, [0.05, 0.95])
    return float(low), float(high)


@dataclass(frozen=True)
class WhatIf:
    """What ``changes`` to a unit's answers do, node by node.

    ``changes`` pairs each answer that moved (given or as a consequence) before and after;
    ``asked`` names the indicators the changes were given for; ``notes`` explains the
    consequences (indicators that stop or start to apply). ``nodes`` has one row per node in
    the framework's order: ``score``, ``rank``, ``band``, ``change`` (from the previous period)
    as published, the same with ``new_``, and ``score_difference`` and ``rank_difference``
    (positive: places gained). ``interval`` and ``new_interval`` are the
    unit's rank interval (5th–95th percentile over the uncertainty analysis) for
    ``interval_node``, official and recomputed (``None``: no design, or another period).
    """

    unit: str
    period: Period
    changes: tuple[tuple[Answer, Answer], ...]
    asked: tuple[str, ...]
    notes: tuple[str, ...]
    nodes: pd.DataFrame = field(repr=False)
    interval: tuple[float, float] | None = None
    new_interval: tuple[float, float] | None = None
    interval_node: str | None = None

    def row(self, node: str | None = None) -> dict[str, Any]:
        """One node's figures (default: the index, the first row), as plain Python values."""
        frame = self.nodes
        hit = frame.iloc[0] if node is None else frame[frame["node"] == node].iloc[0]
        return {str(k): _plain(v) for k, v in hit.items()}

    def query(self) -> dict[str, str]:
        """The changes asked for, as indicator → answer text: what a link to this what-if
        carries (the consequences follow from them)."""
        return {
            after.indicator: after.text
            for _, after in self.changes
            if after.indicator in self.asked
        }


def _plain(v: Any) -> Any:
    if v is pd.NA:
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


__all__ = ["Simulator", "WhatIf"]
