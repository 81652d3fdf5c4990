"""Inter-coder agreement against Krippendorff's own worked example."""

from __future__ import annotations

import math

import pytest

from polindex.analysis.agreement import agreement

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1–5, missing marked None; published: nominal .743, ordinal .815, interval .849
TABLE = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def codings() -> list[tuple[str, str, str, float]]:
    return [
        (f"U{k:02d}", "q", coder, float(v))
        for coder, values in TABLE.items()
        for k, v in enumerate(values)
        if v is not None
    ]


def test_ordinal_alpha_reproduces_the_published_value() -> None:
    row = agreement(codings())["by_indicator"].loc["q"]
    assert round(float(row["alpha"]), 3) == 0.815
    assert int(row["items"]) == 11  # unit 12 has one value: not pairable


def test_percent_agreement_over_pairs() -> None:
    table = agreement(codings())["by_unit"]
    assert float(table.loc["U00", "percent"]) == 1.0  # 1, 1, 1
    assert float(table.loc["U01", "percent"]) == 0.5  # 2, 2, 3, 2: 3 of 6 pairs agree
    assert float(table.loc["U05", "percent"]) == 0.0  # 1, 2, 3, 4
    assert int(table.loc["U11", "items"]) == 0  # one coder only
    assert float(agreement(codings())["by_indicator"].loc["q", "percent"]) == pytest.approx(
        (1 + 0.5 + 1 + 1 + 1 + 0 + 1 + 0.5 + 1 + 1 + 1) / 11
    )


def test_alpha_is_undefined_without_variation() -> None:
    same = [("AT", "q", c, 100.0) for c in ("ann", "bob")]
    row = agreement(same)["by_indicator"].loc["q"]
    assert math.isnan(float(row["alpha"]))
    assert float(row["percent"]) == 1.0
