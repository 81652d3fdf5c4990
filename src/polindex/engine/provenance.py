"""What a computation did, as typed values kept in :class:`~polindex.engine.results.Results`.

* :class:`WeightsUsed` — the weight of every node and indicator among its siblings as used
  (the framework's, or those a ``weights`` step set) and its effective weight in the index;
* :class:`MethodsUsed` — how the values were turned into scores: normalisation per indicator,
  aggregation per group, imputation, outlier treatment, screening, denomination, ties;
* :class:`BuildLog` — the decisions of a build: units screened out, values imputed, points
  Winsorised.

COINr keeps the same in its coin (``$Log`` and the weights); so do we, and a release freezes
the first two so that its codebook and methodology page state what was really done.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from polindex.engine.dataset import Period
from polindex.engine.structure import Structure
from polindex.framework.vocabulary import (
    AGGREGATION_PARAMS,
    IMPUTATION_PARAMS,
    NORMALISATION_PARAMS,
)


@dataclass(frozen=True)
class MethodUsed:
    """A method and its parameters, e.g. ``minmax`` with ``{"low": 0, "high": 100}``."""

    method: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        """E.g. ``minmax (low=0, high=100)``: parameters in the vocabulary's order (the
        order a stored JSON kept them in may differ), others after, by name.

        Examples
        --------
        >>> str(MethodUsed("minmax", {"low": 0, "high": 100})), str(MethodUsed("arithmetic"))
        ('minmax (low=0, high=100)', 'arithmetic')
        """
        if not self.params:
            return self.method
        known = next(
            (
                table[self.method]
                for table in (NORMALISATION_PARAMS, AGGREGATION_PARAMS, IMPUTATION_PARAMS)
                if self.method in table
            ),
            (),
        )
        order = sorted(self.params, key=lambda k: (known.index(k) if k in known else 99, k))
        args = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in ((k, self.params[k]) for k in order)
        )
        return f"{self.method} ({args})"


@dataclass(frozen=True)
class WeightsUsed:
    """Weights as used: ``source`` is ``framework`` (as written) or the method of the
    ``weights`` step (``equal``, ``explicit``, ``pca``, ``balance``); ``given`` maps each node
    and indicator (not the root) to its weight among its siblings; ``effective`` maps every
    code to its share of the index (the products of renormalised weights down the tree; the
    root has 1).

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "children": [
    ...     {"code": "A", "weight": 3, "indicators": [{"code": "a", "type": "boolean"}]},
    ...     {"code": "B", "indicators": [{"code": "b", "type": "boolean"}]}]})
    >>> used = polindex.score(fw, [("X", 2024, "a", "yes"), ("X", 2024, "b", "no")]).weights_used
    >>> used.source, used.given["A"], used.effective["a"], used.effective["T"]
    ('framework', 3.0, 0.75, 1.0)
    """

    source: str
    given: Mapping[str, float]
    effective: Mapping[str, float]

    @classmethod
    def of(cls, structure: Structure, edge_weights: Any, source: str) -> WeightsUsed:
        """From a tree's edge weights (``Structure.edges`` order)."""
        from polindex.engine.weights import effective_weights

        w = np.asarray(edge_weights, dtype=np.float64)
        given = {structure.codes[c]: float(x) for c, x in zip(structure.edges[0], w, strict=True)}
        eff = effective_weights(structure, w).tolist()
        return cls(source, given, dict(zip(structure.codes, eff, strict=True)))

    def as_json(self) -> dict[str, Any]:
        """Plain JSON (what a release freezes)."""
        return {"source": self.source, "given": dict(self.given), "effective": dict(self.effective)}


@dataclass(frozen=True)
class MethodsUsed:
    """How the values became scores. ``scored``: the data were indicator scores already;
    ``normalisation`` maps each indicator to its method (``None`` entries: scored by the
    framework's own rules — options, goalposts); ``aggregation`` maps each group to its method;
    the steps of a build that did not run are ``None``."""

    scored: bool
    normalisation: Mapping[str, MethodUsed | None]
    aggregation: Mapping[str, MethodUsed]
    imputation: Mapping[str, MethodUsed] | None = None
    treatment: Mapping[str, MethodUsed] | None = None
    screening: MethodUsed | None = None
    denomination: Mapping[str, str] | None = None
    ties: str = "rounded"
    """How equal scores share a rank: ``rounded`` (equal to 10 decimals share the best rank)."""

    def as_json(self) -> dict[str, Any]:
        """Plain JSON (what a release freezes)."""

        def method(m: MethodUsed | None) -> dict[str, Any] | None:
            return None if m is None else {"method": m.method, "params": dict(m.params)}

        def each(ms: Mapping[str, MethodUsed | None] | None) -> dict[str, Any] | None:
            return None if ms is None else {k: method(v) for k, v in ms.items()}

        return {
            "scored": self.scored,
            "normalisation": each(self.normalisation),
            "aggregation": each(self.aggregation),
            "imputation": each(self.imputation),
            "treatment": each(self.treatment),
            "screening": method(self.screening),
            "denomination": None if self.denomination is None else dict(self.denomination),
            "ties": self.ties,
        }


@dataclass(frozen=True)
class Screening:
    """Per unit (in data order): availability, non-zero share, kept or not and why."""

    units: tuple[str, ...]
    availability: tuple[float, ...]
    nonzero: tuple[float, ...]
    kept: tuple[bool, ...]
    reason: tuple[str, ...]

    @property
    def removed(self) -> list[str]:
        """The units screened out."""
        return [u for u, k in zip(self.units, self.kept, strict=True) if not k]


@dataclass(frozen=True)
class Cells:
    """Cells of a stage as (unit, period, indicator) triples, built only when read (a large
    panel can have hundreds of thousands of imputed cells)."""

    units: Sequence[str]
    periods: tuple[Period, ...]
    codes: tuple[str, ...]
    positions: npt.NDArray[np.intp]  # (n, 3): indicator, period, unit

    def __len__(self) -> int:
        return len(self.positions)

    def __iter__(self) -> Iterator[tuple[str, Period, str]]:
        for i, p, u in self.positions:
            yield self.units[u], self.periods[p], self.codes[i]

    def __eq__(self, other: object) -> bool:
        return list(self) == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Imputation:
    """How many values were imputed, how many are still missing, and which cells."""

    imputed: int
    still_missing: int
    cells: Cells


@dataclass(frozen=True)
class Treatment:
    """One indicator (and period) whose outliers were treated, or could not be."""

    indicator: str
    period: Period
    status: str
    n_winsorised: int
    skew_before: float
    kurtosis_before: float
    skew_after: float
    kurtosis_after: float
    units: tuple[str, ...]

    def as_row(self) -> dict[str, Any]:
        """A row of the treatment table (units joined by spaces)."""
        return {**asdict(self), "units": " ".join(self.units)}


@dataclass(frozen=True)
class BuildLog:
    """The decisions of a build (``None``: that step did not run)."""

    denomination: Mapping[str, str] | None = None
    screen: Screening | None = None
    impute: Imputation | None = None
    treat: tuple[Treatment, ...] | None = None


__all__ = [
    "BuildLog",
    "Cells",
    "Imputation",
    "MethodUsed",
    "MethodsUsed",
    "Screening",
    "Treatment",
    "WeightsUsed",
]
