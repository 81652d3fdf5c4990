"""``/INDEX/VERSION/credits/``: the experts and reviewers of the edition a release was scored
from, by country and role — only those who chose, on accepting their invitation, to be named.

The page is a release's page like any other (invisible under embargo to those who may not see
the release: :func:`~polindex.web.releases.visibility.visible_release_or_404`); and where the
edition's review is anonymous, its reviewers are named only once the release is published."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from polindex.web.collection.models import Assignment, EditionRelease, Role
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_release_or_404

CREDITED = (Role.EXPERT, Role.REVIEWER)


@dataclass
class Credits:
    """Who is named, by country (``""``: every country) and role, and what is withheld."""

    from_edition: bool = False
    countries: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    reviewers_withheld: bool = False  # anonymous review, release not yet published

    @property
    def anyone(self) -> bool:
        return any(roles for _, roles in self.countries)


def public_name(user: Any) -> str:
    """The name a credit shows: the person's full name — else their user name unless it is an
    e-mail address (never shown in public) — else nothing."""
    full = str(user.get_full_name()).strip()
    if full:
        return full
    handle = str(user.get_username())
    return "" if "@" in handle else handle


def credits_of(release: Release) -> Credits:
    """The people a release credits (see the module's description).

    >>> credits_of(Release()).from_edition
    False
    """
    if release.pk is None:
        return Credits()
    origin = EditionRelease.objects.filter(release_id=release.pk).select_related("edition").first()
    if origin is None:
        return Credits()
    edition = origin.edition
    withheld = edition.anonymous_review and release.embargoed
    roles = [Role.EXPERT] if withheld else list(CREDITED)
    lang = (get_language() or "en")[:2]
    labels = release.definition.framework.labels(lang)
    table = release.unit_table
    by_unit: dict[str, dict[str, list[str]]] = {}
    for a in (
        Assignment.objects.filter(
            edition=edition, role__in=roles, named=True, accepted_at__isnull=False
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    ):
        name = public_name(a.user)
        if not name or (a.unit and a.unit not in set(table.codes)):
            continue
        if a.area:
            name += f" ({labels.get(a.area, a.area)})"
        shown = by_unit.setdefault(a.unit, {}).setdefault(str(Role(a.role).label), [])
        if name not in shown:
            shown.append(name)
    ordered = sorted(by_unit, key=lambda u: (u != "", table.name(u, lang) if u else ""))
    order = [str(Role(r).label) for r in CREDITED]  # experts first, then their reviewers
    countries = [
        (
            table.name(u, lang) if u else gettext("Every country"),
            dict(sorted(by_unit[u].items(), key=lambda kv: order.index(kv[0]))),
        )
        for u in ordered
    ]
    return Credits(True, countries, withheld)


def credits(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """The credits page of a release (see the module's description)."""
    release = visible_release_or_404(request.user, index, version)
    context = {"release": release, "synthetic": release.synthetic, "credits": credits_of(release)}
    return render(request, "collection/credits.html", context)
