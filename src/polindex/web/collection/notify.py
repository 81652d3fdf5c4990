"""E-mail to the people of an edition: invitations, queries, replies, adjudications and
deadline reminders (Django's mail; the console backend in the demo)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from polindex.web.collection import progress
from polindex.web.collection.models import Answer, Assignment, Edition, Role


def base_url() -> str:
    """Where links in e-mails point (``POLINDEX_BASE_URL``, default the demo server)."""
    return os.environ.get("POLINDEX_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


@task
def deliver(address: str, subject: str, body: str) -> int:
    """Send one e-mail (a background task: at once in the demo, by the worker in production)."""
    return send_mail(f"[Polindex] {subject}", body, None, [address])


def _send(user: Any, subject: str, body: str) -> int:
    """Queue an e-mail to ``user`` (none without an address); returns how many were queued."""
    if not getattr(user, "email", ""):
        return 0
    deliver.enqueue(user.email, subject, body)
    return 1


def remind(address: str, subject: str, body: str) -> int:
    """Queue a reminder the central team sends from an edition's progress page
    (:mod:`.reminding`) to ``address`` (none without one); returns how many were queued."""
    if not address:
        return 0
    deliver.enqueue(address, subject, body)
    return 1


def invitation(assignment: Assignment) -> int:
    """Invite the assigned person: the link leads to the acceptance page (with the conflict of
    interest declaration)."""
    link = base_url() + reverse("collection:invitation", args=[assignment.token])
    where = assignment.unit or "every country"
    body = (
        f"You are invited as {assignment.get_role_display()} for {where} in "
        f"{assignment.edition.name} (policies in force on {assignment.edition.reference_date}).\n\n"
        f"Accept the invitation and declare any conflict of interest here:\n{link}\n"
    )
    sent = _send(assignment.user, f"Invitation: {assignment.edition.name}", body)
    Assignment.objects.filter(pk=assignment.pk).update(invited_at=timezone.now())
    return sent


def _answer_link(answer: Answer) -> str:
    return base_url() + reverse(
        "collection:answer", args=[answer.edition.code, answer.unit, answer.indicator]
    )


def _people(answer: Answer, role: str) -> list[Any]:
    """Who holds ``role`` on the answer's country and area (invitation accepted)."""
    from polindex.web.collection.questions import area_of

    rows = Assignment.objects.filter(
        edition=answer.edition,
        role=role,
        unit__in=[answer.unit, ""],
        area__in=[area_of(answer.edition, answer.indicator), ""],
        accepted_at__isnull=False,
    ).select_related("user")
    return [a.user for a in rows]


def answer_event(answer: Answer, action: str, actor: Any) -> int:
    """Tell the other side that something happened to an answer: a query, an adjudication or
    someone else's message (e.g. a government contact's fact-check comment) goes to its
    expert, an expert's reply (a comment or a resubmission of a queried answer) to the
    reviewers of its area."""
    link = _answer_link(answer)
    what = f"{answer.indicator} ({answer.unit}, {answer.edition.name})"
    if action in ("query", "adjudicate", "comment"):
        verb = {"query": "has a query", "adjudicate": "was adjudicated"}.get(
            action, "has a new message"
        )
        return _send(answer.expert, f"{what} {verb}", f"{what} {verb}.\n\nOpen it: {link}\n")
    if action == "reply":
        sent = 0
        for reviewer in _people(answer, Role.REVIEWER):
            if reviewer.pk != actor.pk:
                sent += _send(reviewer, f"Reply on {what}", f"The expert replied.\n\n{link}\n")
        return sent
    if action == "submit":
        return ready_for_review(answer.edition, answer.unit, [answer])
    return 0


def ready_for_review(edition: Edition, unit: str, answers: list[Answer]) -> int:
    """Tell the reviewers of ``unit`` that ``answers`` (just submitted) wait for their review:
    one e-mail per reviewer, counting the answers of their area. Returns how many were sent."""
    if not answers:
        return 0
    link = base_url() + reverse("collection:country", args=[edition.code, unit])
    sent = 0
    for who, n in reviewers_of(edition, unit, answers).items():
        what = f"{n} answer{'s' if n != 1 else ''} of {unit} ({edition.name})"
        sent += _send(who, f"Ready for review: {what}", f"{what} wait for your review.\n\n{link}\n")
    return sent


def reviewers_of(edition: Edition, unit: str, answers: list[Answer]) -> dict[Any, int]:
    """The reviewers (invitation accepted) of ``unit``, each with how many of ``answers`` are
    in their area."""
    found: dict[Any, int] = {}
    for r in Assignment.objects.filter(
        edition=edition, role=Role.REVIEWER, unit__in=[unit, ""], accepted_at__isnull=False
    ).select_related("user"):
        n = sum(1 for a in answers if r.area in ("", a.area))
        if n:
            found[r.user] = found.get(r.user, 0) + n
    return found


def reminders(today: dt.date | None = None, days: tuple[int, ...] = (7, 1)) -> int:
    """Deadline reminders for open editions: experts with questions not yet submitted ``days``
    before ``submit_by`` (and every day once overdue), reviewers with submitted answers waiting
    before ``review_by`` — each counting only their countries and area. Returns the number of
    e-mails sent."""
    today = today or timezone.localdate()
    sent = 0
    for edition in Edition.objects.filter(state=Edition.State.OPEN):
        sent += _remind(edition, edition.submit_by, today, days, Role.EXPERT)
        sent += _remind(edition, edition.review_by, today, days, Role.REVIEWER)
    return sent


def _remind(
    edition: Edition, due: dt.date | None, today: dt.date, days: tuple[int, ...], role: str
) -> int:
    if due is None:
        return 0
    left = (due - today).days
    if left not in days and left >= 0:
        return 0
    found = progress.counts(edition)
    sent = 0
    for a in Assignment.objects.filter(
        edition=edition, role=role, accepted_at__isnull=False
    ).select_related("user"):
        units = [a.unit] if a.unit else list(edition.units)
        waiting = {
            u: progress.waiting(progress.total(edition, found, u, a.area))[role] for u in units
        }
        count = sum(waiting.values())
        if not count:
            continue
        where = ", ".join(u for u, n in waiting.items() if n)
        when = "overdue" if left < 0 else f"due in {left} day{'s' if left != 1 else ''}"
        body = (
            f"{count} answer(s) for {where} in {edition.name} are waiting for you "
            f"({when}: {due}).\n\n{base_url()}{reverse('collection:dashboard')}\n"
        )
        sent += _send(a.user, f"Reminder: {edition.name}, {when}", body)
    return sent
