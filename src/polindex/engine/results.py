"""Results: every node's score, rank and band, with the framework and inputs that made them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from polindex.engine.aggregate import MISSING, NOT_APPLICABLE, OK, Aggregation, node_view
from polindex.engine.dataset import Dataset, Period
from polindex.engine.provenance import BuildLog, MethodsUsed, WeightsUsed
from polindex.engine.rank import band_index, rank_scores
from polindex.engine.structure import FloatArray, Structure
from polindex.framework.models import Framework
from polindex.framework.units import UnitTable, peer_groups, resolve_units
from polindex.framework.vocabulary import Ties

STATUS_NAMES = {OK: "ok", MISSING: "missing", NOT_APPLICABLE: "not applicable"}


@dataclass(frozen=True)
class Stage:
    """One intermediate data set of a build (``raw``, ``imputed``, ``normalised``, …).

    ``values`` has shape (unit, period, code) and is read-only; ``codes`` are indicators (or,
    for ``aggregated``, every node). Units are those present at that stage (screening removes
    some).
    """

    name: str
    units: tuple[str, ...]
    periods: tuple[Period, ...]
    codes: tuple[str, ...]
    values: FloatArray = field(repr=False)

    def __post_init__(self) -> None:
        shape = (len(self.units), len(self.periods), len(self.codes))
        if self.values.shape != shape:
            raise ValueError(f"stage {self.name!r}: values {self.values.shape}, expected {shape}")
        if self.values.flags.writeable:
            frozen = self.values.copy()
            frozen.setflags(write=False)
            object.__setattr__(self, "values", frozen)

    def frame(self) -> pd.DataFrame:
        """The wide table: one row per unit and period, one column per code.

        Examples
        --------
        >>> st = Stage("raw", ("A", "B"), (2024,), ("q1",), np.array([[[1.5]], [[np.nan]]]))
        >>> st.frame().to_dict("records")
        [{'unit': 'A', 'period': 2024, 'q1': 1.5}, {'unit': 'B', 'period': 2024, 'q1': nan}]
        """
        n_u, n_p, n_c = self.values.shape
        out = pd.DataFrame(self.values.reshape(n_u * n_p, n_c), columns=list(self.codes))
        out.insert(0, "period", np.tile(np.array(self.periods, dtype=object), n_u))
        out.insert(0, "unit", np.repeat(np.array(self.units, dtype=object), n_p))
        return out


@dataclass(frozen=True)
class Results:
    """An immutable value holding every score of an index and how it came about.

    Arrays have shape ``(batch, unit, period, node)``; nodes are ordered as in
    :class:`~polindex.engine.structure.Structure` (indicators first, the index last). ``spec``
    records how the results were computed and ``stages`` every intermediate data set, so any
    number can be regenerated and explained.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "Toy", "indicators": [
    ...     {"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}]})
    >>> res = polindex.score(fw, [("A", 2024, "q1", "yes"), ("A", 2024, "q2", "no"),
    ...                           ("B", 2024, "q1", "yes"), ("B", 2024, "q2", "yes")])
    >>> res.ranking()[["rank", "unit", "score"]].values.tolist()
    [[1, 'B', 100.0], [2, 'A', 50.0]]
    """

    framework: Framework
    structure: Structure
    dataset: Dataset
    aggregation: Aggregation
    weights_used: WeightsUsed = field(repr=False)
    """The weight of every node and indicator as used, and its effective weight."""
    methods_used: MethodsUsed = field(repr=False)
    """Normalisation, aggregation and the other methods as used."""
    spec: Mapping[str, Any] = field(default_factory=dict)
    inputs: pd.DataFrame | None = field(default=None, repr=False)
    stages: Mapping[str, Stage] = field(default_factory=dict, repr=False)
    log: BuildLog = field(default_factory=BuildLog, repr=False)
    """The decisions of a build (units screened out, values imputed, points Winsorised)."""
    ties: Ties = "rounded"
    """Which scores rank as equal (see :func:`~polindex.engine.rank.rank_scores`): a build
    takes it from the pipeline's aggregate step."""

    # -- basic accessors -------------------------------------------------------------------
    @cached_property
    def ranks(self) -> FloatArray:
        """Rank of every score among the units, per batch, period and node (NaN: no score).

        Ties share the best rank ("min"); rank 1 is best given the framework's polarity;
        :attr:`ties` says which scores are equal. Units rank among their :attr:`peers` only
        (supranational units, such as IMPIC's EU level, get no rank). Computed on first use.
        """
        planes = rank_scores(
            self.aggregation.planes,
            self.framework.polarity == "higher_is_better",
            axis=-1,
            ties=self.ties,
            peers=self.peers,
        )
        planes.setflags(write=False)
        return node_view(planes)

    @cached_property
    def peers(self) -> list[int]:
        """Each unit's ranking group from the kinds the framework declares (see
        :func:`~polindex.framework.units.peer_groups`)."""
        return peer_groups(self.dataset.units, self.framework)

    @cached_property
    def unit_table(self) -> UnitTable:
        """The units' names (in the framework's languages), ISO codes, kinds and groups."""
        return resolve_units(self.dataset.units, self.framework)

    @cached_property
    def bands(self) -> npt.NDArray[np.int8]:
        """Index of each score's band in the framework's bands sorted by ``min`` (−1: none)."""
        minimums = np.array(sorted(b.min for b in self.framework.bands), dtype=np.float64)
        planes = band_index(self.aggregation.planes, minimums)
        planes.setflags(write=False)
        return node_view(planes)

    def _lane_ranks(self, node: int, period: int, batch: int = 0) -> FloatArray:
        """Ranks of all units for one node and period, without ranking everything else."""
        if "ranks" in self.__dict__:  # already computed for every node
            lane: FloatArray = self.ranks[batch, :, period, node]
            return lane
        higher = self.framework.polarity == "higher_is_better"
        lanes = self.aggregation.planes[node, batch, period]
        return rank_scores(lanes, higher, axis=-1, ties=self.ties, peers=self.peers)

    @property
    def scores(self) -> FloatArray:
        """Scores, shape (batch, unit, period, node); NaN where missing or not applicable."""
        return self.aggregation.scores

    @property
    def units(self) -> tuple[str, ...]:
        return self.dataset.units

    @property
    def periods(self) -> tuple[Period, ...]:
        return self.dataset.periods

    @property
    def codes(self) -> tuple[str, ...]:
        return self.structure.codes

    @property
    def latest_period(self) -> Period:
        return self.periods[-1]

    def _u(self, unit: str) -> int:
        try:
            return self.units.index(unit)
        except ValueError:
            raise KeyError(f"unknown unit {unit!r}") from None

    def _p(self, period: Period) -> int:
        for i, p in enumerate(self.periods):
            if p == period or str(p) == str(period):
                return i
        raise KeyError(f"unknown period {period!r}; periods are {list(self.periods)}")

    def _n(self, node: str | None) -> int:
        if node is None:
            return self.structure.root
        try:
            return self.structure.index[node]
        except KeyError:
            raise KeyError(f"unknown node {node!r} in framework {self.framework.code!r}") from None

    def score(
        self, node: str | None = None, *, unit: str, period: Period | None = None, batch: int = 0
    ) -> float:
        """One score (NaN if missing or not applicable); node defaults to the index."""
        p = self._p(period if period is not None else self.latest_period)
        return float(self.scores[batch, self._u(unit), p, self._n(node)])

    def rank(
        self, node: str | None = None, *, unit: str, period: Period | None = None, batch: int = 0
    ) -> float:
        """One rank (NaN if the score is missing); node defaults to the index."""
        p = self._p(period if period is not None else self.latest_period)
        return float(self._lane_ranks(self._n(node), p, batch)[self._u(unit)])

    # -- tables ----------------------------------------------------------------------------
    def _band_labels(self, lang: str | None = None) -> np.ndarray:
        bands = sorted(self.framework.bands, key=lambda b: b.min)
        return np.array([self.framework.label(b, lang) for b in bands] + [""], dtype=object)

    def _band_codes(self) -> np.ndarray:
        bands = sorted(self.framework.bands, key=lambda b: b.min)
        return np.array([b.code for b in bands] + [""], dtype=object)

    @cached_property
    def _table(self) -> pd.DataFrame:
        s = self.structure
        u_idx, p_idx = np.nonzero(self.dataset.present)
        n_nodes = s.n_nodes
        nodes = np.tile(np.arange(n_nodes), len(u_idx))
        uu, pp = np.repeat(u_idx, n_nodes), np.repeat(p_idx, n_nodes)
        agg = self.aggregation

        def labels(codes: npt.NDArray[np.integer[Any]], names: list[Any]) -> pd.Categorical:
            return pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object))

        parent_codes = np.where(s.parent >= 0, s.parent, n_nodes)
        level_names = list(dict.fromkeys(s.levels))
        level_of = np.array([level_names.index(lv) for lv in s.levels])
        band_codes = [*self._band_codes()[:-1]]
        band = self.bands[0, uu, pp, nodes].astype(np.int64)
        na = agg.not_applicable[uu, pp, nodes]
        score = agg.scores[0, uu, pp, nodes]
        status = np.where(na, NOT_APPLICABLE, np.where(np.isnan(score), MISSING, OK))
        rank = pd.array(self.ranks[0, uu, pp, nodes], dtype="Float64").astype("Int64")
        return pd.DataFrame(
            {
                "unit": labels(uu, list(self.units)),
                "period": labels(pp, list(self.periods)),
                "node": labels(nodes, list(s.codes)),
                "level": labels(level_of[nodes], level_names),
                "depth": s.depth[nodes],
                "parent": labels(parent_codes[nodes], [*s.codes, ""]),
                "score": score,
                "rank": rank,
                "band": labels(np.where(band < 0, len(band_codes), band), [*band_codes, ""]),
                "status": labels(status, [STATUS_NAMES[k] for k in (OK, MISSING, NOT_APPLICABLE)]),
                "n_used": agg.n_used[0, uu, pp, nodes],
                "n_applicable": agg.n_applicable[uu, pp, nodes],
            }
        )

    def table(self) -> pd.DataFrame:
        """The tidy table: one row per unit × period × node present in the input.

        Columns: unit, period, node, level, depth, parent, score, rank, band, status
        (ok / missing / not applicable), n_used (children with data), n_applicable.
        """
        return self._table.copy()

    def wide(
        self,
        values: Literal["score", "rank"] = "score",
        *,
        node: str | None = None,
        period: Period | None = None,
    ) -> pd.DataFrame:
        """A wide view.

        * ``wide()`` — rows (unit, period), one column per node;
        * ``wide(period=2010)`` — rows units, one column per node, that period only;
        * ``wide(node="Reg_A")`` — rows units, one column per period, that node only.
        """
        t = self._table
        if node is not None:
            t = t[t["node"] == self.codes[self._n(node)]]
            out = t.pivot(index="unit", columns="period", values=values)
            return out.reindex(columns=[p for p in self.periods if p in out.columns])
        if period is not None:
            t = t[t["period"] == self.periods[self._p(period)]]
            return t.pivot(index="unit", columns="node", values=values)[list(self.codes)]
        return t.pivot(index=["unit", "period"], columns="node", values=values)[list(self.codes)]

    def ranking(
        self, node: str | None = None, period: Period | None = None, lang: str | None = None
    ) -> pd.DataFrame:
        """Units ordered by rank for one node (default: the index) and period (default: latest),
        with band label and the change since the previous period when there is one."""
        n = self._n(node)
        p = self._p(period if period is not None else self.latest_period)
        present = self.dataset.present[:, p]
        order = np.arange(len(self.units))[present]
        band = self.bands[0, order, p, n]
        out = pd.DataFrame(
            {
                "rank": pd.array(self._lane_ranks(n, p)[order], dtype="Float64").astype("Int64"),
                "unit": np.array(self.units, dtype=object)[order],
                "score": self.scores[0, order, p, n],
                "band": self._band_labels(lang)[band],
            }
        )
        if p > 0:
            out["change"] = out["score"] - self.scores[0, order, p - 1, n]
        return out.sort_values(["rank", "unit"], na_position="last").reset_index(drop=True)

    def change(self, start: Period, end: Period, node: str | None = None) -> pd.DataFrame:
        """Change of score and rank between two periods, per unit and node (or one node)."""
        p0, p1 = self._p(start), self._p(end)
        nodes = np.arange(self.structure.n_nodes) if node is None else np.array([self._n(node)])
        both = self.dataset.present[:, p0] & self.dataset.present[:, p1]
        units = np.flatnonzero(both)
        uu, nn = np.repeat(units, len(nodes)), np.tile(nodes, len(units))
        s0, s1 = self.scores[0, uu, p0, nn], self.scores[0, uu, p1, nn]
        r0, r1 = self.ranks[0, uu, p0, nn], self.ranks[0, uu, p1, nn]
        return pd.DataFrame(
            {
                "unit": np.array(self.units, dtype=object)[uu],
                "node": np.array(self.codes, dtype=object)[nn],
                "score_start": s0,
                "score_end": s1,
                "change": s1 - s0,
                "rank_start": pd.array(r0, dtype="Float64").astype("Int64"),
                "rank_end": pd.array(r1, dtype="Float64").astype("Int64"),
                "rank_change": pd.array(r0 - r1, dtype="Float64").astype("Int64"),
            }
        )

    # -- contributions ---------------------------------------------------------------------
    @cached_property
    def contribution_array(self) -> FloatArray:
        """Each child's contribution to its parent's score, shape (batch, unit, period, edge).

        Edges are ``structure.edges``; for arithmetic aggregation the contributions of a
        parent's children sum to its score: ``weight × child score / weight sum used``.
        """
        child, parent, weight = self.structure.edges
        x = self.scores[..., child]
        wsum = self.aggregation.weight_sum[..., parent]
        parent_ok = ~np.isnan(self.scores[..., parent])
        with np.errstate(invalid="ignore", divide="ignore"):
            c = np.where(np.isnan(x), 0.0, x) * weight / wsum
        out: FloatArray = np.where(parent_ok, c, np.nan)
        out.setflags(write=False)
        return out

    def contributions(self, period: Period | None = None) -> pd.DataFrame:
        """Tidy contributions of every child to its parent: unit, period, parent, child,
        child score, weight share and contribution (they sum to the parent's score)."""
        child, parent, weight = self.structure.edges
        ps = range(len(self.periods)) if period is None else [self._p(period)]
        frames = []
        for p in ps:
            units = np.flatnonzero(self.dataset.present[:, p])
            e = len(child)
            uu, ee = np.repeat(units, e), np.tile(np.arange(e), len(units))
            wsum = self.aggregation.weight_sum[0, uu, p, parent[ee]]
            x = self.scores[0, uu, p, child[ee]]
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(np.isnan(x), 0.0, weight[ee] / wsum)
            frames.append(
                pd.DataFrame(
                    {
                        "unit": np.array(self.units, dtype=object)[uu],
                        "period": self.periods[p],
                        "parent": np.array(self.codes, dtype=object)[parent[ee]],
                        "child": np.array(self.codes, dtype=object)[child[ee]],
                        "child_score": x,
                        "weight_share": share,
                        "contribution": self.contribution_array[0, uu, p, ee],
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def contributions_to_change(self, start: Period, end: Period) -> pd.DataFrame:
        """How much each child's contribution moved its parent between two periods.

        Where the parent has a score in both periods, the ``change`` column sums over the
        children to the parent's change.
        """
        p0, p1 = self._p(start), self._p(end)
        child, parent, _ = self.structure.edges
        units = np.flatnonzero(self.dataset.present[:, p0] & self.dataset.present[:, p1])
        e = len(child)
        uu, ee = np.repeat(units, e), np.tile(np.arange(e), len(units))
        c0 = self.contribution_array[0, uu, p0, ee]
        c1 = self.contribution_array[0, uu, p1, ee]
        return pd.DataFrame(
            {
                "unit": np.array(self.units, dtype=object)[uu],
                "parent": np.array(self.codes, dtype=object)[parent[ee]],
                "child": np.array(self.codes, dtype=object)[child[ee]],
                "contribution_start": c0,
                "contribution_end": c1,
                "change": c1 - c0,
            }
        )
