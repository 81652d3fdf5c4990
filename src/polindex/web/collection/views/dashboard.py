"""The dashboard: each person's countries and what waits on them; every open edition's
countries for the central team."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from polindex.web.collection import overview as running
from polindex.web.collection import progress, reminding
from polindex.web.collection.models import Answer, Assignment, Edition, Role
from polindex.web.collection.names import unit_name
from polindex.web.collection.permissions import Country, allowed
from polindex.web.collection.questions import label
from polindex.web.collection.views.access import guard, page

STATUS_ORDER = [progress.NOT_STARTED, *Answer.Status.values]


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
                    "counts": [progress.counted(s, n) for s in STATUS_ORDER if (n := by_status[s])],
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
    if central:  # each open edition in a few lines; its table is on its progress page
        for edition in Edition.objects.filter(state=Edition.State.OPEN):
            table = running.build(edition, today, names=lambda u, e=edition: unit_name(e, u))
            overview.append(_summary(edition, table))
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


SHOWN_NAMES = 6  # countries named in a line of the summary (then "and N more")


def _summary(edition: Edition, table: running.Table) -> dict[str, Any]:
    """An open edition for the central team's dashboard: its countries without an expert or
    a reviewer (named), answers waiting on each party, the people overdue."""

    def lacking(role: str) -> dict[str, Any]:
        names = [
            r.name
            for r in table.countries
            if any(s.role == role and s.state in ("none", "partial") for s in r.staffing)
        ]
        shown = names[:SHOWN_NAMES]
        return {"role": role, "n": len(names), "names": shown, "more": len(names) - len(shown)}

    waiting = dict.fromkeys(progress.PARTIES, 0)
    for r in table.countries:
        for party, n in r.waiting.items():
            waiting[party] += n
    no_expert, no_reviewer = lacking(Role.EXPERT), lacking(Role.REVIEWER)
    return {
        "edition": edition,
        "countries": len(table.countries),
        "lacking": [no_expert, no_reviewer],
        "unassigned": no_expert["n"] + no_reviewer["n"],
        "waiting": waiting,
        "late_countries": sum(1 for r in table.countries if r.overdue_days),
        # overdue, and not reminded in the last day
        "late_people": len(reminding.plan(table, timezone.now()).send),
    }
