"""The dense data set the engine computes on: units × periods × indicators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from polindex.engine.structure import FloatArray

Period = int | str
BoolArray = npt.NDArray[np.bool_]


def sort_periods(periods: list[str]) -> list[Period]:
    """Periods as integers when they all are (sorted numerically), else as sorted text.

    Examples
    --------
    >>> sort_periods(["2010", "2009", "1999"])
    [1999, 2009, 2010]
    >>> sort_periods(["2020-Q2", "2020-Q1"])
    ['2020-Q1', '2020-Q2']
    """
    unique = sorted(set(periods))
    try:
        return sorted(int(p) for p in unique)
    except ValueError:
        return list(unique)


@dataclass(frozen=True)
class Dataset:
    """Indicator values for every unit and period, aligned with a framework's indicators.

    ``raw`` holds values as given (numbers; 1/0 for booleans; the option's score for
    categorical answers), ``values`` the indicator scores on the index scale; both NaN where
    missing or not applicable. ``not_applicable`` flags N/A cells and ``present`` the
    (unit, period) rows that appear in the input at all.
    """

    units: tuple[str, ...]
    periods: tuple[Period, ...]
    indicators: tuple[str, ...]
    raw: FloatArray
    values: FloatArray
    not_applicable: BoolArray
    present: BoolArray

    def __post_init__(self) -> None:
        shape = (len(self.units), len(self.periods), len(self.indicators))
        for name in ("raw", "values", "not_applicable"):
            arr = getattr(self, name)
            if arr.shape != shape:
                raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")
            # kept indicator-major in memory, (indicator, period, unit), the layout the
            # engine computes in; the attribute is a (unit, period, indicator) view of it
            stored = np.ascontiguousarray(arr.transpose(2, 1, 0)).transpose(2, 1, 0)
            stored.setflags(write=False)
            object.__setattr__(self, name, stored)
        if self.present.shape != shape[:2]:
            raise ValueError(f"present has shape {self.present.shape}, expected {shape[:2]}")
        self.present.setflags(write=False)

    @classmethod
    def from_arrays(
        cls,
        units: list[str] | tuple[str, ...],
        periods: list[Period] | tuple[Period, ...],
        indicators: list[str] | tuple[str, ...],
        values: FloatArray,
        not_applicable: BoolArray | None = None,
    ) -> Dataset:
        """A data set of indicator scores given directly as an array (unit, period, indicator).

        Examples
        --------
        >>> ds = Dataset.from_arrays(["A", "B"], [2024], ["q1"], np.array([[[1.0]], [[0.0]]]))
        >>> ds.values.shape, bool(ds.present.all())
        ((2, 1, 1), True)
        """
        vals = np.array(values, dtype=np.float64)
        na = (
            np.zeros(vals.shape, dtype=bool)
            if not_applicable is None
            else np.array(not_applicable, dtype=bool)
        )
        return cls(
            units=tuple(units),
            periods=tuple(periods),
            indicators=tuple(indicators),
            raw=vals.copy(),
            values=vals,
            not_applicable=na,
            present=np.ones(vals.shape[:2], dtype=bool),
        )


@dataclass(frozen=True)
class Variables:
    """Columns of the data that are not indicators, aligned with a data set's units and periods.

    ``numbers`` (denominators) are float arrays (unit, period), NaN where missing; ``labels``
    (groups) are object arrays (unit, period) of text, ``""`` where missing.
    """

    numbers: Mapping[str, FloatArray] = field(default_factory=dict)
    labels: Mapping[str, npt.NDArray[Any]] = field(default_factory=dict)
