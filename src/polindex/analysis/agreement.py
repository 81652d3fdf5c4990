"""Inter-coder agreement where several experts answer the same country's questionnaire:
percent agreement and Krippendorff's alpha (ordinal, on the options' scores), per indicator
(across countries) and per country (across indicators)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

import krippendorff
import numpy as np
import pandas as pd


def _alpha(table: pd.DataFrame) -> float:
    """Ordinal alpha of a coders × items table (NaN where undefined)."""
    data = table.to_numpy(dtype=float)
    values = data[~np.isnan(data)]
    pairable = (np.sum(~np.isnan(data), axis=0) >= 2).sum()
    if pairable == 0 or len(np.unique(values)) < 2:
        return math.nan  # no pairable item, or a single value: alpha is undefined
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal"))


def _percent(table: pd.DataFrame) -> tuple[float, int]:
    """Share of agreeing coder pairs over the items coded at least twice, and that count."""
    shares = []
    for _, column in table.items():
        coded = column.dropna().tolist()
        pairs = list(itertools.combinations(coded, 2))
        if pairs:
            shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return (float(np.mean(shares)) if shares else math.nan), len(shares)


def agreement(codings: Iterable[tuple[str, str, str, float]]) -> dict[str, pd.DataFrame]:
    """Agreement tables from (unit, indicator, coder, score) codings.

    Returns ``by_indicator`` and ``by_unit``: percent agreement, Krippendorff's alpha
    (ordinal) and the number of items coded by two coders or more.

    Examples
    --------
    >>> rows = [("AT", "q1", "ann", 100), ("AT", "q1", "bob", 100),
    ...         ("BE", "q1", "ann", 0), ("BE", "q1", "bob", 50),
    ...         ("AT", "q2", "ann", 50), ("AT", "q2", "bob", 50)]
    >>> t = agreement(rows)
    >>> q1 = t["by_indicator"].loc["q1"]
    >>> float(q1["percent"]), int(q1["items"])
    (0.5, 2)
    >>> float(t["by_unit"].loc["AT", "percent"])
    1.0
    """
    frame = pd.DataFrame(list(codings), columns=["unit", "indicator", "coder", "score"])
    out = {}
    for key, other in (("indicator", "unit"), ("unit", "indicator")):
        rows = []
        for name, part in frame.groupby(key, sort=True):
            table = part.pivot_table(index="coder", columns=other, values="score", aggfunc="first")
            percent, items = _percent(table)
            rows.append({key: name, "percent": percent, "alpha": _alpha(table), "items": items})
        out[f"by_{key}"] = pd.DataFrame(rows, columns=[key, "percent", "alpha", "items"]).set_index(
            key
        )
    return out
