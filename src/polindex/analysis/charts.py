"""Vega-Lite (v6) chart specs for robustness results, rendered to SVG/PNG with vl-convert.

Specs are plain dicts with their data inline, so the same spec can be drawn in a browser by
vega-embed (publication) or rendered here for reports; rendering runs locally (vl-convert bundles
Vega) and fetches nothing.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import vl_convert

from polindex.framework.models import NOT_XML

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
"""The schema URL is an identifier only; nothing is downloaded."""


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append(
            {
                str(k): (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in rec.items()
            }
        )
    return out


def rank_uncertainty(
    summary: pd.DataFrame, title: str = "Rank uncertainty", rank_title: str = "Rank"
) -> dict[str, Any]:
    """Units ordered by nominal rank, a bar from the 5th to the 95th percentile of their rank,
    the median and the nominal rank (``summary`` from ``Evaluation.summary()``); ``title`` and
    ``rank_title`` (the axis) in the reader's language.

    Examples
    --------
    >>> s = pd.DataFrame({"unit": ["A", "B"], "rank_nominal": [1.0, 2.0], "rank_median": [1.0, 2.0],
    ...                   "rank_q05": [1.0, 1.0], "rank_q95": [2.0, 2.0]})
    >>> spec = rank_uncertainty(s)
    >>> spec["layer"][0]["mark"]["type"], len(spec["data"]["values"])
    ('rule', 2)
    """
    cols = ["unit", "rank_nominal", "rank_median", "rank_q05", "rank_q95"]
    x = {"field": "unit", "type": "nominal", "sort": {"field": "rank_nominal"}, "title": None}
    rank_axis = {"type": "quantitative", "scale": {"reverse": True}, "title": rank_title}
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 300,
        "data": {"values": _records(summary[cols])},
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 3, "opacity": 0.6},
                "encoding": {
                    "x": x,
                    "y": {"field": "rank_q05", **rank_axis},
                    "y2": {"field": "rank_q95"},
                },
            },
            {
                "mark": {"type": "point", "filled": True},
                "encoding": {"x": x, "y": {"field": "rank_median", **rank_axis}},
            },
            {
                "mark": {"type": "tick", "color": "black"},
                "encoding": {"x": x, "y": {"field": "rank_nominal", **rank_axis}},
            },
        ],
    }


def sensitivity_bars(table: pd.DataFrame, title: str = "Sensitivity indices") -> dict[str, Any]:
    """First-order and total indices per input with their bootstrap intervals
    (``table`` from ``Sensitivity.table()``).

    Examples
    --------
    >>> t = pd.DataFrame({"input": ["w"], "first_order": [0.2], "first_order_q05": [0.1],
    ...                   "first_order_q95": [0.3], "total": [0.4], "total_q05": [0.3],
    ...                   "total_q95": [0.5]})
    >>> [v["index"] for v in sensitivity_bars(t)["data"]["values"]]
    ['first order', 'total']
    """
    rows = []
    for rec in _records(table):
        for key, label in (("first_order", "first order"), ("total", "total")):
            rows.append(
                {
                    "input": rec["input"],
                    "index": label,
                    "value": rec[key],
                    "low": rec[f"{key}_q05"],
                    "high": rec[f"{key}_q95"],
                }
            )
    x = {"field": "input", "type": "nominal", "title": None}
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 250,
        "data": {"values": rows},
        "encoding": {"x": x, "xOffset": {"field": "index"}},
        "layer": [
            {
                "mark": "bar",
                "encoding": {
                    "y": {"field": "value", "type": "quantitative", "title": "Index"},
                    "color": {"field": "index", "type": "nominal"},
                },
            },
            {
                "mark": "rule",
                "encoding": {
                    "y": {"field": "low", "type": "quantitative"},
                    "y2": {"field": "high"},
                },
            },
        ],
    }


def correlation_heatmap(pairs: pd.DataFrame, title: str = "Correlations") -> dict[str, Any]:
    """A heat map of correlations (``var1``, ``var2``, ``r`` rows, shown both ways).

    Examples
    --------
    >>> p = pd.DataFrame({"var1": ["a"], "var2": ["b"], "r": [0.5]})
    >>> len(correlation_heatmap(p)["data"]["values"])
    2
    """
    both = pd.concat(
        [
            pairs[["var1", "var2", "r"]],
            pairs[["var2", "var1", "r"]].set_axis(["var1", "var2", "r"], axis=1),
        ],
        ignore_index=True,
    )
    return {
        "$schema": SCHEMA,
        "title": title,
        "data": {"values": _records(both)},
        "encoding": {
            "x": {"field": "var1", "type": "nominal", "title": None},
            "y": {"field": "var2", "type": "nominal", "title": None},
        },
        "layer": [
            {
                "mark": "rect",
                "encoding": {
                    "color": {
                        "field": "r",
                        "type": "quantitative",
                        "scale": {"domain": [-1, 1], "scheme": "redblue"},
                    }
                },
            },
            {
                "mark": {"type": "text", "fontSize": 9},
                "encoding": {"text": {"field": "r", "type": "quantitative", "format": ".2f"}},
            },
        ],
    }


def renderable(value: Any) -> Any:
    """``value`` (a chart spec or any part of it) with every character that XML cannot hold
    replaced by U+FFFD: vl-convert aborts the whole process on one (a control character in a
    unit name, say) instead of raising an error.

    Examples
    --------
    >>> renderable({"data": {"values": [{"unit": "A\\x01B"}]}, "title": "ok"})
    {'data': {'values': [{'unit': 'A�B'}]}, 'title': 'ok'}
    """
    if isinstance(value, str):
        return NOT_XML.sub("\ufffd", value)
    if isinstance(value, dict):
        return {renderable(k): renderable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [renderable(v) for v in value]
    return value


def prepared(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` as it is rendered: a fixed width for a container-wide chart, and
    :func:`renderable` text.

    Examples
    --------
    >>> prepared({"width": "container", "title": "A\x02"})
    {'width': 600, 'title': 'A�'}
    """
    fixed = {**spec, "width": 600} if spec.get("width") == "container" else spec
    out: dict[str, Any] = renderable(fixed)
    return out


def render_svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document (rendered locally by vl-convert).

    Examples
    --------
    >>> render_svg(correlation_heatmap(pd.DataFrame({"var1": ["a"], "var2": ["b"], "r": [0.5]}))
    ...            ).startswith("<svg")
    True
    """
    out: str = vl_convert.vegalite_to_svg(prepared(spec))
    return out


def render_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    """The chart as PNG bytes."""
    out: bytes = vl_convert.vegalite_to_png(prepared(spec), scale=scale)
    return out
