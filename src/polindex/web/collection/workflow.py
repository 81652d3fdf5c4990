"""Saving answers (optimistic versions, full history) and moving them through the review.

Every function here checks the permission it needs (``PermissionDenied``), writes the answer
and its history in one transaction, and raises :class:`ConflictError` instead of overwriting a newer
version than the one the user started from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from polindex.framework.models import Indicator
from polindex.web.collection import statements
from polindex.web.collection.models import (
    Answer,
    AnswerChange,
    Comment,
    Edition,
    Role,
    Source,
    Status,
)
from polindex.web.collection.questions import Question, questions


class ConflictError(Exception):
    """Someone saved the answer since the user loaded it: both versions, for the user to choose."""

    def __init__(self, current: Answer, mine: dict[str, Any]) -> None:
        super().__init__(f"{current} changed since version {mine.get('version')}")
        self.current = current
        self.mine = mine


class InvalidError(Exception):
    """The answer cannot take this step; ``problems`` says what is missing, field by field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass
class Content:
    """What an expert writes for one answer."""

    option: str = ""
    not_applicable: bool = False
    na_reason: str = ""
    justification: str = ""
    confidence: str = ""
    sources: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, answer: Answer) -> Content:
        """What ``answer`` holds now."""
        return cls(
            option=answer.option,
            not_applicable=answer.not_applicable,
            na_reason=answer.na_reason,
            justification=answer.justification,
            confidence=answer.confidence,
            sources=[s.snapshot() for s in answer.live_sources()],
        )

    def parts(self) -> dict[str, Any]:
        """The content by part, normalised for comparison (see :data:`PARTS`)."""
        na = self.not_applicable
        return {
            "answer": ("" if na else self.option, na, self.na_reason.strip() if na else ""),
            "justification": self.justification.strip(),
            "confidence": self.confidence,
            "sources": [
                tuple(str(s.get(k) or "").strip() for k in SOURCE_FIELDS)
                for s in self.sources
                if str(s.get("instrument") or "").strip()
            ],
        }


SOURCE_FIELDS = ("instrument", "article", "url", "in_force")
# the parts of an answer compared, merged after a conflict, and their fields
PARTS = {
    "answer": ("option", "not_applicable", "na_reason"),
    "justification": ("justification",),
    "confidence": ("confidence",),
    "sources": ("sources",),
}


def changed_parts(old: Content, new: Content) -> list[str]:
    """The parts (answer, justification, confidence, sources) in which two contents differ.

    >>> old, new = Content(option="a", justification="x"), Content(option="b", justification="x ")
    >>> changed_parts(old, new)
    ['answer']
    """
    before, after = old.parts(), new.parts()
    return [part for part in PARTS if before[part] != after[part]]


def indicators(edition: Edition) -> list[Indicator]:
    """The edition's indicators in questionnaire order."""
    return edition.definition.framework.indicators


def _question(answer: Answer) -> Question:
    return questions(answer.edition)[answer.indicator]


SOURCE_LENGTHS = {"instrument": 300, "article": 100, "url": 500}  # the columns' sizes
OPTION_LENGTH = 64


def invalid(answer: Answer, content: Content) -> dict[str, str]:
    """What in ``content`` cannot be stored as ``answer``'s, whatever its stage (empty when it
    all can): an option that is not the question's, a confidence that is not one of
    :class:`~.models.Answer.Confidence`, a source's URL that is not a web address, a date in
    force that is not a date, a text longer than its column. The answer form and every save
    check the same."""
    found: dict[str, str] = {}
    chosen = "" if content.not_applicable else content.option
    if len(chosen) > OPTION_LENGTH:
        found["option"] = f"longer than {OPTION_LENGTH} characters"
    elif chosen and (wrong := _question(answer).problem(chosen)):
        found["option"] = wrong
    if content.confidence not in ("", *Answer.Confidence.values):
        found["confidence"] = f"{content.confidence!r}: choose high, medium or low"
    for k, source in enumerate(content.sources, start=1):
        faults = [
            f"{name} is longer than {most} characters"
            for name, most in SOURCE_LENGTHS.items()
            if len(str(source.get(name) or "")) > most
        ]
        url = str(source.get("url") or "").strip()
        if url and not url.lower().startswith(("https://", "http://")):
            faults.append("the URL must start with https://")
        if day := str(source.get("in_force") or ""):
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                faults.append(f"in force {day!r} is not a date (YYYY-MM-DD)")
        if faults:
            found[f"source {k}"] = "; ".join(faults)
    return found


def problems(answer: Answer, content: Content | None = None) -> dict[str, str]:
    """What keeps an answer from being submitted (empty when it is complete)."""
    c = content or Content.of(answer)
    found: dict[str, str] = {}
    if c.not_applicable:
        if not c.na_reason.strip():
            found["na_reason"] = "say why the question does not apply"
    elif not c.option:
        found["option"] = "choose an answer (or mark it not applicable)"
    elif wrong := _question(answer).problem(c.option):
        found["option"] = wrong
    changed = answer.previous_option and (c.option != answer.previous_option or c.not_applicable)
    if changed or not answer.previous_option:
        if not c.justification.strip():
            found["justification"] = (
                "a changed answer needs a justification" if changed else "give a justification"
            )
        if not [s for s in c.sources if s.get("instrument", "").strip()]:
            found["sources"] = "cite at least one legal source"
    return found


def _require(user: Any, perm: str, obj: Any) -> None:
    from polindex.web.collection.permissions import allowed

    if not allowed(user, perm, obj):
        raise PermissionDenied(f"{perm} on {obj}")


def _write(
    answer: Answer,
    user: Any,
    version: int,
    action: str,
    reason: str,
    before: dict[str, Any] | None = None,
    **fields: Any,
) -> Answer:
    """Update the answer if it is still at ``version``; record the change (from ``before``,
    the answer's snapshot, when the caller has it); else ConflictError.

    The version is checked twice: against the answer as read (a page saved from a stale
    version costs no write), then by the update itself (``… WHERE version = N``), which only
    one of many saves racing from the same version passes. So the ``before`` of the history
    entry is the row the update replaced."""
    sources = fields.pop("sources", None)
    if answer.version != version:  # stale already as read (a bogus version too): no update
        raise ConflictError(answer, {**fields, "sources": sources, "version": version})
    before = before or answer.snapshot()
    now = timezone.now()
    if not statements.update_answer(
        answer.pk, version, {**fields, "updated_by": user.pk, "updated_at": now}
    ):
        current = Answer.objects.get(pk=answer.pk)
        raise ConflictError(current, {**fields, "sources": sources, "version": version})
    if sources is not None and sources != before["sources"]:
        answer.sources.filter(deleted_at=None).update(deleted_at=timezone.now())
        Source.objects.bulk_create(
            Source(
                answer=answer,
                position=k,
                instrument=s.get("instrument", "")[:300],
                article=s.get("article", "")[:100],
                url=s.get("url", "")[:500],
                in_force=s.get("in_force") or None,
            )
            for k, s in enumerate(sources)
            if s.get("instrument", "").strip()
        )
        answer.__dict__.pop("live", None)  # a prefetched list of sources is now out of date
    for name, value in fields.items():  # the row as written, without reading it back
        setattr(answer, name, value)
    answer.version, answer.updated_by, answer.updated_at = version + 1, user, now
    after = {**before, **{k: v for k, v in fields.items() if k in before}}
    if sources is not None:
        after["sources"] = [
            {k: s.get(k, "") or "" for k in ("instrument", "article", "url", "in_force")}
            for s in sources
            if s.get("instrument", "").strip()
        ]
    statements.record_change(
        answer.pk,
        user.pk,
        now,
        action,
        old={k: v for k, v in before.items() if after.get(k) != v},
        new={k: v for k, v in after.items() if before.get(k) != v},
        reason=reason,
    )
    return answer


@transaction.atomic
def save(answer: Answer, user: Any, content: Content, version: int, reason: str = "") -> Answer:
    """Save an expert's draft (complete or not) from the page at ``version``."""
    _require(user, "collection.edit_answer", answer)
    fields: dict[str, Any] = {
        "option": "" if content.not_applicable else content.option,
        "not_applicable": content.not_applicable,
        "na_reason": content.na_reason if content.not_applicable else "",
        "justification": content.justification,
        "confidence": content.confidence,
        "sources": [
            {k: s.get(k, "") for k in ("instrument", "article", "url", "in_force")}
            for s in content.sources
            if s.get("instrument", "").strip()
        ],
    }
    if found := invalid(answer, content):
        raise InvalidError(found)
    now = answer.snapshot()
    if answer.confirmed and all(now.get(k) == v for k, v in fields.items()):
        return answer  # nothing changed: no new version, no history entry
    return _write(answer, user, version, "save", reason, now, confirmed=True, **fields)


# action → (states it starts from, state it leads to, permission)
ACTIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": ((Status.DRAFT, Status.QUERIED), Status.SUBMITTED, "collection.edit_answer"),
    "review": ((Status.SUBMITTED,), Status.IN_REVIEW, "collection.review_answer"),
    "agree": ((Status.SUBMITTED, Status.IN_REVIEW), Status.AGREED, "collection.review_answer"),
    "query": ((Status.SUBMITTED, Status.IN_REVIEW), Status.QUERIED, "collection.review_answer"),
    "adjudicate": (
        (Status.SUBMITTED, Status.IN_REVIEW, Status.AGREED, Status.QUERIED),
        Status.ADJUDICATED,
        "collection.adjudicate",
    ),
    "validate": ((Status.AGREED, Status.ADJUDICATED), Status.VALIDATED, "collection.validate"),
    "lock": ((Status.VALIDATED,), Status.LOCKED, "collection.validate"),
    "reopen": (
        (Status.AGREED, Status.ADJUDICATED, Status.VALIDATED),
        Status.DRAFT,
        "collection.validate",
    ),
}


@transaction.atomic
def act(
    answer: Answer, user: Any, action: str, version: int, comment: str = "", option: str = ""
) -> Answer:
    """Move an answer along the review: submit, review (start), agree, query, adjudicate,
    validate, lock, reopen. A query and an adjudication need a comment; an adjudication may
    set the option."""
    if action not in ACTIONS:
        raise InvalidError({"action": f"unknown action {action!r}"})
    starts, goal, perm = ACTIONS[action]
    _require(user, perm, answer)
    if answer.status not in starts:
        raise InvalidError({"status": f"cannot {action} an answer that is {answer.status}"})
    if action == "submit" and (found := problems(answer)):
        raise InvalidError(found)
    if action in ("query", "adjudicate", "reopen") and not comment.strip():
        raise InvalidError({"comment": f"say why ({action})"})
    fields: dict[str, Any] = {"status": goal}
    if action == "adjudicate" and option:
        if wrong := _question(answer).problem(option):
            raise InvalidError({"option": wrong})
        fields.update(option=option, not_applicable=False, na_reason="")
    answer = _write(answer, user, version, action, comment, **fields)
    if comment.strip():
        Comment.objects.create(answer=answer, author=user, role=_role(user, answer), text=comment)
    return answer


@transaction.atomic
def comment(answer: Answer, user: Any, text: str) -> None:
    """Add a message to the answer's thread."""
    _require(user, "collection.comment", answer)
    if not text.strip():
        raise InvalidError({"comment": "write a message"})
    Comment.objects.create(answer=answer, author=user, role=_role(user, answer), text=text)


def _role(user: Any, answer: Answer) -> str:
    from polindex.web.collection.permissions import is_central, roles

    if is_central(user):
        return "central"
    held = roles(user, answer.edition, answer.unit, answer.area)
    for role in (Role.REVIEWER, Role.COORDINATOR, Role.EXPERT, Role.GOVERNMENT):
        if role in held:
            return role
    return ""


@transaction.atomic
def moderate(answer: Answer, user: Any, comment_id: int, hidden: bool) -> None:
    """Hide (or show again) a message of the answer's thread; recorded in the history."""
    _require(user, "collection.moderate", answer)
    message = Comment.objects.filter(pk=comment_id, answer=answer).first()
    if message is None:
        raise InvalidError({"comment": "no such message in this thread"})
    Comment.objects.filter(pk=message.pk).update(hidden=hidden)
    AnswerChange.objects.create(
        answer=answer,
        who=user,
        action="hide message" if hidden else "show message",
        old={"message": message.pk, "hidden": message.hidden},
        new={"message": message.pk, "hidden": hidden},
    )
