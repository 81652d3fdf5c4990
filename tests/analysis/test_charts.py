"""Chart specs and their local rendering."""

from __future__ import annotations

import pandas as pd

from polindex.analysis.charts import (
    correlation_heatmap,
    rank_uncertainty,
    render_png,
    render_svg,
    sensitivity_bars,
)

SUMMARY = pd.DataFrame(
    {
        "unit": ["B", "A"],
        "rank_nominal": [2.0, 1.0],
        "rank_median": [2.0, 1.0],
        "rank_q05": [1.0, 1.0],
        "rank_q95": [2.0, float("nan")],
    }
)


def test_rank_uncertainty_spec_orders_by_nominal_rank_and_keeps_missing_as_null() -> None:
    spec = rank_uncertainty(SUMMARY)
    assert spec["layer"][0]["encoding"]["x"]["sort"] == {"field": "rank_nominal"}
    assert spec["data"]["values"][1]["rank_q95"] is None
    assert spec["$schema"].endswith("vega-lite/v6.json")


def test_sensitivity_bars_have_both_indices_with_intervals() -> None:
    table = pd.DataFrame(
        {
            "input": ["w", "agg"],
            "first_order": [0.1, 0.5],
            "first_order_q05": [0.0, 0.4],
            "first_order_q95": [0.2, 0.6],
            "total": [0.2, 0.7],
            "total_q05": [0.1, 0.6],
            "total_q95": [0.3, 0.8],
        }
    )
    values = sensitivity_bars(table)["data"]["values"]
    assert [(v["input"], v["index"], v["value"]) for v in values] == [
        ("w", "first order", 0.1),
        ("w", "total", 0.2),
        ("agg", "first order", 0.5),
        ("agg", "total", 0.7),
    ]


def test_rendering_is_local_svg_and_png() -> None:
    spec = correlation_heatmap(pd.DataFrame({"var1": ["a"], "var2": ["b"], "r": [-0.25]}))
    svg = render_svg(spec)
    assert svg.startswith("<svg")
    assert "\u22120.25" in svg  # the value in its cell, with the typographic minus Vega writes
    png = render_png(rank_uncertainty(SUMMARY))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
