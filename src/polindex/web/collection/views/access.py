"""What a person may open: a country of an edition, and the answers shown there.

Every view starts here: :func:`country_of` asks :mod:`..permissions` before anything."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from polindex.web.collection.models import LIVE_SOURCES, Answer, Edition, Role
from polindex.web.collection.permissions import Country, allowed, scope
from polindex.web.collection.questions import questions


def country_of(request: HttpRequest, code: str, unit: str) -> Country:
    # the framework (tens of kB of JSON) is read only by the pages that need it, not by saves
    edition = get_object_or_404(Edition.objects.defer("framework", "framework_yaml"), code=code)
    if unit not in edition.units:
        raise Http404("no such country in this edition")
    country = Country(edition, unit)
    if not allowed(request.user, "collection.view_country", country):
        raise PermissionDenied("no role on this country")
    return country


def answers_shown(country: Country, user: Any, indicator: str = "") -> list[Answer]:
    """The answers shown on the country page (to one question only, when ``indicator`` is
    given), in the areas ``user`` works on: the user's own as an expert, else the answers that
    count (:meth:`~.models.AnswerQuerySet.that_count`; the older one where two do) for
    reviewers, coordinators, the central team and government contacts. Only read: the rows are
    made when the edition opens or the expert accepts (:mod:`.answer_rows`)."""
    edition, unit = country.edition, country.unit
    if allowed(user, "collection.answer", country):
        answers = Answer.objects.filter(expert=user, deleted_at=None)
        visible = scope(user, edition, unit, Role.EXPERT)
    else:
        answers = Answer.objects.that_count()
        visible = scope(user, edition, unit)
    answers = answers.filter(edition=edition, unit=unit)
    if indicator:
        answers = answers.filter(indicator=indicator)
    if visible is not None:
        answers = answers.filter(area__in=visible)
    shown: dict[str, Answer] = {}
    for a in answers.order_by("pk").prefetch_related(LIVE_SOURCES):
        a.edition = edition  # loaded once, not once per answer
        shown.setdefault(a.indicator, a)
    return list(shown.values())


def answer_shown(country: Country, user: Any, indicator: str) -> Answer:
    """The answer to one question shown to ``user`` (see :func:`answers_shown`): 403 outside
    the areas the user works on, 404 for a question nobody answers yet."""
    found = answers_shown(country, user, indicator)
    if found and allowed(user, "collection.view_answer", found[0]):
        return found[0]
    asked = questions(country.edition).get(indicator)
    if asked is None:
        raise Http404("no such question")
    role = Role.EXPERT if allowed(user, "collection.answer", country) else ""
    visible = scope(user, country.edition, country.unit, role)
    if found or (visible is not None and asked.area not in visible):
        raise PermissionDenied("this question is outside the areas you work on")
    raise Http404("nobody answers this question yet")
