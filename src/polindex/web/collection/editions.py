"""Opening editions and turning validated ones into release drafts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction

import polindex
from polindex.framework.models import Framework
from polindex.web.collection.models import LIVE_SOURCES, Answer, Assignment, Edition


@transaction.atomic
def create_edition(
    framework: str | Path,
    *,
    code: str,
    name: str,
    reference_date: dt.date,
    period: str,
    units: list[str],
    previous: Edition | None = None,
    state: str = "open",
    **fields: Any,
) -> Edition:
    """A new edition of ``framework`` (a YAML file, validated) for ``units``.

    With ``previous``, experts' pages start from that edition's answers (carried forward).
    """
    path = Path(framework)
    fw = polindex.load_framework(path)
    if previous is not None and previous.framework["code"] != fw.code:
        raise ValueError(f"{code}: {previous.code} is an edition of another framework")
    return Edition.objects.create(
        code=code,
        name=name,
        framework=json.loads(fw.model_dump_json()),
        framework_yaml=path.read_text(encoding="utf-8"),
        reference_date=reference_date,
        period=period,
        units=list(units),
        previous=previous,
        state=state,
        **fields,
    )


def final_answers(edition: Edition) -> list[tuple[str, str, str, str]]:
    """The scored answers of an edition as (unit, period, indicator, value) rows: each
    country's primary expert's answers that are validated or locked (N/A as ``n/a``)."""
    primary = {
        (a.unit, a.user_id)
        for a in Assignment.objects.filter(edition=edition, role="expert", primary=True)
    }
    rows = []
    seen: set[tuple[str, str]] = set()
    for a in Answer.objects.filter(
        edition=edition, deleted_at=None, status__in=["validated", "locked"]
    ).order_by("unit", "indicator"):
        if (a.unit, a.expert_id) in primary or ("", a.expert_id) in primary:
            if (a.unit, a.indicator) in seen:
                raise ValueError(
                    f"{edition.code}: {a.unit} {a.indicator} has validated answers from two "
                    "primary experts; make one of them a coder (not primary)"
                )
            seen.add((a.unit, a.indicator))
            rows.append(
                (a.unit, edition.period, a.indicator, "na" if a.not_applicable else a.option)
            )
    return rows


def release_draft(
    edition: Edition, *, version: str, publish_at: dt.datetime, changelog: str = ""
) -> Any:
    """Score the edition's validated answers with its framework and freeze them as an
    (embargoed, until ``publish_at``) release, each answer's justification and sources with it."""
    from polindex.web.releases.publish import publish_release

    rows = final_answers(edition)
    if not rows:
        raise ValueError(f"{edition.code}: no validated answer to score yet")
    fw = Framework.model_validate(edition.framework)  # as validated when the edition opened
    results = polindex.score(fw, rows)
    notes = []
    chosen = {(u, i) for u, _, i, _ in rows}
    for a in Answer.objects.filter(edition=edition, deleted_at=None).prefetch_related(LIVE_SOURCES):
        if (a.unit, a.indicator) in chosen and _primary(edition, a):
            notes.append(
                {
                    "unit": a.unit,
                    "period": edition.period,
                    "indicator": a.indicator,
                    "justification": a.justification,
                    "sources": [s.snapshot() for s in a.live_sources()],
                }
            )
    notes.sort(key=lambda n: (n["unit"], n["indicator"]))
    return publish_release(
        results,
        version=version,
        publish_at=publish_at,
        changelog=changelog or f"Scored from edition {edition.code} ({len(rows)} answers).",
        synthetic=edition.synthetic,
        notes=notes,
    )


def _primary(edition: Edition, answer: Answer) -> bool:
    return Assignment.objects.filter(
        edition=edition, role="expert", primary=True, user=answer.expert_id,
        unit__in=[answer.unit, ""],
    ).exists()  # fmt: skip
