"""Generate the synthetic demonstration data set (invented countries, invented answers).

Every unit is named ``Synthetic-…`` so the data can never pass for a real measurement.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from polindex.framework.definition import load_framework
from polindex.framework.models import Framework

FRAMEWORK_PATH = Path(__file__).with_name("synthetic.yaml")
UNITS = tuple(f"Synthetic-{c}" for c in "ABCDEFGHIJKL")
PERIODS = tuple(range(2019, 2025))


def synthetic_data(
    framework: Framework | None = None,
    *,
    units: tuple[str, ...] = UNITS,
    periods: tuple[int, ...] = PERIODS,
    seed: int = 2024,
    missing_share: float = 0.03,
) -> pd.DataFrame:
    """A long table (unit, period, indicator, value) of invented answers.

    Each unit has a latent openness that drifts over time; answers follow it, so rankings
    and changes look plausible. The same seed always gives the same table.

    Examples
    --------
    >>> data = synthetic_data()
    >>> data.shape, sorted(data["unit"].unique())[:2]
    ((864, 4), ['Synthetic-A', 'Synthetic-B'])
    >>> data.equals(synthetic_data())
    True
    """
    fw = framework or load_framework(FRAMEWORK_PATH)
    rng = np.random.default_rng(seed)
    indicators = fw.indicators
    n_u, n_p, n_i = len(units), len(periods), len(indicators)
    base = rng.uniform(0.2, 0.75, size=n_u)
    trend = rng.normal(0.02, 0.025, size=n_u)
    difficulty = rng.normal(0.0, 0.25, size=(n_u, n_i))
    years = np.arange(n_p)
    latent = base[:, None, None] + trend[:, None, None] * years[None, :, None] + difficulty[:, None]
    missing = rng.random((n_u, n_p, n_i)) < missing_share
    # filter questions and the questions they govern are always answered
    keep = {i.code for i in indicators if i.applicable_if} | {
        i.applicable_if.indicator for i in indicators if i.applicable_if
    }
    rows = []
    for ui, unit in enumerate(units):
        for pi, period in enumerate(periods):
            answers: dict[str, str] = {}
            for ii, ind in enumerate(indicators):
                x = float(latent[ui, pi, ii])
                rule = ind.applicable_if
                if rule is not None and not rule.applies(answers.get(rule.indicator, "")):
                    value = "n/a"
                elif ind.type == "categorical":
                    codes = [o.code for o in sorted(ind.options, key=lambda o: -o.score)]
                    value = codes[0] if x > 0.62 else codes[1] if x > 0.35 else codes[-1]
                elif ind.type == "boolean":
                    value = "true" if x > 0.45 else "false"
                else:
                    lo, hi = ind.bounds or (0.0, 100.0)
                    value = f"{np.clip(24 * (1 - x), lo, hi):.1f}"
                answers[ind.code] = value
                if missing[ui, pi, ii] and ind.code not in keep:
                    value = ""
                rows.append((unit, period, ind.code, value))
    return pd.DataFrame(rows, columns=["unit", "period", "indicator", "value"])
