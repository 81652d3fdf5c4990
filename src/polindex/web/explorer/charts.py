"""The explorer's charts: each one a Vega-Lite spec with the table it is drawn from.

A chart is addressed by a path (``series/<unit>``, ``ranking/<node>/<period>``,
``compare/<period>/<A,B,C>``) so that every format of it — the page's drawing, PNG, SVG, CSV,
the spec as JSON and an embeddable page — has a stable URL that a static bake can follow.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FORMATS = ("png", "svg", "csv", "json", "html")
BAR = "#0b5394"  # 7.6:1 on white


@dataclass(frozen=True)
class Chart:
    """One chart of one release: its route, title, text summary, data table and spec."""

    route: str
    kwargs: dict[str, str]
    title: str
    summary: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    spec: dict[str, Any] = field(repr=False)

    def url(self, fmt: str) -> str:
        """The URL of this chart in ``fmt`` (one of :data:`FORMATS`)."""
        return reverse(f"explorer:chart-{self.route}", kwargs={**self.kwargs, "fmt": fmt})

    @property
    def links(self) -> dict[str, str]:
        return {fmt: self.url(fmt) for fmt in FORMATS}

    def csv(self) -> str:
        """The chart's data as CSV (empty cells for missing values).

        Examples
        --------
        >>> Chart("series", {}, "t", "s", ("unit", "score"), [("A,B", 1.5), ("C", None)], {}).csv()
        'unit,score\\r\\n"A,B",1.5\\r\\nC,\\r\\n'
        """
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        writer.writerows(["" if v is None else v for v in row] for row in self.rows)
        return out.getvalue()


def _records(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows]


def series(base: dict[str, str], unit: str, label: str, scores: list[Any]) -> Chart:
    """A unit's score over the periods (a line chart)."""
    columns = ("unit", "period", "score", "rank")
    rows = [(unit, s.period, s.score, s.rank) for s in scores]
    present = [s for s in scores if s.score is not None]
    summary = (
        f"{label} of {unit} from {present[0].period} ({present[0].score:.1f}) "
        f"to {present[-1].period} ({present[-1].score:.1f})."
        if present
        else f"No score of {unit}."
    )
    title = f"{unit}: {label}"
    spec = {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 220,
        "data": {"values": _records(columns, rows)},
        "mark": {"type": "line", "point": True, "color": BAR},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "title": None},
            "y": {"field": "score", "type": "quantitative", "title": "Score"},
            "tooltip": [
                {"field": "period"},
                {"field": "score", "format": ".1f"},
                {"field": "rank"},
            ],
        },
    }
    return Chart("series", {**base, "unit": unit}, title, summary, columns, rows, spec)


def ranking(base: dict[str, str], node: str, label: str, period: str, scores: list[Any]) -> Chart:
    """Every unit's score on a node in a period, best first (a bar chart)."""
    columns = ("rank", "unit", "score", "band")
    rows = [(s.rank, s.unit, s.score, s.band) for s in scores]
    present = [s for s in scores if s.score is not None]
    summary = (
        f"{label}, {period}: {len(present)} countries from {present[0].unit} "
        f"({present[0].score:.1f}) to {present[-1].unit} ({present[-1].score:.1f})."
        if present
        else f"{label}, {period}: no scores."
    )
    title = f"{label} — {period}"
    spec = {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": {"step": 14},
        "data": {"values": _records(columns, rows)},
        "mark": {"type": "bar", "color": BAR},
        "encoding": {
            "y": {"field": "unit", "type": "nominal", "sort": {"field": "rank"}, "title": None},
            "x": {"field": "score", "type": "quantitative", "title": "Score"},
            "tooltip": [{"field": "unit"}, {"field": "score", "format": ".1f"}, {"field": "rank"}],
        },
    }
    return Chart(
        "ranking", {**base, "node": node, "period": period}, title, summary, columns,
        rows, spec,
    )  # fmt: skip


def compare(
    base: dict[str, str], period: str, units: list[str], nodes: list[tuple[str, str]],
    scores: dict[tuple[str, str], float | None],
) -> Chart:  # fmt: skip
    """Several units side by side on the given nodes (code, label) in a period (grouped bars)."""
    columns = ("node", "label", "unit", "score")
    rows = [(code, label, u, scores.get((code, u))) for code, label in nodes for u in units]
    summary = f"Scores of {', '.join(units)} in {period} on {len(nodes)} areas."
    title = f"{', '.join(units)} — {period}"
    spec = {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 260,
        "data": {"values": _records(columns, rows)},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "label", "type": "nominal", "title": None, "sort": None},
            "xOffset": {"field": "unit", "sort": units},
            "y": {"field": "score", "type": "quantitative", "title": "Score"},
            "color": {
                "field": "unit", "type": "nominal", "sort": units, "title": None,
                "scale": {"scheme": "dark2"},
            },
            "tooltip": [{"field": "label"}, {"field": "unit"}, {"field": "score", "format": ".1f"}],
        },
    }  # fmt: skip
    return Chart(
        "compare", {**base, "period": period, "units": ",".join(units)}, title, summary,
        columns, rows, spec,
    )  # fmt: skip


def rank_intervals(base: dict[str, str], target: str, period: str, summary: list[dict[str, Any]]
                   ) -> Chart:  # fmt: skip
    """Each unit's nominal rank and its 5–95 % interval under the release's uncertainty
    analysis (rows of ``Evaluation.summary()`` as stored with the release)."""
    import pandas as pd

    from polindex.analysis.charts import rank_uncertainty

    columns = ("unit", "rank_nominal", "rank_median", "rank_q05", "rank_q95")
    rows = [tuple(s.get(c) for c in columns) for s in summary]
    title = f"Rank uncertainty of {target}, {period}"
    spec = rank_uncertainty(pd.DataFrame(summary), title)
    widest = max(summary, key=lambda s: s["rank_q95"] - s["rank_q05"], default=None)
    summary_text = (
        f"Rank intervals of {len(summary)} countries; the widest is {widest['unit']}'s, "
        f"{widest['rank_q05']:.0f} to {widest['rank_q95']:.0f}."
        if widest
        else "No rank intervals."
    )
    return Chart("robustness", dict(base), title, summary_text, columns, rows, spec)
