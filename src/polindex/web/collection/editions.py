"""Opening editions and turning validated ones into release drafts."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from polindex.api import score
from polindex.errors import PolindexError, plural
from polindex.framework.definition import load_index
from polindex.framework.models import Framework
from polindex.web.collection.models import LIVE_SOURCES, Answer, Edition, EditionRelease


class EditionError(PolindexError):
    """An edition that cannot be opened or scored as asked; nothing was stored."""

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')} with the edition; nothing was done:"


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
    fw = load_index(path).framework
    if previous is not None and previous.definition.code != fw.code:
        raise EditionError([f"{code}: {previous.code} is an edition of another framework"])
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


def scored_answers(edition: Edition) -> list[Answer]:
    """The answers of ``edition`` that are scored: the answers that count
    (:meth:`~.models.AnswerQuerySet.that_count`) once validated or locked, by country and
    indicator, with their live sources; two for one question stop with a clear error."""
    done = (Answer.Status.VALIDATED, Answer.Status.LOCKED)
    answers = list(
        Answer.objects.that_count()
        .filter(edition=edition, status__in=done)
        .order_by("unit", "indicator")
        .prefetch_related(LIVE_SOURCES)
    )
    for a in answers:
        a.edition = edition  # loaded once, not once per answer
    for a, b in itertools.pairwise(answers):
        if (a.unit, a.indicator) == (b.unit, b.indicator):
            raise EditionError(
                [
                    f"{edition.code}: {a.unit} {a.indicator} has validated answers from two "
                    "primary experts; make one of them a coder (not primary)"
                ]
            )
    return answers


def final_answers(edition: Edition) -> list[tuple[str, str, str, str]]:
    """The scored answers of an edition (:func:`scored_answers`) as (unit, period, indicator,
    value) rows (N/A as ``n/a``)."""
    return [_row(a) for a in scored_answers(edition)]


def _row(answer: Answer) -> tuple[str, str, str, str]:
    value = "na" if answer.not_applicable else answer.option
    return (answer.unit, answer.edition.period, answer.indicator, value)


def release_draft(
    edition: Edition,
    *,
    version: str,
    publish_at: dt.datetime,
    changelog: str = "",
    units: list[str] | None = None,
    scored: dict[str, Any] | None = None,
) -> Any:
    """Score the edition's validated answers (of ``units`` only, when given) with its framework
    and freeze them as an (embargoed, until ``publish_at``) release, each answer's justification
    and sources with it. The scoring page (:mod:`.scoring`) previews it first."""
    from polindex.web.releases.publish import publish_release

    answers = scored_answers(edition)
    if units is not None:
        answers = [a for a in answers if a.unit in set(units)]
    if not answers:
        raise EditionError([f"{edition.code}: no validated answer to score yet"])
    rows = [_row(a) for a in answers]
    fw = Framework.model_validate(edition.framework)  # as validated when the edition opened
    results = score(fw, rows)
    notes = [
        {
            "unit": a.unit,
            "period": edition.period,
            "indicator": a.indicator,
            "justification": a.justification,
            "sources": [s.snapshot() for s in a.live_sources()],
        }
        for a in answers
    ]
    with transaction.atomic():  # the release and the edition it came from (its credits)
        release = publish_release(
            results,
            version=version,
            publish_at=publish_at,
            changelog=changelog,  # the team's words; what was scored: facts, below
            synthetic=edition.synthetic,
            notes=notes,
        )
        if scored is None:
            scored = {"answers": len(rows), "units": sorted({a.unit for a in answers})}
        EditionRelease.objects.create(release=release, edition=edition, scored=scored)
    return release
