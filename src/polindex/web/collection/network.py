"""The expert network as the central team sees it: every person who holds or held a role in
any edition, with their roles, countries and areas (by name), editions, language, expertise and
declared conflicts of interest — and each person's history across editions."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from polindex.web.collection.models import Assignment, Edition, Role
from polindex.web.collection.names import unit_name
from polindex.web.collection.questions import label

NONE_DECLARED = "none declared"  # what accepting without a declaration stores


@dataclass
class Member:
    """One person of the network, summed up over all their roles."""

    user: Any
    language: str = ""
    expertise: str = ""
    roles: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # names
    areas: list[str] = field(default_factory=list)  # labels
    editions: list[Edition] = field(default_factory=list)
    conflicts: list[tuple[Edition, str]] = field(default_factory=list)
    pending: int = 0  # invitations not accepted (nor withdrawn)
    withdrawn: int = 0  # invitations withdrawn before they were accepted

    @property
    def name(self) -> str:
        return str(self.user.get_full_name() or self.user.get_username())

    @property
    def language_name(self) -> str:
        """The language of their e-mails by its name (in itself, as the site's menu)."""
        from django.conf import settings

        return str(dict(settings.LANGUAGES).get(self.language, self.language))


def editions() -> dict[int, Edition]:
    """Every edition by id, newest first (each loaded once: its framework names things)."""
    return {e.pk: e for e in Edition.objects.all()}


def country_name(edition: Edition, code: str) -> str:
    """The name of ``code`` in ``edition`` — its code where the edition has no framework to
    name it by yet (a draft being set up)."""
    try:
        return unit_name(edition, code)
    except ValueError:  # (pydantic's ValidationError: a framework not loaded yet)
        return code


def place(edition: Edition, a: Assignment) -> tuple[str, str]:
    """Where an assignment is: its country's name (or "every country") and area's label."""
    from django.utils.translation import gettext

    where = country_name(edition, a.unit) if a.unit else gettext("every country")
    try:
        area = label(edition, a.area) if a.area else ""
    except ValueError:
        area = a.area
    return where, area


def members(*, country: str = "", role: str = "", edition: str = "") -> list[Member]:
    """Everyone with a role in an edition (filtered to those who held ``role``, on ``country``
    — or every country —, in the edition coded ``edition``), by name."""
    known = editions()
    rows = Assignment.objects.select_related("user", "user__person").order_by("user_id", "pk")
    if role:
        rows = rows.filter(role=role)
    if country:
        rows = rows.filter(unit__in=[country, ""])
    if edition:
        rows = rows.filter(edition__code=edition)
    chosen = set(rows.values_list("user_id", flat=True))
    found: dict[int, Member] = {}
    everything = Assignment.objects.filter(user_id__in=chosen).select_related(
        "user", "user__person"
    )
    for a in everything.order_by("user_id", "pk"):
        e = known[a.edition_id]
        m = found.get(a.user_id)
        if m is None:
            person = getattr(a.user, "person", None)
            m = found[a.user_id] = Member(
                a.user,
                language=person.language if person else "",
                expertise=person.expertise if person else "",
            )
        if a.revoked_at is not None and a.accepted_at is None:
            m.withdrawn += 1  # (listed, to be invited again; the role is not theirs)
            continue
        where, area = place(e, a)
        for found_in, value in ((m.roles, str(Role(a.role).label)), (m.countries, where),
                                (m.areas, area)):  # fmt: skip
            if value and value not in found_in:
                found_in.append(value)
        if e not in m.editions:
            m.editions.append(e)
        declared = (e, a.conflict_of_interest)
        if a.conflict_of_interest not in ("", NONE_DECLARED) and declared not in m.conflicts:
            m.conflicts.append(declared)
        if a.accepted_at is None and a.revoked_at is None:
            m.pending += 1
    for m in found.values():
        m.editions.sort(key=lambda e: e.reference_date, reverse=True)
        m.roles.sort()
        m.countries.sort()
        m.areas.sort()
    return sorted(found.values(), key=lambda m: m.name.lower())


def history(user: Any) -> list[tuple[Edition, list[dict[str, Any]]]]:
    """``user``'s roles, edition by edition (newest first): each with where, its invitation's
    state and what was declared on accepting."""
    known = editions()
    by_edition: dict[int, list[dict[str, Any]]] = {}
    for a in Assignment.objects.filter(user=user).order_by("role", "unit", "area", "pk"):
        e = known[a.edition_id]
        where, area = place(e, a)
        by_edition.setdefault(e.pk, []).append(
            {"assignment": a, "where": where, "area": area, "state": state(a)}
        )
    ordered = sorted(by_edition, key=lambda pk: known[pk].reference_date, reverse=True)
    return [(known[pk], by_edition[pk]) for pk in ordered]


def state(a: Assignment) -> str:
    """An invitation's state: ``accepted``, ``withdrawn`` or ``pending``."""
    if a.accepted_at is not None:
        return "accepted"
    return "withdrawn" if a.revoked_at is not None else "pending"


def last_roles_as_csv(user: Any, target: Edition) -> tuple[bytes, list[str]]:
    """A CSV of one person (the format of :mod:`.invitations`) inviting them to ``target`` in
    the roles of their latest other edition — the countries and areas ``target`` has — with
    what could not be carried over."""
    from django.utils.translation import gettext

    from polindex.web.collection.invitations import areas_of

    person = getattr(user, "person", None)
    latest = (
        Assignment.objects.filter(user=user)
        .exclude(edition=target)
        .exclude(revoked_at__isnull=False, accepted_at__isnull=True)
        .order_by("-edition__reference_date", "-edition_id")
        .values_list("edition_id", flat=True)
        .first()
    )
    dropped: list[str] = []
    areas = areas_of(target)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "email", "countries", "areas", "role", "language"])
    name = user.get_full_name() or user.get_username()
    for a in Assignment.objects.filter(user=user, edition_id=latest).order_by("pk"):
        if a.unit and a.unit not in target.units:
            dropped.append(gettext("%(country)s is not a country of %(edition)s") % {
                "country": unit_name(a.edition, a.unit), "edition": target.name})  # fmt: skip
        elif a.area and a.area not in areas:
            dropped.append(gettext("the area %(area)s is not in %(edition)s") % {
                "area": label(a.edition, a.area), "edition": target.name})  # fmt: skip
        else:
            writer.writerow([name, user.email, a.unit, a.area, a.role,
                             person.language if person else ""])  # fmt: skip
    return out.getvalue().encode(), dropped
