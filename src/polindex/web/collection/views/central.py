"""The central team's downloads: inter-coder agreement, every answer as CSV."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from polindex.io.sheets import inert
from polindex.web.collection import workflow
from polindex.web.collection.models import LIVE_SOURCES, Answer
from polindex.web.collection.names import unit_name
from polindex.web.collection.views.access import edition_of, page


@page("collection:agreement")
def agreement(request: HttpRequest, code: str) -> HttpResponse:
    """Inter-coder agreement of an edition where several experts answer the same country
    (central team only): percent agreement and Krippendorff's alpha per indicator and country."""
    from polindex.analysis.agreement import agreement as measure

    edition = edition_of(request, code)
    scores = {
        (item.code, o.code): float(o.score)
        for item in workflow.indicators(edition)
        for o in item.options
    }
    codings = [
        (a.unit, a.indicator, str(a.expert_id), scores[(a.indicator, a.option)])
        for a in Answer.objects.filter(edition=edition, deleted_at=None).exclude(option="")
        if (a.indicator, a.option) in scores
    ]
    tables = measure(codings) if codings else {}
    context = {
        "edition": edition,
        "by_indicator": _records(tables.get("by_indicator"), "indicator"),
        "by_unit": [
            {**r, "name": unit_name(edition, str(r["unit"]))}
            for r in _records(tables.get("by_unit"), "unit")
        ],
    }
    return render(request, "collection/agreement.html", context)


ANSWER_COLUMNS = [
    "unit", "area", "indicator", "expert", "primary", "option", "score", "not_applicable",
    "na_reason", "status", "confidence", "justification", "sources", "version", "updated_at",
]  # fmt: skip


@page("collection:answers_csv")
def answers_csv(request: HttpRequest, code: str) -> HttpResponse:
    """Every live answer of an edition, all experts, as CSV (central team only): for analysis
    outside Polindex; ``primary`` says whether the answer counts
    (:meth:`~.models.AnswerQuerySet.that_count`). Sources are joined into one cell:
    ``instrument art. article <url> (date)`` separated by `` | ``."""
    import csv

    edition = edition_of(request, code)
    scores = {
        (item.code, o.code): f"{o.score:g}"
        for item in workflow.indicators(edition)
        for o in item.options
    }
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}-answers.csv"'
    out = csv.writer(response)
    out.writerow(ANSWER_COLUMNS)
    rows = (
        Answer.objects.filter(edition=edition, deleted_at=None)
        .marking_those_that_count()
        .select_related("expert")
        .prefetch_related(LIVE_SOURCES)
        .order_by("unit", "indicator", "expert_id")
    )
    for a in rows:
        sources = " | ".join(
            " ".join(
                part
                for part in (
                    s.instrument,
                    f"art. {s.article}" if s.article else "",
                    f"<{s.url}>" if s.url else "",
                    f"({s.in_force})" if s.in_force else "",
                )
                if part
            )
            for s in a.live_sources()
        )
        out.writerow(
            [
                a.unit, a.area, a.indicator, a.expert.get_username(),
                a.counts,
                a.option, scores.get((a.indicator, a.option), ""), a.not_applicable,
                inert(a.na_reason), a.status, a.confidence, inert(a.justification),
                inert(sources), a.version, a.updated_at.isoformat(),
            ]
        )  # fmt: skip
    return response


def _records(table: Any, key: str) -> list[dict[str, Any]]:
    if table is None:
        return []
    rows = table.reset_index().to_dict(orient="records")
    return [r for r in rows if r["items"] > 0]
