"""E-mail to the people of an edition: invitations, queries, replies, adjudications and
deadline reminders (Django's mail; the console backend in the demo).

Each e-mail is written in its recipient's language (:func:`language_of`), countries named as
the workspace names them in that language, never by their code.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from polindex.web.collection import progress
from polindex.web.collection.models import Answer, Assignment, Edition, Role
from polindex.web.collection.names import unit_name


def base_url() -> str:
    """Where links in e-mails point (``POLINDEX_BASE_URL``, default the demo server)."""
    return os.environ.get("POLINDEX_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


@task
def deliver(address: str, subject: str, body: str) -> int:
    """Send one e-mail (a background task: at once in the demo, by the worker in production)."""
    return send_mail(f"[Polindex] {subject}", body, None, [address])


def send_to(user: Any, subject: str, body: str) -> int:
    """Queue an e-mail to ``user`` (none without an address); returns how many were queued."""
    if not getattr(user, "email", ""):
        return 0
    deliver.enqueue(user.email, subject, body)
    return 1


def language_of(user: Any, edition: Edition | None) -> str:
    """The language to write to ``user`` in: the one of their assignments in ``edition`` (set
    when they accepted the invitation, the most recent first), else their person's language
    (given when they were invited), else the site's default.

    >>> language_of(None, None)
    'en'
    """
    if user is None:
        return str(settings.LANGUAGE_CODE)
    found = None
    if edition is not None:
        found = (
            Assignment.objects.filter(edition=edition, user=user)
            .exclude(language="")
            .order_by("-accepted_at", "-pk")
            .values_list("language", flat=True)
            .first()
        )
    if found:
        return str(found)
    from polindex.web.collection.invitations import language_of as persons_language

    return persons_language(user)


def invitation(assignment: Assignment) -> int:
    """Invite the assigned person, in their language: the link leads to the acceptance page
    (with the conflict of interest declaration and the choice to be named in the credits)."""
    from polindex.web.collection.invitations import send

    return send(assignment.user, [assignment], assignment.language)


def _what(answer: Answer, lang: str) -> str:
    """``LMM1 (Austria, Demo 2025)``: the question, its country by name and the edition."""
    country = unit_name(answer.edition, answer.unit, lang)
    return f"{answer.indicator} ({country}, {answer.edition.name})"


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
    if action in ("query", "adjudicate", "comment"):
        lang = language_of(answer.expert, answer.edition)
        with translation.override(lang):
            what = {"what": _what(answer, lang)}
            if action == "query":
                subject = _("%(what)s has a query") % what
            elif action == "adjudicate":
                subject = _("%(what)s was adjudicated") % what
            else:
                subject = _("%(what)s has a new message") % what
            body = f"{subject}.\n\n" + _("Open it: %(link)s") % {"link": link} + "\n"
        return send_to(answer.expert, subject, body)
    if action == "reply":
        sent = 0
        for reviewer in _people(answer, Role.REVIEWER):
            if reviewer.pk != actor.pk:
                lang = language_of(reviewer, answer.edition)
                with translation.override(lang):
                    subject = _("Reply on %(what)s") % {"what": _what(answer, lang)}
                    body = _("The expert replied.") + f"\n\n{link}\n"
                sent += send_to(reviewer, subject, body)
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
        lang = language_of(who, edition)
        with translation.override(lang):
            what = ngettext(
                "%(n)d answer of %(country)s (%(edition)s)",
                "%(n)d answers of %(country)s (%(edition)s)",
                n,
            ) % {"n": n, "country": unit_name(edition, unit, lang), "edition": edition.name}
            subject = _("Ready for review: %(what)s") % {"what": what}
            body = ngettext(
                "%(what)s waits for your review.", "%(what)s wait for your review.", n
            ) % {"what": what}
        sent += send_to(who, subject, f"{body}\n\n{link}\n")
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
        lang = a.language or language_of(a.user, edition)
        with translation.override(lang):
            where = ", ".join(unit_name(edition, u, lang) for u, n in waiting.items() if n)
            if left < 0:
                when = _("overdue")
            else:
                when = ngettext("due in %(n)d day", "due in %(n)d days", left) % {"n": left}
            body = ngettext(
                "%(n)d answer for %(where)s in %(edition)s waits for you (%(when)s: %(due)s).",
                "%(n)d answers for %(where)s in %(edition)s wait for you (%(when)s: %(due)s).",
                count,
            ) % {"n": count, "where": where, "edition": edition.name, "when": when, "due": due}
            subject = _("Reminder: %(edition)s, %(when)s") % {"edition": edition.name, "when": when}
        sent += send_to(
            a.user, subject, f"{body}\n\n{base_url()}{reverse('collection:dashboard')}\n"
        )
    return sent
