"""Public pages: plain function views over visible releases only."""

from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from polindex.framework.units import fold
from polindex.web.explorer import charts, worldmap
from polindex.web.explorer.display import Reading
from polindex.web.releases import exports, stored
from polindex.web.releases.answers import answers
from polindex.web.releases.models import Release
from polindex.web.releases.robustness import ReleaseRobustness
from polindex.web.releases.visibility import visible_releases, visible_scores
from polindex.web.text import render as markdown

if TYPE_CHECKING:
    from polindex.analysis.renderer import Renderer

MAX_INDENT = 8  # tree rows are indented by depth up to this (classes indent-0 … indent-8)


def _periods(release: Release) -> list[str]:
    """The release's periods, in order."""
    return sorted(set(release.scores.order_by().values_list("period", flat=True).distinct()))


def _chosen_period(request: HttpRequest, release: Release) -> tuple[list[str], str | None]:
    """All periods and the one asked for in ``?period=`` (default: the latest)."""
    periods = _periods(release)
    period = request.GET.get("period") or (periods[-1] if periods else None)
    if period is not None and period not in periods:
        raise Http404("no such period in this release")
    return periods, period


def _root(release: Release) -> str:
    return release.definition.framework.root.code


def _names(release: Release) -> dict[str, str]:
    """Each node's label in the request's language."""
    return release.definition.framework.labels(get_language())


def _reading(release: Release) -> Reading:
    """The release as read in the request's language: unit names, bands, decimals."""
    return Reading(release, get_language())


def _ranking(release: Release, rows: list[Any]) -> dict[str, Any]:
    """A ranking's context: the ranked countries, the units shown apart, and the map."""
    reading = _reading(release)
    ranked, apart = reading.ranking(rows)
    context = {"rows": ranked, "apart": apart, **reading.context()}
    return {**context, **_map(reading, ranked)}


def home(request: HttpRequest) -> HttpResponse:
    """The latest visible release of every index, with its headline ranking and map for the
    latest period (``?index=CODE&period=P`` for another period of one index)."""
    latest: dict[str, Release] = {}
    for r in visible_releases(request.user).order_by("index__code", "-publish_at", "-version"):
        latest.setdefault(r.index.code, r)
    boards = []
    for r in latest.values():
        periods = _periods(r)
        period = periods[-1] if periods else None
        if request.GET.get("index") == r.index.code and request.GET.get("period") in periods:
            period = request.GET["period"]
        rows = list(r.scores.filter(node=_root(r), period=period).order_by("rank", "unit"))
        boards.append({"release": r, "period": period, "periods": periods, **_ranking(r, rows)})
    with_map = [b for b in boards if b["map_svg"]]
    for b in with_map[1:]:  # one map per page: the first index whose units are countries
        b["map_svg"] = ""
    synthetic = any(b["release"].synthetic for b in boards)
    return render(request, "explorer/home.html", {"boards": boards, "synthetic": synthetic})


def _map(reading: Reading, lines: list[Any]) -> dict[str, Any]:
    """The choropleth of a ranking, when its units are countries (ISO codes)."""
    from django.utils.formats import number_format

    fw = reading.framework
    fills = worldmap.fills(lines, reading.has_bands)
    titles = {
        line.map_code: gettext("%(name)s: %(score)s")
        % {
            "name": line.name,
            "score": "–" if line.score is None else number_format(line.score, reading.decimals),
        }
        for line in lines
        if line.map_code
    }
    return {
        "map_svg": worldmap.titled(worldmap.painted(fills), titles) if fills else "",
        "map_legend": worldmap.legend(fw, reading.lang) if fills else [],
    }


def _release_or_404(request: HttpRequest, index: str, version: str) -> Release:
    try:
        return visible_releases(request.user).get(index__code=index, version=version)
    except Release.DoesNotExist:
        raise Http404("no such release") from None


def release(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """A release: its ranking for the latest period (``?period=`` for another), citation."""
    r = _release_or_404(request, index, version)
    periods, period = _chosen_period(request, r)
    rows = list(r.scores.filter(node=_root(r), period=period).order_by("rank", "unit"))
    context = {
        **_ranking(r, rows),
        "chart": _ranking_chart(r, _root(r), period, rows) if period else None,
        "release": r,
        "period": period,
        "periods": periods,
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/release.html", context)


def download(request: HttpRequest, index: str, version: str, fmt: str) -> HttpResponse:
    """A release's data as CSV (long, wide; rank intervals and sensitivity indices when it has
    them), XLSX, JSON, a data package or a ZIP of all, in the request's language: made once,
    then served from the kept file (see :mod:`polindex.web.releases.stored`)."""
    r = _release_or_404(request, index, version)
    if fmt not in exports.formats(r):
        raise Http404("no such format")
    return stored.response(request, r, fmt, get_language() or settings.LANGUAGE_CODE)


MAX_COMPARED = 6


def compare(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """2–6 countries side by side for one period: every node, the best score of each row
    marked, the spread shown (``?units=A,B,C&period=2024`` — the state is in the URL)."""
    r = _release_or_404(request, index, version)
    periods, period = _chosen_period(request, r)
    all_units = sorted(set(r.scores.order_by().values_list("unit", flat=True).distinct()))
    asked = request.GET.getlist("u") or request.GET.get("units", "").split(",")  # no-JS / JS
    chosen = [u for u in asked if u in all_units]
    chosen = list(dict.fromkeys(chosen))[:MAX_COMPARED]
    present = set(r.scores.filter(period=period, unit__in=chosen).values_list("unit", flat=True))
    chosen = [u for u in chosen if u in present]
    reading = _reading(r)
    fw = reading.framework
    table = []
    if len(chosen) >= 2:
        scores = {
            (s.node, s.unit): s.score
            for s in r.scores.filter(period=period, unit__in=chosen).only("node", "unit", "score")
        }
        names = _names(r)
        for item, _, depth in r.definition.framework.walk():
            values = [scores.get((item.code, u)) for u in chosen]
            known = [v for v in values if v is not None]
            if not known and item.is_indicator:
                continue
            best = fw.best(known)  # the polarity says which end is best
            spread = (max(known) - min(known)) if len(known) > 1 else None
            table.append(
                {
                    "node": item.code,
                    "label": names[item.code],
                    "indent": min(depth, MAX_INDENT),  # a CSS class: no inline style
                    "is_indicator": item.is_indicator,
                    "cells": [(v, v is not None and v == best and spread) for v in values],
                    "spread": spread,
                }
            )
    context = {
        "release": r,
        "period": period,
        "periods": periods,
        "units": [
            (u, reading.name(u))  # countries by name, then the units apart (the EU level)
            for u in sorted(
                all_units, key=lambda u: (not reading.units[u].ranked, fold(reading.name(u)))
            )
        ],
        "chosen": chosen,
        "chosen_names": [(u, reading.name(u)) for u in chosen],
        "lower_is_better": not fw.higher_is_better,
        **reading.context(),
        "table": table,
        "chart": _compare_chart(r, period, chosen) if table and period else None,
        "max_compared": MAX_COMPARED,
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/compare.html", context)


def unit(request: HttpRequest, index: str, version: str, unit: str) -> HttpResponse:
    """A country profile: every node's score, band and rank in the chosen period (default the
    latest), the change since the previous period, strengths and weaknesses (the groups where it
    ranks best and worst) and the index over time."""
    r = _release_or_404(request, index, version)
    rows = list(visible_scores(request.user).filter(release=r, unit=unit).order_by("period", "id"))
    if not rows:
        raise Http404("no such unit in this release")
    periods = sorted({row.period for row in rows})
    period = request.GET.get("period") or periods[-1]
    if period not in periods:
        raise Http404("no such period for this unit")
    previous = periods[periods.index(period) - 1] if periods.index(period) > 0 else None
    names = _names(r)
    reading = _reading(r)
    fw = reading.framework
    by = {(row.period, row.node): row for row in rows}
    table = []
    for item, _, depth in r.definition.framework.walk():
        now = by.get((period, item.code))
        if now is None:
            continue
        before = by.get((previous, item.code)) if previous else None
        change = (
            now.score - before.score
            if before is not None and now.score is not None and before.score is not None
            else None
        )
        table.append(
            {
                "row": now,
                "label": names[item.code],
                "depth": depth,
                "indent": min(depth, MAX_INDENT),  # a CSS class: no inline style
                "change": change,
                "better": fw.better(change) if change is not None else None,
                "band": reading.band(now.band),
                "is_indicator": item.is_indicator,
                "item": item,
            }
        )
    given = {a["indicator"]: a for a in answers(r, unit, period, get_language())}
    for t in table:
        if t["is_indicator"] and t["row"].node in given:
            a = given[t["row"].node]
            t["answer"] = a["answer"] or _raw_value(t["item"], a["value"], t["row"].score, fw)
            t["justification"] = markdown(a["justification"]) if a["justification"] else ""
            t["sources"] = a["sources"]
    group_rows = [t for t in table if not t["is_indicator"] and t["depth"] > 0 and t["row"].rank]
    ranked = sorted(group_rows, key=lambda t: (t["row"].rank, t["label"]))
    root = _root(r)
    series = [by[(p, root)] for p in periods if (p, root) in by]
    uncertainty = (r.robustness or {}).get("uncertainty") or {}
    interval = next((u for u in uncertainty.get("summary", []) if u["unit"] == unit), None)
    context = {
        "release": r,
        "unit": unit,
        "name": reading.name(unit),
        "kind": reading.units[unit].kind,
        "period": period,
        "periods": periods,
        "previous": previous,
        "table": table,
        "strengths": ranked[:3],
        "weaknesses": list(reversed(ranked[-3:])) if len(ranked) > 3 else [],
        "series": series,
        "interval": interval,
        "interval_period": uncertainty.get("period"),
        "chart": _series_of(r, unit, series) if len(series) > 1 else None,
        "synthetic": r.synthetic,
        **reading.context(),
    }
    return render(request, "explorer/unit.html", context)


def _raw_value(item: Any, value: str, score: float | None, fw: Any) -> str:
    """A raw value as a reader reads it: a number with the indicator's decimals and unit in the
    reader's language (``8.7 months``, ``8,7 mois``; nothing when it is its own score, as
    IMPIC's), yes or no."""
    from django.utils.formats import number_format

    if item.type == "boolean":
        truth = value.strip().lower()
        yes = truth in {"true", "yes", "1"}
        return gettext("Yes") if yes else gettext("No") if truth in {"false", "no", "0"} else value
    if item.type != "numeric":
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    if number != number:  # NaN
        return value
    if score is not None and abs(number - score) < 10 ** -(fw.decimals + 3):
        return ""  # the value is used as the score: the score column says it all
    text = number_format(round(number, item.decimals), decimal_pos=item.decimals)
    unit = fw.unit(item, get_language())
    return f"{text} {unit}" if unit else text


def node(request: HttpRequest, index: str, version: str, code: str) -> HttpResponse:
    """A node (area, dimension, indicator): every country's score, rank and band in a period."""
    r = _release_or_404(request, index, version)
    names = _names(r)
    if code not in names:
        raise Http404("no such node")
    periods, period = _chosen_period(request, r)
    rows = list(r.scores.filter(node=code, period=period).order_by("rank", "unit"))
    context = {
        **_ranking(r, rows),
        "chart": _ranking_chart(r, code, period, rows) if period else None,
        "release": r,
        "code": code,
        "label": names[code],
        "period": period,
        "periods": periods,
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/node.html", context)


def methodology(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """How the index is built, generated from the release's framework and computation spec."""
    r = _release_or_404(request, index, version)
    definition = r.definition
    fw = definition.framework
    lang = get_language()
    codebook = {row["code"]: row for row in exports.codebook(r, lang).to_dict(orient="records")}
    tree = [
        {
            "item": item,
            "label": fw.label(item, lang),
            "indent": min(depth, MAX_INDENT),  # a CSS class: no inline style
            "is_indicator": item.is_indicator,
            "weight": _number(codebook[item.code]["weight"]),
            "effective": _percent(codebook[item.code]["effective_weight"]),
            "method": codebook[item.code]["method"],
        }
        for item, _, depth in fw.walk()
    ]
    bands = [
        {"label": fw.label(b, lang), "min": b.min} for b in sorted(fw.bands, key=lambda b: -b.min)
    ]
    context = {
        "release": r,
        "tree": tree,
        "bands": bands,
        "steps": definition.pipeline.steps if definition.pipeline else [],
        "framework": fw,
        "weights_source": (r.weights_used or {}).get("source", "framework"),
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/methodology.html", context)


def _number(value: float | None) -> float | None:
    """``value``, or ``None`` when there is none (pandas gives NaN for a missing number)."""
    return None if value is None or value != value else value


def _percent(share: float | None) -> float | None:
    share = _number(share)
    return None if share is None else 100 * share


def robustness(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """Rank intervals, sensitivity indices and the audit published with the release, each
    explained in plain words, with names and labels (never codes)."""
    r = _release_or_404(request, index, version)
    rb = ReleaseRobustness(r, get_language())
    if not rb:
        raise Http404("this release has no robustness results")
    reliability = [
        {**a, "opposed": rb.opposed(a["node"]) if (a["cronbach_alpha"] or 0) < 0 else []}
        for a in rb.reliability()
    ]
    context = {
        "release": r,
        "rb": rb,
        "intervals": rb.intervals(),
        "sensitivity": rb.sensitivity(),
        "reliability": reliability,
        "negative_alpha": any((a["cronbach_alpha"] or 0) < 0 for a in reliability),
        "opposed": [a for a in reliability if a["opposed"]],
        "formats": exports.formats(r),
        "chart": _robustness_chart(r),
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/robustness.html", context)


def search(request: HttpRequest) -> HttpResponse:
    """Countries, nodes and indicators of the visible releases whose code or label matches."""
    query = request.GET.get("q", "").strip()
    hits: list[dict[str, str]] = []
    if query:
        needle = query.casefold()
        latest: dict[str, Release] = {}
        for r in visible_releases(request.user).order_by("index__code", "-publish_at"):
            latest.setdefault(r.index.code, r)
        lang = get_language()
        for r in latest.values():
            table = r.unit_table  # a name in any of its languages finds the unit
            for u in sorted(table.find(query), key=lambda c: fold(table.name(c, lang))):
                name = table.name(u, lang)
                hits.append(
                    {
                        "kind": gettext("country")
                        if table[u].kind == "country"
                        else gettext("unit"),
                        "text": name if name == u else f"{name} ({u})",
                        "release": str(r),
                        "url": reverse("explorer:unit", args=[r.index.code, r.version, u]),
                    }
                )
            for code, label in _names(r).items():
                if needle in code.casefold() or needle in label.casefold():
                    hits.append(
                        {
                            "kind": gettext("area or indicator"),
                            "text": f"{label} ({code})",
                            "release": str(r),
                            "url": reverse("explorer:node", args=[r.index.code, r.version, code]),
                        }
                    )
    return render(request, "explorer/search.html", {"query": query, "hits": hits[:200]})


@functools.cache
def _vega_bundle() -> str:
    import vl_convert

    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]  # snippet is optional
    return bundle


def vega_bundle(request: HttpRequest) -> HttpResponse:
    """vega-embed with Vega and Vega-Lite, from the installed vl-convert package (no CDN)."""
    response = HttpResponse(_vega_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _base(r: Release) -> dict[str, str]:
    return {"index": r.index.code, "version": r.version}


def _series_of(r: Release, unit: str, rows: list[Any]) -> charts.Chart:
    reading = _reading(r)
    return charts.series(_base(r), unit, _names(r)[_root(r)], rows, reading)


def _series_chart(request: HttpRequest, r: Release, unit: str) -> charts.Chart:
    rows = list(
        visible_scores(request.user).filter(release=r, unit=unit, node=_root(r)).order_by("period")
    )
    if not rows:
        raise Http404("no such unit in this release")
    return _series_of(r, unit, rows)


def _ranking_chart(r: Release, code: str, period: str, rows: list[Any]) -> charts.Chart:
    reading = _reading(r)
    ranked, _apart = reading.ranking(rows)  # the countries: units apart are not ranked
    return charts.ranking(_base(r), code, _names(r)[code], period, ranked, reading)


def _compare_chart(r: Release, period: str, chosen: list[str]) -> charts.Chart:
    names = _names(r)
    nodes = [(item.code, names[item.code]) for item, _, depth in r.definition.framework.walk()
             if depth <= 1]  # fmt: skip
    scores = {
        (s.node, s.unit): s.score
        for s in r.scores.filter(
            period=period, unit__in=chosen, node__in=[c for c, _ in nodes]
        ).only("node", "unit", "score")
    }
    return charts.compare(_base(r), period, chosen, nodes, scores, _reading(r))


def _robustness_chart(r: Release) -> charts.Chart | None:
    uncertainty = (r.robustness or {}).get("uncertainty")
    if not uncertainty:
        return None
    target = _names(r).get(uncertainty["target"], uncertainty["target"])
    return charts.rank_intervals(
        _base(r), target, uncertainty.get("period") or "", uncertainty["summary"], _reading(r)
    )


def chart_robustness(request: HttpRequest, index: str, version: str, fmt: str) -> HttpResponse:
    """The rank intervals of the release's uncertainty analysis, in ``fmt``."""
    r = _release_or_404(request, index, version)
    chart = _robustness_chart(r)
    if chart is None:
        raise Http404("this release has no uncertainty analysis")
    return _chart_response(request, r, chart, fmt)


def chart_series(request: HttpRequest, index: str, version: str, unit: str, fmt: str
                 ) -> HttpResponse:  # fmt: skip
    """A country's index score over time, in ``fmt`` (png, svg, csv, json, html)."""
    r = _release_or_404(request, index, version)
    return _chart_response(request, r, _series_chart(request, r, unit), fmt)


def chart_ranking(
    request: HttpRequest, index: str, version: str, node: str, period: str, fmt: str
) -> HttpResponse:
    """Every country's score on a node in a period, in ``fmt``."""
    r = _release_or_404(request, index, version)
    if node not in _names(r) or period not in _periods(r):
        raise Http404("no such node or period")
    rows = list(r.scores.filter(node=node, period=period).order_by("rank", "unit"))
    return _chart_response(request, r, _ranking_chart(r, node, period, rows), fmt)


def chart_compare(
    request: HttpRequest, index: str, version: str, period: str, units: str, fmt: str
) -> HttpResponse:
    """2–6 countries side by side on the index and its areas, in ``fmt``."""
    r = _release_or_404(request, index, version)
    chosen = units.split(",")
    known = set(r.scores.filter(period=period, unit__in=chosen).values_list("unit", flat=True))
    if (
        not 2 <= len(chosen) <= MAX_COMPARED
        or set(chosen) != known
        or len(set(chosen)) < len(chosen)
    ):
        raise Http404(f"compare 2 to {MAX_COMPARED} distinct countries of this period")
    return _chart_response(request, r, _compare_chart(r, period, chosen), fmt)


@functools.cache
def _renderer() -> Renderer:
    """This server process's chart renderer: a child process, so that a crash of the renderer
    fails one request, never the server (see :mod:`polindex.analysis.renderer`)."""
    from polindex.analysis.renderer import Renderer

    return Renderer()


def _chart_response(
    request: HttpRequest, r: Release, chart: charts.Chart, fmt: str
) -> HttpResponse:
    from polindex.analysis.charts import prepared

    parts = [v for k, v in chart.kwargs.items() if k not in ("index", "version")]
    name = re.sub(
        r"[^A-Za-z0-9._-]+", "-", "-".join([r.index.code, r.version, chart.route, *parts])
    )
    response: HttpResponse
    if fmt == "csv":
        response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(json.dumps(chart.spec), content_type="application/json")
    elif fmt == "svg":
        svg = _renderer().render(prepared(chart.spec), "svg")
        response = HttpResponse(svg, content_type="image/svg+xml")
    elif fmt == "png":
        png = _renderer().render(prepared(chart.spec), "png")
        response = HttpResponse(png, content_type="image/png")
    else:
        return _embed(request, r, chart)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# an embeddable chart is meant to be framed by any site: no X-Frame-Options, and a CSP that lets
# any page frame it (the rest of the policy as everywhere)
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


@csp_override(EMBED_CSP)
@xframe_options_exempt
def _embed(request: HttpRequest, r: Release, chart: charts.Chart) -> HttpResponse:
    context = {"release": r, "chart": chart, "synthetic": r.synthetic}
    return render(request, "explorer/embed.html", context)
