"""Public pages: plain function views over visible releases only."""

from __future__ import annotations

import functools
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_exempt

from polindex.web.explorer import frameworks, worldmap
from polindex.web.releases import exports
from polindex.web.releases.answers import answers
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_releases, visible_scores


def _periods(release: Release) -> list[str]:
    """The release's periods, in order."""
    return sorted(set(release.scores.order_by().values_list("period", flat=True).distinct()))


def _latest_period(release: Release) -> str | None:
    periods = _periods(release)
    return periods[-1] if periods else None


def _chosen_period(request: HttpRequest, release: Release) -> tuple[list[str], str | None]:
    """All periods and the one asked for in ``?period=`` (default: the latest)."""
    periods = _periods(release)
    return periods, request.GET.get("period") or (periods[-1] if periods else None)


def _root(release: Release) -> str:
    return str(release.framework["code"])


def home(request: HttpRequest) -> HttpResponse:
    """The latest visible release of every index, with its headline ranking."""
    latest: dict[str, Release] = {}
    for r in visible_releases(request.user).order_by("index__code", "-publish_at", "-version"):
        latest.setdefault(r.index.code, r)
    boards = []
    for r in latest.values():
        period = _latest_period(r)
        rows = list(r.scores.filter(node=_root(r), period=period).order_by("rank", "unit"))
        boards.append({"release": r, "period": period, "rows": rows, **_map(r, rows)})
    synthetic = any(b["release"].synthetic for b in boards)
    return render(request, "explorer/home.html", {"boards": boards, "synthetic": synthetic})


def _map(release: Release, rows: list[Any]) -> dict[str, Any]:
    """The choropleth of a ranking, when its units are countries (ISO codes)."""
    scope = f"map-{release.pk}"
    rules = worldmap.css(scope, rows, list(release.framework.get("bands") or []))
    return {"map_css": rules, "map_scope": scope, "map_svg": worldmap.world_svg() if rules else ""}


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
        **_map(r, rows),
        "release": r,
        "period": period,
        "periods": periods,
        "rows": rows,
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/release.html", context)


def download(request: HttpRequest, index: str, version: str, fmt: str) -> HttpResponse:
    """A release's data as CSV (long, wide), XLSX, JSON, a data package or a ZIP of all."""
    r = _release_or_404(request, index, version)
    if fmt not in exports.FORMATS:
        raise Http404("no such format")
    content, media_type, name = exports.render(r, fmt)
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


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
    table = []
    if len(chosen) >= 2:
        scores = {
            (s.node, s.unit): s.score
            for s in r.scores.filter(period=period, unit__in=chosen).only("node", "unit", "score")
        }
        nodes = list(
            dict.fromkeys(
                r.scores.filter(period=period, unit=chosen[0])
                .order_by("id")
                .values_list("node", flat=True)
            )
        )
        for node in nodes:
            values = [scores.get((node, u)) for u in chosen]
            present = [v for v in values if v is not None]
            best = max(present) if present else None
            spread = (max(present) - min(present)) if len(present) > 1 else None
            table.append(
                {
                    "node": node,
                    "cells": [(v, v is not None and v == best) for v in values],
                    "spread": spread,
                }
            )
    context = {
        "release": r,
        "period": period,
        "periods": periods,
        "units": all_units,
        "chosen": chosen,
        "table": table,
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
    names = frameworks.labels(r.framework, get_language())
    by = {(row.period, row.node): row for row in rows}
    table = []
    for item, _, depth in frameworks.walk(r.framework):
        now = by.get((period, item["code"]))
        if now is None:
            continue
        before = by.get((previous, item["code"])) if previous else None
        change = (
            now.score - before.score
            if before is not None and now.score is not None and before.score is not None
            else None
        )
        table.append(
            {
                "row": now,
                "label": names.get(item["code"], item["code"]),
                "depth": depth,
                "indent": depth * 1.2,
                "change": change,
                "is_indicator": "type" in item,
            }
        )
    given = {a["indicator"]: a for a in answers(r, unit, period, get_language())}
    for t in table:
        if t["is_indicator"] and t["row"].node in given:
            a = given[t["row"].node]
            t["answer"] = a["answer"] or a["value"]
    group_rows = [t for t in table if not t["is_indicator"] and t["depth"] > 0 and t["row"].rank]
    ranked = sorted(group_rows, key=lambda t: (t["row"].rank, t["label"]))
    root = _root(r)
    series = [by[(p, root)] for p in periods if (p, root) in by]
    uncertainty = (r.robustness or {}).get("uncertainty") or {}
    interval = next((u for u in uncertainty.get("summary", []) if u["unit"] == unit), None)
    context = {
        "release": r,
        "unit": unit,
        "period": period,
        "periods": periods,
        "previous": previous,
        "table": table,
        "strengths": ranked[:3],
        "weaknesses": list(reversed(ranked[-3:])) if len(ranked) > 3 else [],
        "series": series,
        "interval": interval,
        "interval_period": uncertainty.get("period"),
        "chart": series_spec(series, f"{unit}: {names.get(root, root)}")
        if len(series) > 1
        else None,
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/unit.html", context)


def node(request: HttpRequest, index: str, version: str, code: str) -> HttpResponse:
    """A node (area, dimension, indicator): every country's score, rank and band in a period."""
    r = _release_or_404(request, index, version)
    names = frameworks.labels(r.framework, get_language())
    if code not in names:
        raise Http404("no such node")
    periods, period = _chosen_period(request, r)
    rows = r.scores.filter(node=code, period=period).order_by("rank", "unit")
    context = {
        "release": r,
        "code": code,
        "label": names[code],
        "period": period,
        "periods": periods,
        "rows": rows,
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/node.html", context)


def methodology(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """How the index is built, generated from the release's framework and computation spec."""
    r = _release_or_404(request, index, version)
    names = frameworks.labels(r.framework, get_language())
    tree = [
        {
            "item": item,
            "label": names.get(item["code"], item["code"]),
            "indent": depth * 1.2,
            "is_indicator": "type" in item,
        }
        for item, _, depth in frameworks.walk(r.framework)
    ]
    steps = (r.spec.get("pipeline") or {}).get("steps", [])
    context = {
        "release": r,
        "tree": tree,
        "steps": steps,
        "framework": r.framework,
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/methodology.html", context)


def robustness(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """Rank intervals, sensitivity indices and the audit published with the release."""
    r = _release_or_404(request, index, version)
    data = r.robustness or {}
    if not data:
        raise Http404("this release has no robustness results")
    chart = None
    uncertainty = data.get("uncertainty")
    if uncertainty:
        import pandas as pd

        from polindex.analysis.charts import rank_uncertainty

        chart = rank_uncertainty(
            pd.DataFrame(uncertainty["summary"]), f"Rank uncertainty of {uncertainty['target']}"
        )
    context = {"release": r, "data": data, "chart": chart, "synthetic": r.synthetic}
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
        for r in latest.values():
            units = sorted(set(r.scores.order_by().values_list("unit", flat=True).distinct()))
            for u in units:
                if needle in u.casefold():
                    hits.append(
                        {
                            "kind": "country",
                            "text": u,
                            "release": str(r),
                            "url": reverse("explorer:unit", args=[r.index.code, r.version, u]),
                        }
                    )
            for code, label in frameworks.labels(r.framework, get_language()).items():
                if needle in code.casefold() or needle in label.casefold():
                    hits.append(
                        {
                            "kind": "node",
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


def series_spec(series: list[Any], title: str) -> dict[str, Any]:
    """A Vega-Lite line chart of a unit's score over the periods."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": 220,
        "data": {"values": [{"period": s.period, "score": s.score} for s in series]},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "title": None},
            "y": {"field": "score", "type": "quantitative", "title": "Score"},
        },
    }


def _series(request: HttpRequest, index: str, version: str, unit: str) -> tuple[Release, list[Any]]:
    r = _release_or_404(request, index, version)
    rows = list(
        visible_scores(request.user).filter(release=r, unit=unit, node=_root(r)).order_by("period")
    )
    if not rows:
        raise Http404("no such unit in this release")
    return r, rows


def series_csv(request: HttpRequest, index: str, version: str, unit: str) -> HttpResponse:
    """The data behind a country's chart, as CSV."""
    r, rows = _series(request, index, version, unit)
    lines = ["unit,period,score,rank"] + [
        f"{_csv(unit)},{_csv(s.period)},{'' if s.score is None else repr(s.score)},"
        f"{'' if s.rank is None else s.rank}"
        for s in rows
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{r.index.code}-{r.version}-series.csv"'
    )
    return response


def _csv(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"\n') else text


@xframe_options_exempt
def embed_series(request: HttpRequest, index: str, version: str, unit: str) -> HttpResponse:
    """A country's chart alone, for an iframe on another site."""
    r, rows = _series(request, index, version, unit)
    names = frameworks.labels(r.framework, get_language())
    context = {
        "release": r,
        "unit": unit,
        "series": rows,
        "chart": series_spec(rows, f"{unit}: {names.get(_root(r), _root(r))}"),
        "synthetic": r.synthetic,
    }
    return render(request, "explorer/embed.html", context)
