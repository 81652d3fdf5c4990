"""The typology page (``/INDEX/VERSION/typology/``): groups of countries with a similar approach,
the criterion that chose their number, their stability under resampling, a chart of each
group's mean scores (drawn on the server as SVG: no script needed) and the framework's named
approaches; as CSV with ``?format=csv``."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, ngettext

from polindex.analysis.typology import K_RANGE, METHODS
from polindex.io.sheets import csv_text
from polindex.web.dialogue.peer_learning import (
    RESAMPLES,
    RefusedError,
    TypologyView,
    chosen_level,
    levels,
    release_or_404,
    typology_view,
)
from polindex.web.dialogue.recommendation_views import refused_page
from polindex.web.explorer import charts
from polindex.web.releases.models import Release

METHOD_LABELS = {"ward": "Ward", "kmeans": "k-means"}
"""The clustering methods' names (the same in every language)."""


def choices(request: HttpRequest, r: Release, lang: str | None) -> tuple[dict[str, Any], list[str]]:
    """The level, method and k asked for in the URL, each checked on its own: a bad one is
    replaced by its default and named in the notices (the page then shows the default view).
    Raises :class:`RefusedError` (404) when the release has nothing to group."""
    notices: list[str] = []
    level = request.GET.get("level") or None
    try:
        level = chosen_level(r, level, lang)
    except RefusedError as exc:
        if exc.status == 404:
            raise
        notices.append(exc.message)
        level = chosen_level(r, None, lang)
    method = request.GET.get("method") or "ward"
    if method not in METHODS:
        notices.append(
            gettext("There is no method “%(method)s”; choose Ward or k-means.") % {"method": method}
        )
        method = "ward"
    k: int | None = None
    asked = (request.GET.get("k") or "").strip()
    if asked:
        try:
            k = int(asked)
        except ValueError:
            notices.append(
                gettext("k = “%(k)s” is not a whole number: the silhouette chooses it.")
                % {"k": asked}
            )
        else:
            if not K_RANGE.start <= k < K_RANGE.stop:
                notices.append(
                    gettext("k = %(k)s is out of range: give 2 to %(top)s groups.")
                    % {"k": k, "top": K_RANGE.stop - 1}
                )
                k = None
    return {"level": level, "method": method, "k": k}, notices


def _view(r: Release, lang: str | None, chosen: dict[str, Any], notices: list[str]) -> TypologyView:
    """The typology as chosen; k that the countries cannot make is dropped with a notice."""
    try:
        return typology_view(r, lang, **chosen)
    except RefusedError as exc:
        if exc.status == 404 or chosen["k"] is None:
            raise
        notices.append(exc.message)
        return typology_view(r, lang, **{**chosen, "k": None})


def typology_page(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """The groups of countries on the area scores (``?level=`` another level, ``?method=ward|
    kmeans``, ``?k=2..8``; default: Ward, k by the silhouette), with their stability, chart
    and the framework's approaches; ``?format=csv`` for each country's group and approach."""
    r = release_or_404(request, index, version)
    lang = get_language()
    try:
        chosen, notices = choices(request, r, lang)
        view = _view(r, lang, chosen, notices)
    except RefusedError as exc:
        return refused_page(request, r, gettext("Countries with a similar approach"), exc.message)
    if request.GET.get("format") == "csv":
        return _csv(r, view)
    query = request.GET.copy()
    query["format"] = "csv"
    fw = r.definition.framework
    context = {
        "release": r,
        "synthetic": r.synthetic,
        "embargoed": r.embargoed,
        "view": view,
        "notices": notices,
        "levels": levels(r, lang),
        "methods": list(METHOD_LABELS.items()),
        "method_label": METHOD_LABELS[view.method],
        "ks": list(K_RANGE),
        "decimals": fw.decimals,
        "resamples_text": number_format(RESAMPLES, force_grouping=True),
        "period": str(view.typology.period),
        "lower_is_better": not fw.higher_is_better,
        "csv_url": "?" + query.urlencode(),
        "chart_url": _chart_url(view),
        "chart_links": {fmt: _chart_url(view, fmt) for fmt in ("csv", "json")},
        "chart_summary": _summary(view, fw.decimals),
        "api_url": f"/api/v1/releases/{r.index.code}/{r.version}/typology",
    }
    return render(request, "dialogue/typology.html", context)


def _chart_url(view: TypologyView, fmt: str = "svg") -> str:
    query = {"level": view.level, "method": view.method}
    if view.chosen_k:
        query["k"] = str(view.k)
    return f"chart.{fmt}?" + urlencode(query)


def _summary(view: TypologyView, decimals: int) -> str:
    """The chart in words: each group's size and mean scores."""
    parts = []
    for g in view.groups:
        means = ", ".join(
            f"{label} {charts._number(value, decimals)}" for _c, label, value in g.centres
        )
        parts.append(
            ngettext(
                "group %(n)s (%(size)s country): %(means)s",
                "group %(n)s (%(size)s countries): %(means)s",
                len(g.members),
            )
            % {"n": g.number, "size": len(g.members), "means": means}
        )
    return gettext("Mean scores of each group: %(parts)s.") % {"parts": "; ".join(parts)}


def spec(view: TypologyView, lang: str | None, higher_is_better: bool, scale: tuple[float, float],
         decimals: int) -> dict[str, Any]:  # fmt: skip
    """A Vega-Lite spec: each group's mean score on each node, grouped bars."""
    with translation.override(lang):
        group = gettext("Group")
        rows = [
            {"label": label, "group": f"{group} {g.number}", "score": value,
             "size": len(g.members)}
            for g in view.groups
            for _c, label, value in g.centres
        ]  # fmt: skip
        names = [f"{group} {g.number}" for g in view.groups]
        title = gettext("Mean score of each group")
        return {
            "$schema": charts.SCHEMA,
            "title": title,
            "width": 300,  # the plot: with the labels and legend about 500 px, legible on a phone
            "height": {"step": 13},
            "data": {"values": rows},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "label", "type": "nominal", "title": None, "sort": None,
                      "axis": {"labelLimit": 170}},
                "yOffset": {"field": "group", "sort": names},
                "x": {"field": "score", "type": "quantitative",
                      "title": gettext("Score") if higher_is_better
                      else gettext("Score (lower is better)"),
                      "scale": {"domain": list(scale)}},
                "color": {"field": "group", "type": "nominal", "sort": names, "title": None,
                          "scale": {"scheme": "dark2"},
                          "legend": {"orient": "bottom", "direction": "horizontal",
                                     "columns": 4}},
                "tooltip": [{"field": "group"}, {"field": "label"},
                            {"field": "score", "format": f".{decimals}f"}],
            },
            "config": {**charts._config(), "font": "sans-serif",
                       "axis": {"labelFontSize": 12, "titleFontSize": 12},
                       "legend": {"labelFontSize": 12}, "title": {"fontSize": 14}},
        }  # fmt: skip


def typology_chart(request: HttpRequest, index: str, version: str, fmt: str) -> HttpResponse:
    """The typology's chart (``svg``), its data (``csv``) or its Vega-Lite spec (``json``), for
    the same ``?level=&method=&k=`` as the page."""
    from polindex.analysis.charts import prepared
    from polindex.web.explorer.views import _renderer

    r = release_or_404(request, index, version)
    if fmt not in ("svg", "csv", "json"):
        raise Http404("no such format")
    lang = get_language()
    try:
        chosen, notices = choices(request, r, lang)
        view = _view(r, lang, chosen, notices)
    except RefusedError as exc:
        raise Http404(exc.message) from None
    fw = r.definition.framework
    chart = spec(view, lang, fw.higher_is_better, (fw.scale.min, fw.scale.max), fw.decimals)
    if fmt == "json":
        return HttpResponse(json.dumps(chart), content_type="application/json")
    if fmt == "csv":
        rows = [{"group": g.number, "node": c, "label": label, "mean_score": value}
                for g in view.groups for c, label, value in g.centres]  # fmt: skip
        body = csv_text(pd.DataFrame(rows, columns=["group", "node", "label", "mean_score"]))
        return _download(body, "text/csv; charset=utf-8", _name(r, "typology-chart") + ".csv")
    svg = _renderer().render(prepared(chart), "svg")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _name(r: Release, what: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{r.index.code}-{r.version}-{what}")


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(r: Release, view: TypologyView) -> HttpResponse:
    """Each country's group, its group's stability and its approach."""
    approach = {u: a.code for a in view.approaches for u, _n, _url in a.members}
    rows = [
        {"unit": u, "name": name, "level": view.level, "method": view.method, "k": view.k,
         "group": g.number, "group_stability": g.stability, "approach": approach.get(u, "")}
        for g in view.groups
        for u, name, _url in g.members
    ]  # fmt: skip
    columns = ["unit", "name", "level", "method", "k", "group", "group_stability", "approach"]
    body = csv_text(pd.DataFrame(rows, columns=columns))
    return _download(body, "text/csv; charset=utf-8", _name(r, "typology") + ".csv")
