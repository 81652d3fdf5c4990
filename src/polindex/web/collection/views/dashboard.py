"""The dashboard: each person's countries and what waits on them; every open edition's
countries for the central team."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from polindex.web.collection import progress
from polindex.web.collection.models import Answer, Assignment, Edition, Role
from polindex.web.collection.names import unit_name
from polindex.web.collection.permissions import Country, allowed
from polindex.web.collection.questions import label
from polindex.web.collection.views.access import guard, page

STATUSES = [(progress.NOT_STARTED, gettext_lazy("not started")), *Answer.Status.choices]


@page("collection:dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    """What the signed-in person has to do — their countries (and areas), how many answers wait
    on them, the deadline — and, for the central team, every open edition's countries: who is
    waiting on whom, and who is overdue."""
    guard(request, None)  # (anyone signed in: their own countries)
    today = timezone.localdate()
    central = allowed(request.user, "collection.manage", None)  # every edition's overview
    assignments = list(
        Assignment.objects.filter(user=request.user, edition__state=Edition.State.OPEN)
        .select_related("edition")
        .order_by("edition__code", "unit", "area")
    )
    needed: dict[int, set[str] | None] = {}  # per edition the countries to count (None: all)
    for a in assignments:
        have = needed.setdefault(a.edition_id, set())
        needed[a.edition_id] = None if have is None or not a.unit or central else have | {a.unit}
    found: dict[int, Any] = {}

    def counts_of(edition: Edition) -> Any:
        if edition.pk not in found:
            found[edition.pk] = progress.counts(edition, needed.get(edition.pk))
        return found[edition.pk]

    rows = []
    for a in assignments:
        for unit in [a.unit] if a.unit else a.edition.units:
            by_status = progress.total(a.edition, counts_of(a.edition), unit, a.area)
            turn = progress.TURN_OF.get(a.role)
            mine = progress.waiting(by_status).get(turn, 0) if turn else 0
            deadline = progress.due(a.edition, turn) if turn else a.edition.factcheck_until
            rows.append(
                {
                    "assignment": a,
                    "unit": unit,
                    "name": unit_name(a.edition, unit),
                    "area": label(a.edition, a.area) if a.area else "",
                    "counts": [(label, by_status[s]) for s, label in STATUSES if by_status[s]],
                    "mine": mine,
                    "deadline": deadline,
                    "overdue": bool(mine and deadline and deadline < today),
                    "link": "read" if a.role == Role.GOVERNMENT else "country",
                    "can_open": allowed(
                        request.user, "collection.view_country", Country(a.edition, unit)
                    ),
                }
            )
    overview = []
    if central:
        for edition in Edition.objects.filter(state=Edition.State.OPEN):
            needed[edition.pk] = None
            table = []
            for unit in edition.units:
                by_party = progress.waiting(progress.total(edition, counts_of(edition), unit))
                late = progress.overdue(edition, by_party, today)
                table.append(
                    {
                        "unit": unit,
                        "name": unit_name(edition, unit),
                        "waiting": by_party,
                        "overdue": late,
                    }
                )
            overview.append({"edition": edition, "units": table})
    # what waits on me, across countries and editions: the nearest deadline first
    todo = sorted(
        (r for r in rows if r["mine"]),
        key=lambda r: (r["deadline"] is None, r["deadline"] or today, r["name"]),
    )
    context = {
        "rows": rows,
        "todo": todo,
        "overview": overview,
        "parties": progress.PARTIES,
        "today": today,
    }
    return render(request, "collection/dashboard.html", context)
