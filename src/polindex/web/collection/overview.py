"""The central team's table of an edition: per country who is assigned as expert and reviewer
(or that nobody is), how many answers wait on whom, each stage's deadline and how many days it
is overdue; per person what they owe and when they were last reminded — filtered and sorted as
the page's address says, in a fixed number of queries whatever the number of countries.

The same rows make the page (:mod:`.views.running`), its CSV and XLSX exports and the reminders'
preview (:mod:`.reminding`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max

from polindex.web.collection import progress
from polindex.web.collection.models import Assignment, Edition, Reminder, Role

STAFFED = (Role.EXPERT, Role.REVIEWER)  # the roles every country needs, shown per country
PARTY_OF_ROLE = {Role.EXPERT: "expert", Role.REVIEWER: "reviewer"}
STAGES = ("expert", "reviewer", "central")  # the stages with a deadline of their own
# the filters of the status list, in the order offered
STATUS_FILTERS = ("unassigned", "invited", "overdue", "expert", "reviewer", "central", "done")
SORTS = ("name", "overdue", "expert", "reviewer", "central")


def person_name(user: Any) -> str:
    """How a person is named on the central team's pages: their full name, else their user
    name (``Marie Curie``, ``expert-at``)."""
    return str(user.get_full_name() or user.get_username())


@dataclass(frozen=True)
class Holder:
    """One assignment, as the table shows it."""

    user_id: int
    name: str
    role: str
    unit: str  # "": every country
    area: str  # "": every area
    accepted: bool
    invited: bool  # the invitation was sent (and not yet accepted, unless ``accepted``)


@dataclass(frozen=True)
class Staffing:
    """Who holds one role (expert or reviewer) on a country — accepted, invited or assigned
    without an invitation yet — and the areas none of them covers."""

    role: str
    holders: tuple[Holder, ...]
    missing: tuple[str, ...]  # area codes nobody covers

    @property
    def state(self) -> str:
        """``none`` (nobody assigned), ``partial`` (some areas uncovered), ``invited`` (nobody
        has accepted yet: invited, or assigned without an invitation) or ``accepted``."""
        if not self.holders:
            return "none"
        if self.missing:
            return "partial"
        return "accepted" if any(h.accepted for h in self.holders) else "invited"


@dataclass(frozen=True)
class Stage:
    """One stage of a country's answers: how many wait on its party, its deadline and how
    many days past it they still wait (0 when not overdue)."""

    party: str
    waiting: int
    due: dt.date | None
    overdue_days: int


@dataclass(frozen=True)
class CountryRow:
    unit: str
    name: str
    staffing: tuple[Staffing, ...]  # expert, reviewer
    waiting: dict[str, int]  # party → answers (progress.PARTIES)
    stages: tuple[Stage, ...]  # expert, reviewer, central
    people: frozenset[int]  # every person with an assignment covering the country

    @property
    def overdue_days(self) -> int:
        """The most days any of its stages is overdue (0: none is)."""
        return max((s.overdue_days for s in self.stages), default=0)


@dataclass(frozen=True)
class Debt:
    """What one person owes in one role: answers per country, the role's deadline."""

    role: str
    units: tuple[tuple[str, int], ...]  # (country code, answers waiting on them)
    due: dt.date | None
    overdue_days: int

    @property
    def answers(self) -> int:
        return sum(n for _, n in self.units)


@dataclass
class PersonRow:
    user_id: int
    name: str
    email: str
    debts: list[Debt] = field(default_factory=list)
    last_reminded: dt.datetime | None = None

    @property
    def answers(self) -> int:
        return sum(d.answers for d in self.debts)

    @property
    def overdue_days(self) -> int:
        return max((d.overdue_days for d in self.debts), default=0)


@dataclass(frozen=True)
class Filters:
    """What the page's address asks for (each already checked: see :class:`.views.running`)."""

    area: str = ""
    status: str = ""
    person: int | None = None
    sort: str = "name"


@dataclass(frozen=True)
class Table:
    countries: list[CountryRow]
    people: list[PersonRow]
    everyone: dict[int, str]  # every person with an assignment in the edition → name


def days_overdue(due: dt.date | None, waiting: int, today: dt.date) -> int:
    """Days past ``due`` that ``waiting`` answers still wait (0 when none wait or not due yet).

    >>> days_overdue(dt.date(2026, 3, 1), 12, dt.date(2026, 3, 11))
    10
    >>> days_overdue(dt.date(2026, 3, 1), 0, dt.date(2026, 3, 11))
    0
    """
    return (today - due).days if waiting and due is not None and due < today else 0


def build(
    edition: Edition, today: dt.date, filters: Filters = Filters(), names: Any = None
) -> Table:
    """The edition's table as ``filters`` ask, countries named by ``names(code)`` (default the
    code): three queries — answers per country, area and status; the assignments with their
    people; the last reminder of each person."""
    names = names or (lambda code: code)
    found = progress.counts(edition)
    by_key = progress.totals(edition, found)
    areas = tuple(progress.questions(edition))
    shown_areas = (filters.area,) if filters.area else areas
    assignments = list(
        Assignment.objects.filter(edition=edition).select_related("user").order_by("pk")
    )
    last = dict(
        Reminder.objects.filter(edition=edition)
        .values_list("person")
        .annotate(at=Max("sent_at"))
        .order_by()
    )
    everyone = {a.user_id: person_name(a.user) for a in assignments}
    covering: dict[str, list[Assignment]] = defaultdict(list)  # unit → assignments ("" all)
    for a in assignments:
        covering[a.unit].append(a)

    def in_area(a: Assignment) -> bool:
        return not filters.area or a.area in ("", filters.area)

    countries = []
    for unit in edition.units:
        mine = [a for a in (*covering[unit], *covering[""]) if in_area(a)]
        staffing = []
        for role in STAFFED:
            held = [a for a in mine if a.role == role]
            covered = {a.area for a in held}
            missing = () if "" in covered else tuple(x for x in shown_areas if x not in covered)
            staffing.append(Staffing(role, tuple(_holder(a, everyone) for a in held), missing))
        waiting = progress.waiting(by_key[(unit, filters.area)])
        stages = tuple(
            Stage(p, waiting[p], d := progress.due(edition, p), days_overdue(d, waiting[p], today))
            for p in STAGES
        )
        countries.append(
            CountryRow(
                unit, names(unit), tuple(staffing), waiting, stages,
                frozenset(a.user_id for a in mine),
            )
        )  # fmt: skip
    people = _debts(edition, assignments, by_key, areas, filters, today, everyone)
    for p in people:
        p.last_reminded = last.get(p.user_id)
    return Table(_filtered(countries, filters), _people(people, filters), everyone)


def _holder(a: Assignment, everyone: dict[int, str]) -> Holder:
    return Holder(
        a.user_id, everyone[a.user_id], a.role, a.unit, a.area,
        a.accepted_at is not None, a.invited_at is not None,
    )  # fmt: skip


def _debts(
    edition: Edition,
    assignments: Iterable[Assignment],
    by_key: dict[tuple[str, str], Any],
    areas: tuple[str, ...],
    filters: Filters,
    today: dt.date,
    everyone: dict[int, str],
) -> list[PersonRow]:
    """Each accepted expert's and reviewer's answers waiting on them, per country of theirs
    (in their area, and the filter's)."""
    owed: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    emails: dict[int, str] = {}
    for a in assignments:
        party = PARTY_OF_ROLE.get(a.role)
        if party is None or a.accepted_at is None:
            continue
        if filters.area and a.area not in ("", filters.area):
            continue
        area = a.area or filters.area
        emails[a.user_id] = a.user.email
        for unit in [a.unit] if a.unit else edition.units:
            if (unit, area) in by_key:
                owed[(a.user_id, a.role)][unit] += progress.waiting(by_key[(unit, area)])[party]
    rows: dict[int, PersonRow] = {}
    order = {u: k for k, u in enumerate(edition.units)}
    for (user_id, role), per_unit in owed.items():
        units = tuple(sorted(((u, n) for u, n in per_unit.items() if n), key=lambda x: order[x[0]]))
        if not units:
            continue
        due = progress.due(edition, PARTY_OF_ROLE[role])
        n = sum(k for _, k in units)
        row = rows.setdefault(user_id, PersonRow(user_id, everyone[user_id], emails[user_id]))
        row.debts.append(Debt(role, units, due, days_overdue(due, n, today)))
    return list(rows.values())


def _keep(row: CountryRow, status: str) -> bool:
    if status == "unassigned":
        return any(s.state in ("none", "partial") for s in row.staffing)
    if status == "invited":
        return any(not h.accepted for s in row.staffing for h in s.holders)
    if status == "overdue":
        return row.overdue_days > 0
    if status == "done":
        return not any(row.waiting[p] for p in STAGES)
    return not status or row.waiting.get(status, 0) > 0


def _filtered(rows: list[CountryRow], filters: Filters) -> list[CountryRow]:
    kept = [
        r
        for r in rows
        if _keep(r, filters.status) and (filters.person is None or filters.person in r.people)
    ]
    kept.sort(key=lambda r: r.name)
    if filters.sort == "overdue":
        kept.sort(key=lambda r: -r.overdue_days)
    elif filters.sort in STAGES:
        kept.sort(key=lambda r: -r.waiting[filters.sort])
    return kept


def _people(rows: list[PersonRow], filters: Filters) -> list[PersonRow]:
    role = {"expert": Role.EXPERT, "reviewer": Role.REVIEWER}.get(filters.status)
    kept = []
    for r in rows:
        if filters.person is not None and r.user_id != filters.person:
            continue
        if role:
            r.debts = [d for d in r.debts if d.role == role]
        if filters.status == "overdue":
            r.debts = [d for d in r.debts if d.overdue_days]
        if r.debts:
            kept.append(r)
    return sorted(kept, key=lambda r: (-r.overdue_days, r.name))
