"""Who may do what in the collection workspace — the one place that decides (django-rules).

Roles come from :class:`~.models.Assignment` rows (per edition, country and optionally area);
the central team is anyone with the ``collection.manage_edition`` permission (or a superuser).
Views ask :func:`allowed` (``rules.has_perm``, without the superuser shortcut); nothing else
grants access. :data:`PAGES` says which permission each page of the workspace needs for each
method, and :data:`ANSWER_ACTIONS` which one each action of an answer's page needs: the views
read them (through :mod:`.views.access`), and so do the permission matrix and its test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import rules
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone

from polindex.web.collection.models import Answer, Assignment, BulkStep, Edition
from polindex.web.collection.questions import area_of
from polindex.web.collection.workflow import ACTIONS
from polindex.web.prepared import Prepared

MANAGE = "collection.manage_edition"
EDITABLE_BY_EXPERT = (Answer.Status.DRAFT, Answer.Status.QUERIED)
REVIEWABLE = (Answer.Status.SUBMITTED, Answer.Status.IN_REVIEW)
# what the expert has submitted and is not changing: every status after submission except a
# query's (a queried answer is the expert's draft again until resubmitted)
SUBMITTED = tuple(s for s in Answer.Status.values if s not in EDITABLE_BY_EXPERT)


@dataclass(frozen=True)
class Country:
    """One country of an edition: the object of workspace-level permissions."""

    edition: Edition
    unit: str

    @property
    def name(self) -> str:
        """The country's name in the page's language (never a bare code)."""
        from polindex.web.collection.names import unit_name

        return unit_name(self.edition, self.unit)


def _target(obj: Any) -> tuple[Edition, str, str]:
    if isinstance(obj, Answer):
        return obj.edition, obj.unit, area_of(obj.edition, obj.indicator)
    if isinstance(obj, Country):
        return obj.edition, obj.unit, ""
    if isinstance(obj, BulkStep):
        return obj.edition, obj.unit, ""
    if isinstance(obj, Edition):
        return obj, "", ""
    raise TypeError(f"no collection permission applies to {obj!r}")


def roles(user: Any, edition: Edition, unit: str, area: str = "") -> set[str]:
    """The roles ``user`` holds on ``unit`` (and ``area``, when given) of ``edition``."""
    if not user.is_authenticated:
        return set()
    return {
        role
        for role, u, a in _held(user, edition)
        if u in (unit, "") and (not a or not area or a == area)
    }


def _held(user: Any, edition: Edition) -> list[tuple[str, str, str]]:
    """The user's accepted assignments in ``edition`` as (role, unit, area) — read once per
    request (the user object lives for one request)."""
    cache = _kept_roles(user)
    if edition.pk not in cache:
        held = _HELD(edition=edition.pk, user=user.pk)
        cache[edition.pk] = [(a.role, a.unit, a.area) for a in held]
    return cache[edition.pk]


_HELD = Prepared(
    Assignment,
    lambda edition, user: Assignment.objects.only("role", "unit", "area").filter(
        edition=edition, user=user, accepted_at__isnull=False
    ),
    edition=0,
    user=0,
)  # asked by every page and save of the workspace: its SQL written once


def _kept_roles(user: Any) -> dict[int, list[tuple[str, str, str]]]:
    cache: dict[int, list[tuple[str, str, str]]] | None = getattr(user, "_polindex_roles", None)
    if cache is None:
        cache = {}
        user._polindex_roles = cache  # (through Django's lazy request.user too)
    return cache


def edition_read(user: Any, code: str) -> Edition | None:
    """The edition ``code`` (``None``: there is none), its framework left unread, and — in
    the same query, a join — ``user``'s accepted assignments in it, kept for the request as
    :func:`_held` keeps them: a save or a page of the workspace asks one query, not two, for
    the edition and what the user may do in it."""
    rows = _EDITION_HELD(code=code, user=user.pk if user.is_authenticated else 0)
    if not rows:
        return None
    if user.is_authenticated:
        _kept_roles(user)[rows[0].pk] = [
            (r.held_role, r.held_unit, r.held_area) for r in rows if r.held_role is not None
        ]
    return rows[0]


_EDITION_HELD = Prepared(
    Edition,
    lambda code, user: (
        Edition.objects.defer("framework", "framework_yaml")
        .filter(code=code)
        .annotate(
            mine=FilteredRelation(
                "assignments",
                condition=Q(assignments__user=user, assignments__accepted_at__isnull=False),
            )
        )
        .annotate(held_role=F("mine__role"), held_unit=F("mine__unit"), held_area=F("mine__area"))
    ),
    code="",
    user=0,
)  # a row per assignment (one with no role when none): the SQL written once


def scope(user: Any, edition: Edition, unit: str, role: str = "") -> frozenset[str] | None:
    """The areas of ``unit`` that ``user`` works on (in ``role``, when given) — ``None`` for
    all of them: the central team, anyone assigned without an area."""
    if not role and is_central(user):
        return None
    areas = [a for r, u, a in _held(user, edition) if u in (unit, "") and role in ("", r)]
    if not areas or "" in areas:
        return None
    return frozenset(areas)


@rules.predicate
def is_central(user: Any, obj: Any = None) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm(MANAGE)))


def _has(role: str) -> Any:
    @rules.predicate(name=f"is_{role}")
    def check(user: Any, obj: Any) -> bool:
        edition, unit, area = _target(obj)
        return role in roles(user, edition, unit, area)

    return check


is_expert = _has("expert")
is_reviewer = _has("reviewer")
is_coordinator = _has("coordinator")
is_government = _has("government")


@rules.predicate
def edition_open(user: Any, obj: Any) -> bool:
    return _target(obj)[0].state == Edition.State.OPEN


@rules.predicate
def own_answer(user: Any, answer: Answer) -> bool:
    return isinstance(answer, Answer) and answer.expert_id == user.pk


@rules.predicate
def expert_may_edit(user: Any, answer: Answer) -> bool:
    return isinstance(answer, Answer) and answer.status in EDITABLE_BY_EXPERT


@rules.predicate
def under_review(user: Any, answer: Answer) -> bool:
    return isinstance(answer, Answer) and answer.status in REVIEWABLE


@rules.predicate
def submitted(user: Any, answer: Answer) -> bool:
    return isinstance(answer, Answer) and answer.status in SUBMITTED


@rules.predicate
def invitee(user: Any, assignment: Assignment) -> bool:
    """The person an invitation is for — signed in, or, for a new account (no password yet),
    whoever holds the link."""
    if user.is_authenticated:
        return bool(user.pk == assignment.user_id)
    return not assignment.user.has_usable_password()


@rules.predicate
def took_step(user: Any, step: BulkStep) -> bool:
    return isinstance(step, BulkStep) and step.who_id == user.pk


@rules.predicate
def in_factcheck_window(user: Any, obj: Any) -> bool:
    edition = _target(obj)[0]
    today: dt.date = timezone.localdate()
    return bool(
        edition.factcheck_from
        and edition.factcheck_until
        and edition.factcheck_from <= today <= edition.factcheck_until
    )


@rules.predicate
def review_named(user: Any, obj: Any) -> bool:
    return not _target(obj)[0].anonymous_review


# roles first (one cached query), the central team's permission check last; on an answer the
# roles count only in its area, so an area-scoped role sees its area only
_WORKS_ON = is_coordinator | is_expert | is_reviewer
_FACT_CHECKS = is_government & in_factcheck_window
rules.add_perm("collection.work", rules.is_authenticated)  # the dashboard: one's own countries
rules.add_perm("collection.accept", invitee)  # an invitation
rules.add_perm("collection.view_country", _WORKS_ON | _FACT_CHECKS | is_central)
# a government contact reads what the expert submitted, never a draft
rules.add_perm("collection.view_answer", _WORKS_ON | (_FACT_CHECKS & submitted) | is_central)
rules.add_perm("collection.view_drafts", _WORKS_ON | is_central)  # drafts and their history
rules.add_perm("collection.answer", is_expert & edition_open)  # create one's own answers
rules.add_perm("collection.edit_answer", own_answer & is_expert & expert_may_edit & edition_open)
rules.add_perm("collection.review_answer", is_reviewer & under_review & edition_open)
rules.add_perm(
    "collection.comment",
    (is_central | is_coordinator | is_reviewer | (is_expert & own_answer)
     | (_FACT_CHECKS & submitted)) & edition_open,
)  # fmt: skip
# the country page's steps for all of its answers (each answer's step then asks its own)
rules.add_perm("collection.take_steps", (is_expert | is_reviewer | is_central) & edition_open)
# reversing a step taken for many answers at once: who took it (still holding a role that takes
# steps there) or the central team (whether nothing depends on it yet is the step's own rule)
rules.add_perm(
    "collection.undo_step", ((took_step & (is_expert | is_reviewer)) | is_central) & edition_open
)
rules.add_perm("collection.adjudicate", (is_central | is_coordinator) & edition_open)
rules.add_perm("collection.validate", is_central & edition_open)
rules.add_perm("collection.moderate", is_central)
rules.add_perm("collection.see_reviewer", is_central | is_coordinator | is_reviewer | review_named)
rules.add_perm("collection.manage", is_central)
# scoring an edition into a release (the scoring page and the admin's action): the central team
rules.add_perm("collection.score", is_central)

# every page of the workspace (its URL name), per method: the permission it needs, on the
# object the URL names — the user (dashboard), an invitation, an edition, a country or the
# answer shown; a method not listed is refused (405)
PAGES: dict[str, dict[str, str]] = {
    "collection:dashboard": {"GET": "collection.work"},
    "collection:invitation": {"GET": "collection.accept", "POST": "collection.accept"},
    "collection:agreement": {"GET": "collection.manage"},
    "collection:answers_csv": {"GET": "collection.manage"},
    # the scoring page: its preview (GET) and its confirmation (POST), which makes a release
    "collection:score": {"GET": "collection.score", "POST": "collection.score"},
    # people: inviting from a CSV (GET the form, POST its dry run; the confirmation POSTs), the
    # expert network's directory, a person's page, inviting them again, resending or withdrawing
    "collection:invite": {"GET": "collection.manage", "POST": "collection.manage"},
    "collection:invite_confirm": {"POST": "collection.manage"},
    "collection:people": {"GET": "collection.manage"},
    "collection:person": {"GET": "collection.manage"},
    "collection:reinvite": {"GET": "collection.manage"},
    "collection:invitation_step": {"POST": "collection.manage"},
    # running an edition: its progress table and exports, assigning, reminders (preview: GET)
    "collection:progress": {"GET": "collection.manage"},
    "collection:progress_export": {"GET": "collection.manage"},
    "collection:assign": {"GET": "collection.manage", "POST": "collection.manage"},
    "collection:remind": {"GET": "collection.manage", "POST": "collection.manage"},
    "collection:country": {"GET": "collection.view_country"},
    # a step for many answers of a country: its preview (GET) and its confirmation (POST); each
    # answer then asks its own step's permission, a reversal "collection.undo_step"
    "collection:step": {"GET": "collection.take_steps", "POST": "collection.take_steps"},
    "collection:download": {"GET": "collection.view_country"},
    "collection:upload": {"GET": "collection.answer", "POST": "collection.answer"},
    "collection:read": {"GET": "collection.view_country"},
    # a POST then needs its action's permission too (ANSWER_ACTIONS)
    "collection:answer": {"GET": "collection.view_answer", "POST": "collection.view_answer"},
}
EDIT = "collection.edit_answer"
# each action of an answer's page: the permission it needs on the answer
ANSWER_ACTIONS: dict[str, str] = {
    "save": EDIT, "autosave": EDIT, "overwrite": EDIT, "merge": EDIT,
    "comment": "collection.comment",
    "hide": "collection.moderate", "show": "collection.moderate",
    **{action: perm for action, (_, _, perm) in ACTIONS.items()},
}  # fmt: skip


def page_permission(page: str, method: str) -> str | None:
    """The permission ``page`` (a URL name of :data:`PAGES`) needs for ``method`` (HEAD as
    GET); ``None`` when the page takes no such method.

    >>> page_permission("collection:read", "HEAD"), page_permission("collection:read", "POST")
    ('collection.view_country', None)
    """
    return PAGES[page].get("GET" if method == "HEAD" else method)


def allowed(user: Any, perm: str, obj: Any) -> bool:
    """Whether the rules grant ``perm`` on ``obj`` — evaluated for everyone alike (Django's
    ``has_perm`` would let a superuser do anything, even write an expert's answer)."""
    return bool(rules.has_perm(perm, user, obj))
