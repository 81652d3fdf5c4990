"""Steps taken for many answers of a country at once — submit, start the review, agree,
validate, lock, reopen — previewed, confirmed, recorded as one entry and reversible.

A step is planned first (:func:`plan`: exactly the answers it will move, and those it could
have moved but will not, with why); the confirmation carries the plan's :attr:`Plan.token` (each
answer with its version), and :func:`take` moves the answers only if the plan is still the
same — anything changed since the preview, and nothing moves. The step is one
:class:`~.models.BulkStep`; each answer's history gets its change, pointing to it. While none of
its answers has changed since, :func:`reverse` puts them back where they were (one more entry in
each answer's history); once one has, the step stays (:func:`blockers` says which).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from polindex.web.collection.models import Answer, AnswerChange, BulkStep, Comment
from polindex.web.collection.permissions import allowed
from polindex.web.collection.workflow import ACTIONS, ConflictError, InvalidError, _role, problems

# the steps taken for a whole country, in the order the page offers them
STEPS = ("submit", "review", "agree", "validate", "lock", "reopen")
NEEDS_REASON = ("reopen",)


class StaleError(Exception):
    """The answers changed since the preview: nothing was moved; look at the preview again."""


@dataclass
class Plan:
    """What a step would do now: the answers it moves, those it leaves (indicator → why)."""

    action: str
    ready: list[Answer] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def goal(self) -> str:
        """The status the answers move to."""
        return ACTIONS[self.action][1]

    @property
    def token(self) -> str:
        """The answers moved, each with its version (``"12:3,13:3"``): what a confirmation
        confirms."""
        return ",".join(f"{a.pk}:{a.version}" for a in self.ready)


def plan(answers: list[Answer], user: Any, action: str) -> Plan:
    """The answers of ``answers`` that ``action`` would move for ``user``: those at a status
    it starts from that the user may move; an incomplete answer is not submitted (it is in
    ``skipped`` with what it lacks).

    >>> plan([], None, "agree").ready
    []
    """
    if action not in STEPS:
        raise InvalidError({"action": f"{action!r} is not a step for a whole country"})
    starts, _, perm = ACTIONS[action]
    found = Plan(action)
    for a in answers:
        if a.status not in starts or not allowed(user, perm, a):
            continue
        if action == "submit" and (lacks := problems(a)):
            found.skipped[a.indicator] = "; ".join(lacks.values())
        else:
            found.ready.append(a)
    return found


@transaction.atomic
def take(answers: list[Answer], user: Any, action: str, token: str, reason: str = "") -> BulkStep:
    """Take ``action`` on the answers the preview listed (``token``, :attr:`Plan.token`), in one
    transaction, recorded as one :class:`~.models.BulkStep` — or raise :class:`StaleError`
    (the plan is no longer the one previewed) or ``InvalidError`` (no answer, no reason for a
    reopening) and move nothing."""
    found = plan(answers, user, action)
    if not found.ready:
        raise InvalidError({"action": "no answer to take this step on"})
    if token != found.token:
        raise StaleError(action)
    if action in NEEDS_REASON and not reason.strip():
        raise InvalidError({"reason": f"say why ({action})"})
    if "\x00" in reason:  # (a database column of text cannot hold it)
        raise InvalidError({"reason": "Null characters are not allowed."})
    first = found.ready[0]
    step = BulkStep.objects.create(
        edition=first.edition, unit=first.unit, action=action, who=user, reason=reason.strip()
    )
    step.moved = _move(step, found.ready, user, action, found.goal, reason.strip())
    step.save(update_fields=["moved"])
    if action in NEEDS_REASON:
        Comment.objects.bulk_create(
            Comment(answer=a, author=user, role=_role(user, a), text=reason.strip())
            for a in found.ready
        )
    return step


def _move(
    step: BulkStep, answers: list[Answer], user: Any, action: str, goal: str, reason: str
) -> list[list[Any]]:
    """Move each answer (still at the version and status read) to ``goal``, its history entry
    pointing to ``step``; a conflict with a concurrent save raises (and undoes all of it)."""
    now = timezone.now()
    moved, changes = [], []
    for a in answers:
        updated = Answer.objects.filter(pk=a.pk, version=a.version, status=a.status).update(
            status=goal, version=F("version") + 1, updated_by=user, updated_at=now
        )
        if not updated:
            raise ConflictError(Answer.objects.get(pk=a.pk), {"version": a.version})
        changes.append(
            AnswerChange(
                answer=a, who=user, action=action, old={"status": a.status},
                new={"status": goal}, reason=reason, bulk=step,
            )
        )  # fmt: skip
        moved.append([a.pk, a.status, a.version + 1])
        a.status, a.version, a.updated_by = goal, a.version + 1, user
    AnswerChange.objects.bulk_create(changes)
    return moved


def blockers(step: BulkStep) -> list[Answer]:
    """The answers of ``step`` changed since (a later save or step): while there is one, the
    step cannot be reversed (something downstream depends on it)."""
    after = {pk: version for pk, _, version in step.moved}
    return [
        a
        for a in Answer.objects.filter(pk__in=after).order_by("indicator")
        if a.version != after[a.pk] or a.deleted_at is not None
    ]


@transaction.atomic
def reverse(step: BulkStep, user: Any) -> BulkStep:
    """Put every answer of ``step`` back at the status it had, if nothing changed since (else
    ``InvalidError`` naming the answers changed, and nothing moves); recorded in each answer's
    history as ``undo <step>``, pointing to the step, which is marked reversed."""
    if not allowed(user, "collection.undo_step", step):
        raise PermissionDenied(f"undo {step}")
    step = BulkStep.objects.select_for_update().get(pk=step.pk)
    if step.reversed_at is not None:
        raise InvalidError({"step": "this step was already reversed"})
    if changed := blockers(step):
        codes = ", ".join(a.indicator for a in changed)
        raise InvalidError({"step": f"changed since: {codes}"})
    now = timezone.now()
    changes = []
    goal = ACTIONS[step.action][1]
    for pk, before, version in step.moved:
        updated = Answer.objects.filter(pk=pk, version=version, status=goal).update(
            status=before, version=F("version") + 1, updated_by=user, updated_at=now
        )
        if not updated:
            raise InvalidError({"step": "an answer changed meanwhile: look again"})
        changes.append(
            AnswerChange(
                answer_id=pk, who=user, action=f"undo {step.action}", old={"status": goal},
                new={"status": before}, reason=f"reversal of step {step.pk}", bulk=step,
            )
        )  # fmt: skip
    AnswerChange.objects.bulk_create(changes)
    step.reversed_at, step.reversed_by = now, user
    step.save(update_fields=["reversed_at", "reversed_by"])
    return step


def reversible(step: BulkStep, user: Any) -> bool:
    """Whether ``user`` may reverse ``step`` now (not yet reversed, nothing changed since)."""
    return (
        step.reversed_at is None
        and allowed(user, "collection.undo_step", step)
        and not blockers(step)
    )
