"""What a person may open: every page's door (:func:`page`, :func:`guard`), a country of an
edition, and the answers shown there.

Every view is wrapped in :func:`page` (sign-in and the methods it takes) and asks :func:`guard`
about the object it opens — the permission :data:`..permissions.PAGES` names for the page and
method — before anything else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from polindex.web.collection.models import LIVE_SOURCES, Answer, Edition, Role, Source
from polindex.web.collection.permissions import (
    PAGES,
    SUBMITTED,
    Country,
    allowed,
    edition_read,
    page_permission,
    scope,
)
from polindex.web.collection.questions import questions
from polindex.web.prepared import Prepared

View = Callable[..., HttpResponse]


def whole_number(raw: str | None, most: int = 2**31 - 1) -> int | None:
    """``raw`` as a whole number from 0 to ``most`` (an id, a count in an address or a form),
    else ``None`` — never an error, whatever was typed.

    >>> whole_number("12"), whole_number("²"), whole_number("-1"), whole_number("9" * 40)
    (12, None, None, None)
    """
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    value = int(raw)
    return value if value <= most else None


def page(name: str, *, signed_in: bool = True) -> Callable[[View], View]:
    """Make a view the page ``name`` of :data:`~..permissions.PAGES`: the methods listed
    there (HEAD with GET; any other is a 405), and — unless ``signed_in`` is false — only for
    a signed-in person (anyone else is sent to the login page)."""
    methods = [*PAGES[name], "HEAD"] if "GET" in PAGES[name] else list(PAGES[name])

    def decorate(view: View) -> View:
        guarded = login_required(view) if signed_in else view
        return wraps(view)(require_http_methods(methods)(guarded))

    return decorate


def guard(request: HttpRequest, obj: Any) -> None:
    """Refuse (403) unless the rules grant the user the permission this page needs for this
    method (:func:`~..permissions.page_permission`) on ``obj``."""
    match = request.resolver_match
    perm = page_permission(match.view_name if match else "", request.method or "GET")
    if perm is None or not allowed(request.user, perm, obj):
        raise PermissionDenied(f"{perm} on {obj}")


def edition_of(request: HttpRequest, code: str) -> Edition:
    """The edition ``code`` (404 if none), if the page's permission is granted on it."""
    edition = get_object_or_404(Edition, code=code)
    guard(request, edition)
    return edition


def country_of(request: HttpRequest, code: str, unit: str) -> Country:
    """A country of an edition (404 if none) that the user may open (403 if not), and — for
    pages about the country itself rather than one answer — the page's permission on it."""
    edition = edition_read(request.user, code)  # with the user's roles in it: one query
    if edition is None:
        raise Http404("no such edition")
    if unit not in edition.units:
        raise Http404("no such country in this edition")
    country = Country(edition, unit)
    if not allowed(request.user, "collection.view_country", country):
        raise PermissionDenied("no role on this country")
    match = request.resolver_match
    if match is None or match.view_name != "collection:answer":  # (answer_shown asks)
        guard(request, country)
    return country


def answers_shown(country: Country, user: Any, indicator: str = "") -> list[Answer]:
    """The answers shown on the country page (to one question only, when ``indicator`` is
    given), in the areas ``user`` works on: the user's own as an expert, else the answers that
    count (:meth:`~.models.AnswerQuerySet.that_count`; the older one where two do) for
    reviewers, coordinators, the central team — and, submitted ones only
    (:data:`~..permissions.SUBMITTED`), government contacts. Only read: the rows are made when
    the edition opens or the expert accepts (:mod:`.answer_rows`)."""
    if indicator and allowed(user, "collection.answer", country):
        found = _own_answer(country, user, indicator)  # what every save reads
    else:
        answers = _shown(country, user, indicator)
        if not indicator:  # one query for the sources of all (one answer reads its own)
            answers = answers.prefetch_related(LIVE_SOURCES)
        found = list(answers.order_by("pk"))
    shown: dict[str, Answer] = {}
    for a in found:
        a.edition = country.edition  # loaded once, not once per answer
        shown.setdefault(a.indicator, a)
    return list(shown.values())


SOURCE_COLUMNS = ("id", "position", "instrument", "article", "url", "in_force")
_OWN = Prepared(
    Answer,
    lambda edition, unit, expert, indicator: (
        Answer.objects.filter(
            edition=edition, unit=unit, expert=expert, indicator=indicator, deleted_at=None
        )
        .annotate(live_source=FilteredRelation("sources", condition=Q(sources__deleted_at=None)))
        .annotate(**{f"source_{n}": F(f"live_source__{n}") for n in SOURCE_COLUMNS})
        .order_by("pk", "live_source__position", "live_source__id")
    ),
    edition=0,
    unit="",
    expert=0,
    indicator="",
)  # what every save reads: the answer and its live sources, a row a source (a join)


_SOURCE_FIELDS = [f.attname for f in Source._meta.concrete_fields]


def _own_answer(country: Country, user: Any, indicator: str) -> list[Answer]:
    """The expert's own answer to ``indicator`` as :func:`_shown` finds it, in the areas the
    expert works on (the same rows; the query's SQL made once, :class:`~...prepared.Prepared`),
    with its live sources (:meth:`~.models.Answer.live_sources`) read in the same query."""
    edition, unit = country.edition, country.unit
    visible = scope(user, edition, unit, Role.EXPERT)
    found: list[Answer] = []
    for row in _OWN(edition=edition.pk, unit=unit, expert=user.pk, indicator=indicator):
        values = [getattr(row, f"source_{n}") for n in SOURCE_COLUMNS]
        for n in SOURCE_COLUMNS:
            delattr(row, f"source_{n}")
        if not found or found[-1].pk != row.pk:
            row.live = []
            found.append(row)
        answer = found[-1]
        if values[0] is not None:  # a live source (none: the answer has no source)
            known = {**dict(zip(SOURCE_COLUMNS, values, strict=True)), "answer_id": answer.pk}
            source = Source.from_db(
                answer._state.db, _SOURCE_FIELDS, [known.get(n) for n in _SOURCE_FIELDS]
            )  # every column (deleted_at: None, a live source), in the model's order
            source.answer = answer
            answer.live.append(source)
    return [a for a in found if visible is None or a.area in visible]


def statuses_shown(country: Country, user: Any) -> dict[str, str]:
    """The status of each answer :func:`answers_shown` shows, by question, in one light query
    (for the links to the next question waiting on the user)."""
    found: dict[str, str] = {}
    for code, status in _shown(country, user).order_by("pk").values_list("indicator", "status"):
        found.setdefault(code, status)
    return found


def _shown(country: Country, user: Any, indicator: str = "") -> QuerySet[Answer]:
    edition, unit = country.edition, country.unit
    where: dict[str, Any] = {"edition": edition, "unit": unit}  # one filter(): one clone
    if allowed(user, "collection.answer", country):
        answers = Answer.objects.all()
        where.update(expert=user, deleted_at=None)
        visible = scope(user, edition, unit, Role.EXPERT)
    else:
        answers = Answer.objects.that_count()
        visible = scope(user, edition, unit)
        if not allowed(user, "collection.view_drafts", country):
            where["status__in"] = SUBMITTED
    if indicator:
        where["indicator"] = indicator
    if visible is not None:
        where["area__in"] = visible
    return answers.filter(**where)


def answer_shown(request: HttpRequest, country: Country, indicator: str) -> Answer:
    """The answer to one question shown to the user (see :func:`answers_shown`), if the page's
    permission is granted on it: 403 outside the areas the user works on, 404 for a question
    nobody answers yet (or, to a government contact, with no submitted answer)."""
    user = request.user
    found = answers_shown(country, user, indicator)
    if found:
        guard(request, found[0])
        return found[0]
    asked = questions(country.edition).get(indicator)
    if asked is None:
        raise Http404("no such question")
    role = Role.EXPERT if allowed(user, "collection.answer", country) else ""
    visible = scope(user, country.edition, country.unit, role)
    if visible is not None and asked.area not in visible:
        raise PermissionDenied("this question is outside the areas you work on")
    raise Http404("no answer to this question to show yet")
