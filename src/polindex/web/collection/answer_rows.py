"""The answer rows experts fill in, made in one place: when an edition opens, and when an expert
accepts an assignment in an open edition (the signals in :mod:`.apps` call :func:`create_rows`;
so does ``polindex demo``). Pages only read answers; none of them creates one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from polindex.web.collection.models import LIVE_SOURCES, Answer, Assignment, Edition, Source
from polindex.web.collection.questions import questions


@transaction.atomic
def create_rows(edition: Edition, assignments: Iterable[Assignment] | None = None) -> int:
    """Create the missing answer rows of ``edition``'s accepted expert assignments (of
    ``assignments`` only, when given) — idempotent, in bulk — and return how many were made.

    Each expert gets a row per question of each country of the assignment (every country of
    the edition when it names none) in its area (every area when it names none). A row starts
    from last edition's answer to the question, when there is one (carried forward, awaiting
    the expert's confirmation), sources included: the answer that counted
    (:meth:`~.models.AnswerQuerySet.that_count`). Nothing is made unless the edition is open.
    """
    if edition.state != Edition.State.OPEN:
        return 0
    if assignments is None:
        assignments = Assignment.objects.filter(edition=edition)
    asked = questions(edition)
    wanted: dict[tuple[int, str], dict[str, None]] = {}  # (expert, country) → question codes
    for a in assignments:
        if a.role != Assignment.Role.EXPERT or a.accepted_at is None:
            continue
        codes = dict.fromkeys(code for code, q in asked.items() if a.area in ("", q.area))
        for unit in [a.unit] if a.unit else edition.units:
            wanted.setdefault((a.user_id, unit), {}).update(codes)
    if not wanted:
        return 0
    have = set(
        Answer.objects.filter(
            edition=edition, expert__in={e for e, _ in wanted}, unit__in={u for _, u in wanted}
        ).values_list("expert_id", "unit", "indicator")
    )
    missing = [
        (expert, unit, code)
        for (expert, unit), codes in wanted.items()
        for code in codes
        if (expert, unit, code) not in have
    ]
    if not missing:
        return 0
    earlier = _carried(edition, {unit for _, unit, _ in missing})
    made = Answer.objects.bulk_create(
        _row(edition, expert, unit, code, asked[code].area, earlier.get((unit, code)))
        for expert, unit, code in missing
    )
    Source.objects.bulk_create(
        Source(answer=answer, **s.snapshot_fields())
        for answer in made
        if (old := earlier.get((answer.unit, answer.indicator))) is not None
        for s in old.live_sources()
    )
    return len(made)


def _carried(edition: Edition, units: set[str]) -> dict[tuple[str, str], Answer]:
    """Last edition's answers that count, of ``units``, by (country, question) — the older one
    where two count — with their sources."""
    if edition.previous_id is None:
        return {}
    found: dict[tuple[str, str], Answer] = {}
    for a in (
        Answer.objects.that_count()
        .filter(edition=edition.previous_id, unit__in=units)
        .order_by("pk")
        .prefetch_related(LIVE_SOURCES)
    ):
        found.setdefault((a.unit, a.indicator), a)
    return found


def _row(
    edition: Edition, expert: int, unit: str, code: str, area: str, old: Answer | None
) -> Answer:
    """A new answer row, carried forward from ``old`` when given."""
    return Answer(
        edition=edition,
        unit=unit,
        indicator=code,
        area=area,
        expert_id=expert,
        option=old.option if old else "",
        not_applicable=old.not_applicable if old else False,
        na_reason=old.na_reason if old else "",
        justification=old.justification if old else "",
        confidence=old.confidence if old else "",
        previous_option=old.option if old else "",
        previous_justification=old.justification if old else "",
        confirmed=old is None,
        updated_by_id=expert,
    )
