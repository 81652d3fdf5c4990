"""Reminders the central team sends from an edition's progress page: to one person, or to
everyone overdue — previewed (who, which countries, what they owe) and confirmed first; each
recorded (:class:`~.models.Reminder`), and nobody reminded twice within :data:`AGAIN_AFTER`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from polindex.web.collection import notify
from polindex.web.collection.models import Edition, Reminder, Role
from polindex.web.collection.overview import PersonRow, Table

AGAIN_AFTER = dt.timedelta(hours=24)


@dataclass
class Plan:
    """Who a reminder would go to (``send``) and who it leaves out, with why: reminded less
    than :data:`AGAIN_AFTER` ago (``recent``), or owing nothing now (``nothing``: user ids)."""

    send: list[PersonRow] = field(default_factory=list)
    recent: list[PersonRow] = field(default_factory=list)
    nothing: list[int] = field(default_factory=list)


def plan(table: Table, now: dt.datetime, person: int | None = None) -> Plan:
    """The reminder to ``person`` (a user id), else to everyone overdue in ``table``.

    >>> from polindex.web.collection.overview import Debt
    >>> row = PersonRow(7, "Ana", "ana@example.org", [Debt("expert", (("DE", 61),), None, 3)])
    >>> now = dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)
    >>> [r.name for r in plan(Table([], [row], {7: "Ana"}), now).send]
    ['Ana']
    >>> row.last_reminded = now - dt.timedelta(hours=2)
    >>> [r.name for r in plan(Table([], [row], {7: "Ana"}), now).recent]
    ['Ana']
    """
    found = Plan()
    if person is not None:
        rows = [r for r in table.people if r.user_id == person]
        if not rows:
            found.nothing.append(person)
    else:
        rows = [r for r in table.people if r.overdue_days]
    for r in rows:
        recent = r.last_reminded is not None and now - r.last_reminded < AGAIN_AFTER
        (found.recent if recent else found.send).append(r)
    return found


def again_at(row: PersonRow) -> dt.datetime | None:
    """When ``row``'s person may be reminded again (``None``: now)."""
    return row.last_reminded + AGAIN_AFTER if row.last_reminded else None


def owed_lines(row: PersonRow, names: Any) -> list[str]:
    """What ``row``'s person owes, a line per role, countries named by ``names(code)``.

    >>> from polindex.web.collection.overview import Debt
    >>> row = PersonRow(7, "Ana", "", [Debt("expert", (("DE", 60), ("FR", 1)), None, 0)])
    >>> owed_lines(row, {"DE": "Germany", "FR": "France"}.get)
    ['61 answers to submit: Germany (60), France (1)']
    """
    lines = []
    for d in row.debts:
        verb = "submit" if d.role == Role.EXPERT else "review"
        what = f"{d.answers} answer{'s' if d.answers != 1 else ''} to {verb}"
        where = ", ".join(f"{names(u)} ({n})" for u, n in d.units)
        when = ""
        if d.due is not None:
            when = f" by {d.due.isoformat()}"
            if d.overdue_days:
                days = d.overdue_days
                when += f", {days} day{'s' if days != 1 else ''} overdue"
        lines.append(f"{what}{when}: {where}")
    return lines


def send(
    edition: Edition, rows: list[PersonRow], by: Any, now: dt.datetime, names: Any
) -> list[Reminder]:
    """E-mail each of ``rows`` what they owe (countries named by ``names``) and record it;
    returns the reminders recorded (a person without an e-mail address gets none)."""
    link = notify.base_url() + reverse("collection:dashboard")
    done = []
    for r in rows:
        lines = owed_lines(r, names)
        body = (
            f"Dear {r.name},\n\nThe central team of {edition.name} reminds you of what waits "
            "for you:\n\n"
            + "".join(f"- {line}\n" for line in lines)
            + f"\nOpen your work: {link}\n"
        )
        overdue = " (overdue)" if r.overdue_days else ""
        if notify.remind(r.email, f"Reminder: {edition.name}{overdue}", body):
            done.append(
                Reminder.objects.create(
                    edition=edition, person_id=r.user_id, sent_by=by, sent_at=now,
                    owed="\n".join(lines),
                )
            )  # fmt: skip
    return done
