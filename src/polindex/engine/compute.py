"""From a data set of indicator scores to :class:`Results`: aggregate, rank, band."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from polindex.engine.aggregate import AggregationError, aggregate
from polindex.engine.dataset import Dataset
from polindex.engine.provenance import BuildLog, MethodsUsed, MethodUsed, WeightsUsed
from polindex.engine.results import Results, Stage
from polindex.engine.structure import FloatArray, Structure
from polindex.errors import PolindexError, plural
from polindex.framework.models import Framework
from polindex.framework.vocabulary import Ties


class ScoreError(PolindexError):
    """Indicator scores that the framework's aggregation methods cannot take (a harmonic or
    geometric mean of a zero, …): every offence, by unit and period, and how to avoid it.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "aggregation": "geometric",
    ...     "indicators": [{"code": "p", "type": "numeric"}, {"code": "q", "type": "numeric"}]})
    >>> polindex.score(fw, [("AT", 2024, "p", 0), ("AT", 2024, "q", 50)])
    Traceback (most recent call last):
    ...
    polindex.engine.compute.ScoreError: 2 problems scoring the index; nothing was computed:
      T (geometric) of AT, 2024: needs positive values; children p=0, q=50
      Fix (geometric): normalise onto a strictly positive range (e.g. minmax 1–100) or use \
arithmetic.
    """

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')} scoring the index; nothing was computed:"

    @classmethod
    def of(cls, error: AggregationError, dataset: Dataset) -> ScoreError:
        """The aggregation's offences with the data set's unit and period names."""
        lines = error.describe(dataset.units, dataset.periods).splitlines()
        return cls([line.strip() for line in lines[1:]])


def compute(
    framework: Framework,
    dataset: Dataset,
    *,
    weights: FloatArray | None = None,
    structure: Structure | None = None,
    spec: Mapping[str, Any] | None = None,
    inputs: pd.DataFrame | None = None,
    stages: Mapping[str, Stage] | None = None,
    log: BuildLog | None = None,
    weights_used: WeightsUsed | None = None,
    methods_used: MethodsUsed | None = None,
    ties: Ties = "rounded",
) -> Results:
    """Score every node for every unit and period of ``dataset``.

    Ranks and bands are derived from the scores on first use (see :class:`Results`).

    ``stages`` (earlier data sets of a build), ``log`` (its decisions) and what it used
    (``weights_used``, ``methods_used``; by default the framework's weights and methods, the
    values taken as scored) are kept in the results beside the ``scored`` and ``aggregated``
    stages. ``ties`` says which scores rank as equal (see
    :func:`~polindex.engine.rank.rank_scores`).

    ``weights`` (edges,) or (batch, edges) replace the framework's weights (see
    :func:`~polindex.engine.aggregate.aggregate`); ranks are per batch, period and node.

    Examples
    --------
    >>> import numpy as np
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric"}]})
    >>> ds = Dataset.from_arrays(["A", "B"], [2024], ["q1", "q2"],
    ...                          np.array([[[80.0, 20.0]], [[40.0, np.nan]]]))
    >>> res = compute(fw, ds)
    >>> res.score(unit="A"), res.score(unit="B"), res.rank(unit="B")
    (50.0, 40.0, 2.0)
    """
    s = structure or Structure.from_framework(framework)
    if tuple(dataset.indicators) != s.codes[: s.n_indicators]:
        raise ValueError("the data set's indicators are not the framework's, in its order")
    agg = aggregate(s, dataset.values[None], dataset.not_applicable, weights)
    for arr in (
        agg.planes,
        agg.na_planes,
        agg.used_planes,
        agg.applicable_planes,
        agg.weight_sum_planes,
    ):
        arr.setflags(write=False)
    edge = np.asarray(s.edges[2] if weights is None else weights, dtype=np.float64)
    if weights_used is None:
        weights_used = WeightsUsed.of(s, edge if edge.ndim == 1 else edge[0], "framework")
    if methods_used is None:
        methods_used = MethodsUsed(
            scored=True,
            normalisation=dict.fromkeys(dataset.indicators),
            aggregation=aggregation_used(s),
            ties=ties,
        )
    own = {
        "scored": Stage(
            "scored", dataset.units, dataset.periods, dataset.indicators, dataset.values
        ),
        "aggregated": Stage("aggregated", dataset.units, dataset.periods, s.codes, agg.scores[0]),
    }
    return Results(
        framework=framework,
        structure=s,
        dataset=dataset,
        aggregation=agg,
        spec=MappingProxyType(dict(spec or {})),
        inputs=inputs,
        stages=MappingProxyType({**(stages or {}), **own}),
        log=log or BuildLog(),
        weights_used=weights_used,
        methods_used=methods_used,
        ties=ties,
    )


def aggregation_used(structure: Structure) -> dict[str, MethodUsed]:
    """Each group's aggregation method as used, by code."""
    return {code: MethodUsed(m.name, dict(m.params)) for code, m in structure.methods().items()}
