"""Opening editions and turning validated ones into release drafts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction

import polindex
from polindex.web.collection.models import Answer, Assignment, Edition


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
    for a in Answer.objects.filter(
        edition=edition, deleted_at=None, status__in=["validated", "locked"]
    ).order_by("unit", "indicator"):
        if (a.unit, a.expert_id) in primary or ("", a.expert_id) in primary:
            rows.append(
                (a.unit, edition.period, a.indicator, "na" if a.not_applicable else a.option)
            )
    return rows
