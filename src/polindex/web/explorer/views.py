"""Public pages: plain function views over visible releases only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from polindex.web.releases import exports
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_releases, visible_scores


def _latest_period(release: Release) -> str | None:
    periods = sorted(set(release.scores.order_by().values_list("period", flat=True).distinct()))
    return periods[-1] if periods else None


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
        rows = r.scores.filter(node=_root(r), period=period).order_by("rank", "unit")
        boards.append({"release": r, "period": period, "rows": rows})
    synthetic = any(b["release"].synthetic for b in boards)
    return render(request, "explorer/home.html", {"boards": boards, "synthetic": synthetic})


def _release_or_404(request: HttpRequest, index: str, version: str) -> Release:
    try:
        return visible_releases(request.user).get(index__code=index, version=version)
    except Release.DoesNotExist:
        raise Http404("no such release") from None


def release(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """A release: its ranking for the latest period (``?period=`` for another), citation."""
    r = _release_or_404(request, index, version)
    period = request.GET.get("period") or _latest_period(r)
    rows = r.scores.filter(node=_root(r), period=period).order_by("rank", "unit")
    periods = sorted(set(r.scores.order_by().values_list("period", flat=True).distinct()))
    context = {
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
    periods = sorted(set(r.scores.order_by().values_list("period", flat=True).distinct()))
    period = request.GET.get("period") or (periods[-1] if periods else None)
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
    """A country profile: every node's score, rank and band in every period."""
    r = _release_or_404(request, index, version)
    rows = visible_scores(request.user).filter(release=r, unit=unit).order_by("period", "node")
    if not rows.exists():
        raise Http404("no such unit in this release")
    context = {"release": r, "unit": unit, "rows": rows, "synthetic": r.synthetic}
    return render(request, "explorer/unit.html", context)
