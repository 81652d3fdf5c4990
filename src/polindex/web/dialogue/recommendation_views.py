"""The recommendations page (``/INDEX/VERSION/recommendations/UNIT/``): per area, the single
answer changes worth most to a country's index score, each with the countries that already give
that answer, their justifications and legal sources, and a link to try it in the what-if
simulator; as CSV with ``?format=csv``."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext

from polindex.io.sheets import csv_text
from polindex.web.dialogue.peer_learning import (
    PER_AREA,
    Peer,
    Recommendations,
    RefusedError,
    UnanswerableError,
    levels,
    recommendations,
    release_or_404,
)
from polindex.web.releases.models import Release


def refused_page(
    request: HttpRequest, r: Release, title: str, message: str, status: int = 404
) -> HttpResponse:
    """A page of the release that cannot be shown as asked: the reason, with a 404 (or, for a
    question the release cannot answer, ``status`` 200: the page exists and says why)."""
    context = {"release": r, "synthetic": r.synthetic, "embargoed": r.embargoed,
               "title": title, "message": message}  # fmt: skip
    return render(request, "dialogue/refused.html", context, status=status)


def _asked(request: HttpRequest, key: str) -> str | None:
    return request.GET.get(key) or None


def recommendations_page(request: HttpRequest, index: str, version: str, unit: str) -> HttpResponse:
    """Per area (``?level=`` for another level of groups, ``?area=CODE`` for one area with
    every change), the changes with the largest gain for the index; ``?format=csv`` for the
    same as CSV. A bad level or area shows the default view and says why."""
    r = release_or_404(request, index, version)
    lang = get_language()
    notices: list[str] = []
    level, area = _asked(request, "level"), _asked(request, "area")
    try:
        try:
            recs = recommendations(r, unit, lang, level=level, area=area)
        except RefusedError as exc:
            if exc.status == 404 or isinstance(exc, UnanswerableError):
                raise
            notices.append(exc.message)
            try:  # the area may be what was wrong; else the level too
                recs = recommendations(r, unit, lang, level=level)
            except RefusedError as again:
                if again.status == 404:
                    raise
                recs = recommendations(r, unit, lang)
    except RefusedError as exc:
        status = 200 if isinstance(exc, UnanswerableError) else 404
        return refused_page(request, r, gettext("Recommendations"), exc.message, status)
    if request.GET.get("format") == "csv":
        return csv_response(r, recs)
    fw = r.definition.framework
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        "release": r,
        "synthetic": r.synthetic,
        "embargoed": r.embargoed,
        "recs": recs,
        "notices": notices,
        "levels": levels(r, lang),
        "areas": [(n.code, fw.label(n, lang)) for n in fw.groups() if n.level == recs.level],
        "gain_decimals": fw.decimals + 1,  # one answer moves a score little (decision 036)
        "per_area": PER_AREA,
        "lower_is_better": not fw.higher_is_better,
        "index_label": fw.label(fw.root, lang),
        "profile_url": reverse("explorer:unit", args=[r.index.code, r.version, unit]),
        "csv_url": "?" + query.urlencode(),
        "api_url": f"/api/v1/releases/{r.index.code}/{r.version}/recommendations/{unit}",
    }
    return render(request, "dialogue/recommendations.html", context)


COLUMNS = [
    "unit", "name", "period", "level", "group", "group_label", "indicator", "question",
    "current", "current_label", "proposed", "proposed_label", "gain", "group_gain", "step",
    "effective_weight", "peer", "peer_name", "justification", "sources", "whatif_url",
]  # fmt: skip


def table(recs: Recommendations) -> pd.DataFrame:
    """The recommendations as a table: one row per change and country that already gives its
    answer (one row with empty peer cells when none does)."""
    rows: list[dict[str, Any]] = []
    for rec in recs.rows:
        base = {
            "unit": recs.unit, "name": recs.name, "period": recs.period, "level": recs.level,
            "group": rec.group, "group_label": rec.group_label, "indicator": rec.indicator,
            "question": rec.question, "current": rec.current, "current_label": rec.current_label,
            "proposed": rec.proposed, "proposed_label": rec.proposed_label, "gain": rec.gain,
            "group_gain": rec.group_gain, "step": rec.step,
            "effective_weight": rec.effective_weight, "whatif_url": rec.whatif_url,
        }  # fmt: skip
        peers: list[Peer | None] = list(rec.peers) or [None]
        for peer in peers:
            rows.append(
                {
                    **base,
                    "peer": peer.unit if peer else "",
                    "peer_name": peer.name if peer else "",
                    "justification": peer.justification if peer else "",
                    "sources": " | ".join(_source(s) for s in peer.sources) if peer else "",
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _source(source: dict[str, Any]) -> str:
    parts = [str(source.get("instrument", ""))]
    if source.get("article"):
        parts.append(f"art. {source['article']}")
    if source.get("in_force"):
        parts.append(f"({source['in_force']})")
    if source.get("url"):
        parts.append(str(source["url"]))
    return " ".join(p for p in parts if p)


def csv_response(r: Release, recs: Recommendations) -> HttpResponse:
    """The recommendations as a CSV download, every text cell inert in a spreadsheet."""
    response = HttpResponse(csv_text(table(recs)), content_type="text/csv; charset=utf-8")
    name = re.sub(
        r"[^A-Za-z0-9._-]+", "-", f"{r.index.code}-{r.version}-recommendations-{recs.unit}"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
