"""Rank intervals: each unit's plausible ranks under the uncertainty analysis of its index.

A unit's interval is the 5th to 95th percentile of its rank over the analysis's replications
(as the release's robustness page shows it), for the analysis's target node and period. It is
made from an :class:`~polindex.analysis.uncertainty.Evaluation` or read back from what a
release froze (its ``robustness["uncertainty"]``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from polindex.analysis.uncertainty import Evaluation


@dataclass(frozen=True)
class RankIntervals:
    """Each unit's rank interval (low, high) for ``node`` in ``period``.

    Examples
    --------
    >>> ri = RankIntervals.from_json({"target": "T", "period": "2024", "summary": [
    ...     {"unit": "A", "rank_q05": 1.0, "rank_q95": 2.0},
    ...     {"unit": "B", "rank_q05": None, "rank_q95": None}]})
    >>> ri.get("A"), ri.contains("A", 3), ri.contains("B", 1), ri.contains("Z", 1)
    ((1.0, 2.0), False, None, None)
    """

    node: str
    period: str
    bounds: Mapping[str, tuple[float, float]]

    @classmethod
    def of(cls, evaluation: Evaluation) -> RankIntervals:
        """The intervals of an uncertainty analysis."""
        bounds = {}
        for k, unit in enumerate(evaluation.units):
            ranks = evaluation.ranks[:, k]
            if not np.isnan(ranks).all():
                low, high = np.nanquantile(ranks, [0.05, 0.95])
                bounds[unit] = (float(low), float(high))
        return cls(evaluation.target, str(evaluation.period), bounds)

    @classmethod
    def from_json(cls, uncertainty: Mapping[str, Any]) -> RankIntervals:
        """The intervals a release froze (its ``robustness["uncertainty"]``: ``target``,
        ``period`` and the ``summary`` rows with ``rank_q05`` and ``rank_q95``)."""
        bounds = {}
        for row in uncertainty.get("summary", []):
            low, high = row.get("rank_q05"), row.get("rank_q95")
            if low is None or high is None or math.isnan(low) or math.isnan(high):
                continue
            bounds[str(row["unit"])] = (float(low), float(high))
        return cls(str(uncertainty.get("target", "")), str(uncertainty.get("period", "")), bounds)

    def get(self, unit: str) -> tuple[float, float] | None:
        """The unit's interval (``None``: it has none)."""
        return self.bounds.get(unit)

    def contains(self, unit: str, rank: float) -> bool | None:
        """Whether ``rank`` lies within the unit's interval (``None``: no interval or rank)."""
        got = self.bounds.get(unit)
        if got is None or rank is None or math.isnan(rank):
            return None
        return got[0] - 1e-9 <= rank <= got[1] + 1e-9


__all__ = ["RankIntervals"]
