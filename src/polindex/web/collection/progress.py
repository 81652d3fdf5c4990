"""How far an edition is: answers per country, area and status, and who is waiting on whom."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count
from django.utils.translation import npgettext

from polindex.web.collection.models import Answer, Edition, Role, Status
from polindex.web.collection.questions import area_of

NOT_STARTED = "not_started"  # a question no answer row exists for yet (not a status of Answer)
# whose turn an answer at each status is: the expert's, the reviewer's, the central team's
WAITING_ON: dict[str, str] = {
    NOT_STARTED: "expert",
    Status.DRAFT: "expert",
    Status.QUERIED: "expert",
    Status.SUBMITTED: "reviewer",
    Status.IN_REVIEW: "reviewer",
    Status.AGREED: "central",
    Status.ADJUDICATED: "central",
    Status.VALIDATED: "done",
    Status.LOCKED: "done",
}
PARTIES = ("expert", "reviewer", "central", "done")
# the role an assignment acts as, for "waiting on you" (a coordinator adjudicates)
TURN_OF = {Role.EXPERT: "expert", Role.REVIEWER: "reviewer", Role.COORDINATOR: "central"}


def counted(status: str, n: int) -> str:
    """``n`` answers at ``status``, in words that agree with the number in the active language
    ("1 soumise", "5 soumises"; "3 not started"): how the workspace counts answers by status.

    >>> counted("submitted", 5), counted(NOT_STARTED, 1)
    ('5 submitted', '1 not started')
    """
    said = {
        NOT_STARTED: npgettext("answers", "%(n)s not started", "%(n)s not started", n),
        Status.DRAFT: npgettext("answers", "%(n)s draft", "%(n)s drafts", n),
        Status.SUBMITTED: npgettext("answers", "%(n)s submitted", "%(n)s submitted", n),
        Status.IN_REVIEW: npgettext("answers", "%(n)s in review", "%(n)s in review", n),
        Status.AGREED: npgettext("answers", "%(n)s agreed", "%(n)s agreed", n),
        Status.QUERIED: npgettext("answers", "%(n)s queried", "%(n)s queried", n),
        Status.ADJUDICATED: npgettext("answers", "%(n)s adjudicated", "%(n)s adjudicated", n),
        Status.VALIDATED: npgettext("answers", "%(n)s validated", "%(n)s validated", n),
        Status.LOCKED: npgettext("answers", "%(n)s locked", "%(n)s locked", n),
    }[status]
    return said % {"n": n}


def counts(edition: Edition, units: set[str] | None = None) -> dict[tuple[str, str], Counter[str]]:
    """The answers that count (:meth:`~.models.AnswerQuerySet.that_count`) of ``edition`` (of
    ``units`` only, when given) per (country, area) and status, in one query
    (``found[("AT", "LMM")]`` is a ``Counter`` such as ``{"draft": 8, "submitted": 2}``)."""
    found: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    answers = Answer.objects.that_count().filter(edition=edition)
    if units is not None:
        answers = answers.filter(unit__in=units)
    for unit, area, status, n in (
        answers.values_list("unit", "area", "status").annotate(n=Count("pk")).order_by()
    ):
        found[(unit, area)][status] += n
    return found


def total(
    edition: Edition, found: dict[tuple[str, str], Counter[str]], unit: str, area: str = ""
) -> Counter[str]:
    """The status counts of ``unit`` (of one area, when given), questions nobody has opened
    yet counted as ``not_started``."""
    out: Counter[str] = Counter()
    for (u, a), c in found.items():
        if u == unit and area in ("", a):
            out.update(c)
    expected = sum(n for a, n in questions(edition).items() if area in ("", a))
    if expected > out.total():
        out[NOT_STARTED] = expected - out.total()
    return out


def totals(
    edition: Edition, found: dict[tuple[str, str], Counter[str]]
) -> dict[tuple[str, str], Counter[str]]:
    """:func:`total` for every country of ``edition`` and each of its areas at once, in one
    pass over ``found``: ``(unit, area)`` and ``(unit, "")`` (all areas) → status counts, questions
    nobody has opened yet counted as ``not_started`` (for tables of many countries, where
    calling :func:`total` per row would read ``found`` again for each)."""
    asked = questions(edition)
    out: dict[tuple[str, str], Counter[str]] = {}
    for unit in edition.units:
        for area in ("", *asked):
            out[(unit, area)] = Counter()
    for (unit, area), c in found.items():
        for key in ((unit, area), (unit, "")):
            if key in out:
                out[key].update(c)
    for (_unit, area), c in out.items():
        expected = asked[area] if area else asked.total()
        if expected > c.total():
            c[NOT_STARTED] = expected - c.total()
    return out


def questions(edition: Edition) -> Counter[str]:
    """How many questions each area of ``edition`` asks."""
    from polindex.web.collection.workflow import indicators

    return Counter(area_of(edition, item.code) for item in indicators(edition))


def waiting(by_status: Counter[str]) -> dict[str, int]:
    """Answers per party whose turn it is (``expert``, ``reviewer``, ``central``, ``done``).

    >>> waiting(Counter({"draft": 3, "queried": 1, "agreed": 2}))
    {'expert': 4, 'reviewer': 0, 'central': 2, 'done': 0}
    """
    out = dict.fromkeys(PARTIES, 0)
    for status, n in by_status.items():
        out[WAITING_ON[status]] += n
    return out


def due(edition: Edition, party: str) -> dt.date | None:
    """The deadline of ``party``'s stage: submission, review, validation or the fact-check."""
    return {
        "expert": edition.submit_by,
        "reviewer": edition.review_by,
        "central": edition.validate_by,
        "government": edition.factcheck_until,
    }.get(party)


def party_of(user: Any, edition: Edition, unit: str) -> str:
    """The party whose turn ``user`` takes on ``unit``: ``expert``, ``reviewer``, ``central``
    (the central team and area coordinators), ``government``, or ``""`` for none — the first
    of these the user holds (someone both expert and reviewer acts as the expert)."""
    from polindex.web.collection.permissions import is_central, roles

    held = roles(user, edition, unit)
    for role, party in ((Role.EXPERT, "expert"), (Role.REVIEWER, "reviewer")):
        if role in held:
            return party
    if Role.COORDINATOR in held or is_central(user):
        return "central"
    return "government" if Role.GOVERNMENT in held else ""


def overdue(edition: Edition, by_party: dict[str, int], today: dt.date) -> list[str]:
    """The parties with answers waiting past their stage's deadline."""
    return [
        p for p in PARTIES if by_party.get(p) and (d := due(edition, p)) is not None and d < today
    ]
