"""The explorer's charts: each one a Vega-Lite spec with the table it is drawn from.

A chart is addressed by a path (``series/<unit>``, ``ranking/<node>/<period>``,
``compare/<period>/<A,B,C>``) so that every format of it — the page's drawing, PNG, SVG, CSV,
the spec as JSON and an embeddable page — has a stable URL that a static bake can follow.

Every word of a chart is in the reader's language (``reading.lang``): its title, its text
summary, axis and tooltip titles, its table's headers, and its numbers, written as the page
writes them (Django's formats: ``0,31`` in French) — in the summary, the table and the drawing
(Vega's number locale). Only the CSV keeps codes as its column names and a decimal point: it is
data for programs.
"""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import translation
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

if TYPE_CHECKING:
    from polindex.web.explorer.display import Line, Reading

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FORMATS = ("png", "svg", "csv", "json", "html")
BAR = "#0b5394"  # 7.6:1 on white
HEADERS = {
    "unit": gettext_lazy("Code"),
    "name": gettext_lazy("Country"),
    "period": gettext_lazy("Period"),
    "score": gettext_lazy("Score"),
    "rank": gettext_lazy("Rank"),
    "band": gettext_lazy("Band"),
    "node": gettext_lazy("Code"),
    "label": gettext_lazy("Area or indicator"),
    "rank_nominal": gettext_lazy("Rank"),
    "rank_median": gettext_lazy("Median"),
    "rank_q05": "5 %",
    "rank_q95": "95 %",
}
"""A chart table's column headers as a reader reads them (the CSV keeps the codes)."""


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
    decimals: int = 1
    """Decimals of the scores in the chart's readable table (the CSV keeps them whole)."""

    @property
    def headers(self) -> list[str]:
        """The columns' headers in the reader's language.

        Examples
        --------
        >>> from django.utils import translation
        >>> with translation.override("fr"):
        ...     Chart("s", {}, "t", "s", ("name", "score", "rank"), [], {}).headers
        ['Pays', 'Score', 'Rang']
        """
        return [str(HEADERS.get(c, c)) for c in self.columns]

    def url(self, fmt: str) -> str:
        """The URL of this chart in ``fmt`` (one of :data:`FORMATS`)."""
        return reverse(f"explorer:chart-{self.route}", kwargs={**self.kwargs, "fmt": fmt})

    @property
    def links(self) -> dict[str, str]:
        return {fmt: self.url(fmt) for fmt in FORMATS}

    @property
    def shown_rows(self) -> list[tuple[str, ...]]:
        """The rows as a reader reads them: numbers with the index's decimals in the reader's
        notation, "–" for none.

        Examples
        --------
        >>> Chart("s", {}, "t", "s", ("unit", "score", "rank"), [("A", 0.38123, 2)], {},
        ...       decimals=2).shown_rows
        [('A', '0.38', '2')]
        """
        from django.utils.formats import number_format

        def text(value: Any) -> str:
            if value is None:
                return "–"
            if isinstance(value, float):
                return number_format(round(value, self.decimals), decimal_pos=self.decimals)
            return str(value)

        return [tuple(text(v) for v in row) for row in self.rows]

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


def _format(decimals: int) -> str:
    """The d3 number format of a score with ``decimals`` decimals."""
    return f".{decimals}f"


def _number(value: float | None, decimals: int) -> str:
    """A number as the page writes it in the active language (``0,31`` in French)."""
    if value is None:
        return "–"
    return number_format(round(value, decimals), decimal_pos=decimals)


def _config() -> dict[str, Any]:
    """The spec's ``config``: Vega writes numbers with the active language's decimal and
    thousands separators, as the page and the summary do.

    Examples
    --------
    >>> from django.utils import translation
    >>> with translation.override("fr"):
    ...     _config()["locale"]["number"]["decimal"]
    ','
    """
    thousands = str(get_format("THOUSAND_SEPARATOR"))
    number = {
        "decimal": str(get_format("DECIMAL_SEPARATOR")),
        "thousands": thousands,
        "grouping": [int(get_format("NUMBER_GROUPING")) or 3],
        "currency": ["", ""],
    }
    return {"locale": {"number": number}}


def _tip(field: str, **more: Any) -> dict[str, Any]:
    """A tooltip entry titled in the reader's language."""
    return {"field": field, "title": str(HEADERS.get(field, field)), **more}


def _score_title(reading: Reading) -> str:
    """The score axis's title, saying which end is better when lower is."""
    return _("Score") if reading.framework.higher_is_better else _("Score (lower is better)")


TITLE_LINE = 40
"""Characters per line of a chart's title: a phone's width (390 px) holds about 45 at Vega's
13 px bold; a longer title is cut off on both sides, so it is wrapped instead."""


def _title(text: str) -> dict[str, Any]:
    """A spec's ``title``: the text wrapped at word boundaries in lines of at most
    :data:`TITLE_LINE` characters, set at the left (where the plot starts).

    Examples
    --------
    >>> _title("Questionnaire de démonstration de type MIPEX (pas le MIPEX officiel) — 2024")
    {'text': ['Questionnaire de démonstration de type', 'MIPEX (pas le MIPEX officiel) — 2024'], 'anchor': 'start'}
    """  # noqa: E501
    lines = textwrap.wrap(text, TITLE_LINE, break_long_words=False, break_on_hyphens=False)
    return {"text": lines or [text], "anchor": "start"}


def _band_colours(reading: Reading) -> dict[str, Any]:
    """A colour encoding by band label with the framework's colours (empty without bands)."""
    if not reading.has_bands:
        return {}
    labels = [label for label, _colour in reading.bands.values()]
    colours = [colour for _label, colour in reading.bands.values()]
    return {
        "color": {
            "field": "band", "type": "nominal", "title": None,
            "scale": {"domain": labels, "range": colours},
            # two columns: in one row, six bands run off a phone's screen
            "legend": {"orient": "bottom", "direction": "horizontal", "columns": 2},
        }
    }  # fmt: skip


def series(
    base: dict[str, str], unit: str, label: str, scores: list[Any], reading: Reading
) -> Chart:
    """A unit's score over the periods (a line chart), in the reader's language."""
    with translation.override(reading.lang):
        name, d = reading.name(unit), reading.decimals
        columns = ("unit", "name", "period", "score", "rank")
        rows = [(unit, name, s.period, s.score, s.rank) for s in scores]
        present = [s for s in scores if s.score is not None]
        if present:
            first, last = present[0], present[-1]
            summary = _(
                "%(name)s: %(label)s went from %(first)s in %(start)s to %(last)s in %(end)s."
            ) % {
                "name": name, "label": label, "start": first.period, "end": last.period,
                "first": _number(first.score, d), "last": _number(last.score, d),
            }  # fmt: skip
        else:
            summary = _("%(name)s: no score.") % {"name": name}
        title = _("%(name)s: %(label)s") % {"name": name, "label": label}
        spec = {
            "$schema": SCHEMA,
            "title": _title(title),
            "width": "container",
            "height": 220,
            "data": {"values": _records(columns, rows)},
            "mark": {"type": "line", "point": True, "color": BAR},
            "encoding": {
                "x": {"field": "period", "type": "ordinal", "title": None},
                "y": {"field": "score", "type": "quantitative", "title": _score_title(reading)},
                "tooltip": [_tip("period"), _tip("score", format=_format(d)), _tip("rank")],
            },
            "config": _config(),
        }
    return Chart("series", {**base, "unit": unit}, title, summary, columns, rows, spec, d)


def ranking(
    base: dict[str, str], node: str, label: str, period: str, lines: list[Line],
    reading: Reading,
) -> Chart:  # fmt: skip
    """Every ranked unit's score on a node in a period, best first (a bar chart), coloured by
    band when the index has bands; in the reader's language."""
    with translation.override(reading.lang):
        d = reading.decimals
        columns = ("rank", "unit", "name", "score", "band")
        rows = [(s.rank, s.unit, s.name, s.score, s.band) for s in lines]
        present = [s for s in lines if s.score is not None]
        if present:
            first, last = present[0], present[-1]
            summary = ngettext(
                "%(label)s, %(period)s: %(n)s country, %(first)s (%(first_score)s).",
                "%(label)s, %(period)s: %(n)s countries; first %(first)s (%(first_score)s), "
                "last %(last)s (%(last_score)s).",
                len(present),
            ) % {
                "label": label, "period": period, "n": len(present),
                "first": first.name, "first_score": _number(first.score, d),
                "last": last.name, "last_score": _number(last.score, d),
            }  # fmt: skip
        else:
            summary = _("%(label)s, %(period)s: no scores.") % {"label": label, "period": period}
        tooltip = [_tip("name"), _tip("score", format=_format(d)), _tip("rank")]
        if reading.has_bands:
            tooltip.append(_tip("band"))
        title = f"{label} — {period}"
        spec = {
            "$schema": SCHEMA,
            "title": _title(title),
            "width": "container",
            "height": {"step": 14},
            "data": {"values": _records(columns, rows)},
            "mark": {"type": "bar", "color": BAR, "stroke": "#6b6b6b", "strokeWidth": 0.5},
            "encoding": {
                "y": {"field": "name", "type": "nominal", "sort": {"field": "rank"}, "title": None},
                "x": {"field": "score", "type": "quantitative", "title": _score_title(reading)},
                "tooltip": tooltip,
                **_band_colours(reading),
            },
            "config": _config(),
        }
    return Chart(
        "ranking", {**base, "node": node, "period": period}, title, summary, columns,
        rows, spec, d,
    )  # fmt: skip


def compare(
    base: dict[str, str], period: str, units: list[str], nodes: list[tuple[str, str]],
    scores: dict[tuple[str, str], float | None], reading: Reading,
) -> Chart:  # fmt: skip
    """Several units side by side on the given nodes (code, label) in a period (grouped bars),
    in the reader's language."""
    with translation.override(reading.lang):
        names = [reading.name(u) for u in units]
        columns = ("node", "label", "unit", "name", "score")
        rows = [
            (code, label, u, n, scores.get((code, u)))
            for code, label in nodes
            for u, n in zip(units, names, strict=True)
        ]
        parts = len(nodes) - 1  # the index and its first level
        summary = ngettext(
            "Scores in %(period)s on the index and its %(n)s part: %(names)s.",
            "Scores in %(period)s on the index and its %(n)s parts: %(names)s.",
            parts,
        ) % {"period": period, "n": parts, "names": ", ".join(names)}
        title = f"{', '.join(names)} — {period}"
        d = reading.decimals
        spec = {
            "$schema": SCHEMA,
            "title": _title(title),
            "width": "container",
            "height": 260,
            "data": {"values": _records(columns, rows)},
            "mark": {"type": "bar"},
            "encoding": {
                "x": {"field": "label", "type": "nominal", "title": None, "sort": None},
                "xOffset": {"field": "name", "sort": names},
                "y": {"field": "score", "type": "quantitative", "title": _score_title(reading)},
                "color": {
                    "field": "name", "type": "nominal", "sort": names, "title": None,
                    "scale": {"scheme": "dark2"},
                },
                "tooltip": [_tip("label"), _tip("name"), _tip("score", format=_format(d))],
            },
            "config": _config(),
        }  # fmt: skip
    return Chart(
        "compare", {**base, "period": period, "units": ",".join(units)}, title, summary,
        columns, rows, spec, d,
    )  # fmt: skip


def rank_intervals(base: dict[str, str], target: str, period: str, summary: list[dict[str, Any]],
                   reading: Reading) -> Chart:  # fmt: skip
    """Each unit's nominal rank and its 5–95 % interval under the release's uncertainty
    analysis (rows of ``Evaluation.summary()`` as stored with the release), in the reader's
    language (``target``: the label of the node analysed)."""
    import pandas as pd

    from polindex.analysis.charts import rank_uncertainty

    with translation.override(reading.lang):
        summary = [
            {**s, "name": reading.name(s["unit"])}
            for s in summary
            if s.get("rank_nominal") is not None  # supranational units have no rank
        ]
        columns = ("unit", "name", "rank_nominal", "rank_median", "rank_q05", "rank_q95")
        rows = [tuple(s.get(c) for c in columns) for s in summary]
        title = _("Rank uncertainty: %(label)s, %(period)s") % {"label": target, "period": period}
        named = pd.DataFrame(summary).drop(columns="unit", errors="ignore")
        spec = rank_uncertainty(named.rename(columns={"name": "unit"}), title, _("Rank"))
        spec["config"] = _config()
        widest = max(summary, key=lambda s: s["rank_q95"] - s["rank_q05"], default=None)
        if widest:
            summary_text = ngettext(
                "Rank interval of %(n)s country: %(name)s, from rank %(low)s to %(high)s.",
                "Rank intervals of %(n)s countries; the widest: %(name)s, from rank %(low)s "
                "to %(high)s.",
                len(summary),
            ) % {
                "n": len(summary), "name": widest["name"],
                "low": _number(widest["rank_q05"], 0), "high": _number(widest["rank_q95"], 0),
            }  # fmt: skip
        else:
            summary_text = _("No rank intervals.")
    return Chart("robustness", dict(base), title, summary_text, columns, rows, spec)


def _listed(parts: list[str]) -> str:
    """The parts of a chart's summary, one after the other: "A 50 (rank 2); B 40 (rank 3)" (in
    French with a non-breaking space before the semicolon)."""
    return pgettext("list separator", "; ").join(parts)


def _changes(names: dict[str, str], rows: list[Any], d: int) -> str:
    """ "A from x (p) to y (q)" for each unit of ``rows`` (ordered by period), or "A x (p)"."""
    parts = []
    for unit, name in names.items():
        present = [s for s in rows if s.unit == unit and s.score is not None]
        if present:
            parts.append(_moved(name, present, d))
    return _listed(parts)


def _moved(name: str, present: list[Any], d: int) -> str:
    first, last = present[0], present[-1]
    if first is last:
        return _("%(name)s %(score)s (%(period)s)") % {
            "name": name, "score": _number(first.score, d), "period": first.period
        }  # fmt: skip
    return _("%(name)s from %(first)s (%(start)s) to %(last)s (%(end)s)") % {
        "name": name, "first": _number(first.score, d), "start": first.period,
        "last": _number(last.score, d), "end": last.period,
    }  # fmt: skip


def trend(
    base: dict[str, str], node: str, label: str, units: list[str], scores: list[Any],
    reading: Reading,
) -> Chart:  # fmt: skip
    """Several units' scores on a node over every period (a line per unit, as Our World in
    Data's line charts). ``scores`` are the rows of those units on ``node``, any order."""
    with translation.override(reading.lang):
        d = reading.decimals
        names = {u: reading.name(u) for u in units}
        order = {u: k for k, u in enumerate(units)}
        rows_sorted = sorted(scores, key=lambda s: (order.get(s.unit, 0), s.period))
        columns = ("unit", "name", "period", "score", "rank")
        rows = [(s.unit, names[s.unit], s.period, s.score, s.rank) for s in rows_sorted]
        told = _changes(names, rows_sorted, d)
        summary = (
            _("%(label)s over time: %(changes)s.") % {"label": label, "changes": told}
            if told
            else _("%(label)s: no scores.") % {"label": label}
        )
        title = label  # (the countries are in the legend: a long title would squeeze the plot)
        legend = {"orient": "bottom", "direction": "horizontal", "columns": 2, "labelLimit": 160}
        spec = _lines(title, columns, rows, ("name", list(names.values()), legend),
                      {"field": "name", "title": _("Country")}, reading)  # fmt: skip
        return Chart(
            "trend", {**base, "node": node, "units": ",".join(units)}, title, summary, columns,
            rows, spec, d,
        )  # fmt: skip


def areas(
    base: dict[str, str], unit: str, period: str, nodes: list[tuple[str, str]],
    scores: dict[str, Any], means: dict[str, float | None], reading: Reading,
) -> Chart:  # fmt: skip
    """A unit's score on each area (``nodes``: code, label) in a period, as bars coloured by
    band, each with a tick at the mean of the ranked countries."""
    with translation.override(reading.lang):
        d = reading.decimals
        name = reading.name(unit)
        columns = ("unit", "name", "node", "label", "score", "rank", "band", "mean")
        rows = []
        for code, label in nodes:
            s = scores.get(code)
            rows.append(
                (unit, name, code, label, s.score if s else None, s.rank if s else None,
                 reading.band(s.band) if s else "", means.get(code))
            )  # fmt: skip
        parts = [
            (
                _("%(area)s %(score)s (rank %(rank)s)") if r[5] else _("%(area)s %(score)s")
            ) % {"area": r[3], "score": _number(r[4], d), "rank": r[5]}
            for r in rows
            if r[4] is not None
        ]  # fmt: skip
        summary = (
            _("%(name)s, %(period)s: %(parts)s.") % {"name": name, "period": period,
                                                     "parts": _listed(parts)}
            if parts
            else _("%(name)s, %(period)s: no scores.") % {"name": name, "period": period}
        )  # fmt: skip
        title = f"{name}, {period}"
        scale = {"domain": [reading.framework.scale.min, reading.framework.scale.max]}
        bars: dict[str, Any] = {
            "mark": {"type": "bar", "color": BAR, "stroke": "#6b6b6b", "strokeWidth": 0.5},
            "encoding": {
                "x": {"field": "score", "type": "quantitative", "title": _score_title(reading),
                      "scale": scale},
                "tooltip": [
                    {"field": "label", "title": _("Area")},
                    {"field": "score", "title": _("Score"), "format": _format(d)},
                    {"field": "rank", "title": _("Rank")},
                    {"field": "mean", "title": _("Mean of the countries"), "format": _format(d)},
                ],
                **_band_colours(reading),
            },
        }  # fmt: skip
        ticks = {
            "mark": {"type": "tick", "color": "#1a1a1a", "thickness": 2},
            "encoding": {"x": {"field": "mean", "type": "quantitative"}},
        }
        spec = {
            "$schema": SCHEMA,
            "title": _title(title),
            "width": "container",
            "height": {"step": 28},
            "data": {"values": _records(columns, rows)},
            "encoding": {"y": {"field": "label", "type": "nominal", "title": None, "sort": None}},
            "layer": [bars, ticks],
            "config": _config(),
        }
        return Chart(
            "areas", {**base, "unit": unit, "period": period}, title, summary, columns, rows,
            spec, d,
        )  # fmt: skip


def area_series(
    base: dict[str, str], unit: str, nodes: list[tuple[str, str]], scores: list[Any],
    reading: Reading,
) -> Chart:  # fmt: skip
    """A unit's score on the index and each area (``nodes``: code, label, the index first)
    over every period: a line per node."""
    with translation.override(reading.lang):
        d = reading.decimals
        name = reading.name(unit)
        labels = dict(nodes)
        order = {code: k for k, (code, _label) in enumerate(nodes)}
        picked = sorted(
            (s for s in scores if s.node in labels), key=lambda s: (order[s.node], s.period)
        )
        columns = ("node", "label", "period", "score", "rank")
        rows = [(s.node, labels[s.node], s.period, s.score, s.rank) for s in picked]
        parts = []
        for code, label in nodes:
            present = [s for s in picked if s.node == code and s.score is not None]
            if len(present) > 1:
                parts.append(_moved(label, present, d))
        summary = (
            _("%(label)s over time: %(changes)s.") % {"label": name, "changes": _listed(parts)}
            if parts
            else _("%(name)s: one period only.") % {"name": name}
        )
        title = name
        legend = {"orient": "bottom", "direction": "vertical", "labelLimit": 300}
        spec = _lines(title, columns, rows, ("label", [label for _code, label in nodes], legend),
                      {"field": "label", "title": _("Area")}, reading)  # fmt: skip
        return Chart("area-series", {**base, "unit": unit}, title, summary, columns, rows, spec, d)


def _lines(
    title: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]],
    colour: tuple[str, list[str], dict[str, Any]], first: dict[str, str], reading: Reading,
) -> dict[str, Any]:  # fmt: skip
    """A line chart's spec over the periods on the index's whole scale: a line per value of
    ``colour``'s field (field, its order, its legend), ``first`` the tooltip's first line."""
    field, order, legend = colour
    scale = {"domain": [reading.framework.scale.min, reading.framework.scale.max]}
    return {
        "$schema": SCHEMA,
        "title": _title(title),
        "width": "container",
        "height": 260,
        "data": {"values": _records(columns, rows)},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "title": None,
                  "axis": {"labelOverlap": "greedy"}},
            "y": {"field": "score", "type": "quantitative", "title": _score_title(reading),
                  "scale": scale},
            "color": {"field": field, "type": "nominal", "title": None, "sort": order,
                      "scale": {"scheme": "dark2"}, "legend": legend},
            "tooltip": [
                first,
                {"field": "period", "title": _("Period")},
                {"field": "score", "title": _("Score"), "format": _format(reading.decimals)},
                {"field": "rank", "title": _("Rank")},
            ],
        },
        "config": _config(),
    }  # fmt: skip
