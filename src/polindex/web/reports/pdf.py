"""A report as a PDF: the report's HTML typeset by WeasyPrint, its charts drawn as SVG by
vl-convert (in a child process: see :mod:`polindex.analysis.renderer`), every letter in Source
Sans Pro from the ``font-source-sans-pro`` package (embedded, so the PDF reads the same
everywhere; nothing is taken from the machine's fonts)."""

from __future__ import annotations

import base64
import functools
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import override

from polindex.web.reports.content import Report
from polindex.web.reports.typeset import font_folder, typeset

if TYPE_CHECKING:
    from polindex.analysis.renderer import Renderer

FAMILY = "Source Sans Pro"
"""The one font family of a report, its charts' text included."""
FACES = {("normal", 400): "Regular", ("normal", 600): "Semibold", ("normal", 700): "Bold",
         ("italic", 400): "It"}  # fmt: skip
"""The faces a report uses: (style, weight) → the font file's suffix."""


def font_faces() -> str:
    """The CSS ``@font-face`` rules of the report's font, pointing at the package's files.

    Examples
    --------
    >>> "font-family: 'Source Sans Pro'" in font_faces()
    True
    """
    rules = []
    for (style, weight), suffix in FACES.items():
        path = font_folder() / f"SourceSansPro-{suffix}.ttf"
        rules.append(
            f"@font-face {{ font-family: '{FAMILY}'; font-style: {style}; "
            f"font-weight: {weight}; src: url('{path.as_uri()}'); }}"
        )
    return "\n".join(rules)


@functools.cache
def _renderer() -> Renderer:
    """This process's chart renderer (a child process that a crash cannot take down)."""
    from polindex.analysis.renderer import Renderer

    return Renderer()


def chart_svg(spec: dict[str, Any]) -> str:
    """A chart's SVG as a report draws it: a page's width, text in the report's font."""
    from polindex.analysis.charts import prepared

    config = {
        **spec.get("config", {}),
        "font": FAMILY,
        "axis": {"labelFontSize": 11, "titleFontSize": 11},
        "axisX": {"labelAngle": 0},
        "axisY": {"labelLimit": 230},
        "legend": {"columns": 3, "labelFontSize": 11, "labelLimit": 230, "symbolSize": 80},
        "title": {"fontSize": 14},
    }
    drawn = {**prepared(spec), "config": config, "width": 440}
    if isinstance(drawn.get("height"), int):  # a line chart: a third of a page is plenty
        drawn["height"] = min(drawn["height"], 170)
    svg = _renderer().render(drawn, "svg")
    return svg if isinstance(svg, str) else svg.decode()


def _data_uri(svg: str) -> str:
    """An SVG document as a ``data:`` address.

    >>> _data_uri("<svg/>")
    'data:image/svg+xml;base64,PHN2Zy8+'
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def html_of(report: Report) -> str:
    """The report as the HTML document WeasyPrint typesets (charts inline as SVG)."""
    with override(report.lang):
        figures = {  # as images: WeasyPrint reads an SVG image faster than SVG in the page
            key: {"chart": chart, "svg": _data_uri(chart_svg(chart.spec))}
            for key, chart in report.charts.items()
        }
        context = {**report.context, "figures": figures, "font_faces": mark_safe(font_faces())}
        return render_to_string("reports/print.html", context)


def pdf_of(report: Report) -> bytes:
    """The report as PDF bytes (see the module docstring).

    Examples (with Django set up)::

        pdf_of(content.build(release, "Synthetic-A", "en"))[:5]  # b'%PDF-'
    """
    return typeset(html_of(report))
