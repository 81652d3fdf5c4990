"""Screening: which units have enough data to be scored (COINr's ``Screen``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from polindex.engine.structure import FloatArray

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Screening:
    """Per unit: share of values present and of non-zero values, and the decision.

    ``reason`` is empty for kept units, else why the unit was removed ("low data availability
    0.52 < 0.9", "forced exclusion", …); ``forced`` marks decisions taken by the include /
    exclude lists.
    """

    availability: FloatArray
    nonzero: FloatArray
    kept: BoolArray
    forced: BoolArray
    reason: tuple[str, ...]


def screen(
    x: FloatArray,
    *,
    min_availability: float | None = None,
    min_nonzero: float | None = None,
    include: BoolArray | None = None,
    exclude: BoolArray | None = None,
    applicable: BoolArray | None = None,
) -> Screening:
    """Decide which units to keep from their values ``x`` (unit, cells).

    A unit's *availability* is the share of its applicable cells that hold a value; its
    *non-zero share* is the share of its present values that are not zero (COINr's
    ``Dat_Avail`` and ``Non_Zero``). A unit is removed when either falls below its threshold
    (``None``: not checked); ``include`` / ``exclude`` (bool per unit) force the decision.
    ``applicable`` (unit, cells) leaves not-applicable cells out of the counts.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0], [1.0, np.nan, np.nan, 0.0], [0.0, 0.0, 0.0, 5.0]])
    >>> s = screen(x, min_availability=0.75, min_nonzero=0.5)
    >>> s.availability.tolist(), s.nonzero.tolist(), s.kept.tolist()
    ([1.0, 0.5, 1.0], [1.0, 0.5, 0.25], [True, False, False])
    >>> s.reason[1]
    'data availability 0.5 < 0.75'
    """
    xv = np.asarray(x, dtype=np.float64)
    app = np.ones(xv.shape, dtype=bool) if applicable is None else np.asarray(applicable, bool)
    present = ~np.isnan(xv) & app
    n_app = app.sum(axis=1)
    n_present = present.sum(axis=1)
    n_zero = ((xv == 0) & present).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        availability = np.where(n_app > 0, n_present / n_app, 0.0)
        nonzero = np.where(n_present > 0, 1 - n_zero / n_present, 0.0)
    n = xv.shape[0]
    reasons = [""] * n
    kept = np.ones(n, dtype=bool)
    if min_availability is not None:
        low = availability < min_availability
        kept &= ~low
        for u in np.flatnonzero(low):
            reasons[u] = f"data availability {availability[u]:.4g} < {min_availability:.4g}"
    if min_nonzero is not None:
        low = nonzero < min_nonzero
        kept &= ~low
        for u in np.flatnonzero(low):
            why = f"non-zero share {nonzero[u]:.4g} < {min_nonzero:.4g}"
            reasons[u] = f"{reasons[u]}; {why}" if reasons[u] else why
    forced = np.zeros(n, dtype=bool)
    if include is not None:
        inc = np.asarray(include, dtype=bool)
        forced |= inc & ~kept
        kept |= inc
        for u in np.flatnonzero(inc):
            reasons[u] = ""
    if exclude is not None:
        exc = np.asarray(exclude, dtype=bool)
        forced |= exc
        kept &= ~exc
        for u in np.flatnonzero(exc):
            reasons[u] = "excluded by the pipeline's exclude list"
    return Screening(availability, nonzero, kept, forced, tuple(reasons))
