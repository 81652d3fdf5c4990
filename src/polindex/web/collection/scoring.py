"""Scoring an edition into a release without surprises: which countries are complete,
incomplete or missing (:func:`survey`), what a release of the chosen ones would hold
(:func:`preview`, whose :attr:`Preview.token` the confirmation carries), and the release itself
(:func:`score`), made by the one release service only if nothing changed since the preview.

What is scored is what :func:`.editions.scored_answers` takes: each country's answers that count
once validated or locked. For an incomplete country that means its validated and locked answers
only; its other questions go into the release without an answer (missing data, which the
framework's aggregation leaves out of each group's mean).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import get_language

from polindex.web.collection import progress
from polindex.web.collection.editions import EditionError, release_draft, scored_answers
from polindex.web.collection.models import Answer, Edition, Status
from polindex.web.collection.names import unit_name

COMPLETE, INCOMPLETE, MISSING = "complete", "incomplete", "missing"
DONE = (Status.VALIDATED, Status.LOCKED)  # the statuses scored (see editions.scored_answers)


class StaleError(Exception):
    """The edition changed since the preview: nothing was published."""


@dataclass
class CountryState:
    """One country of an edition as the scoring sees it."""

    unit: str
    name: str
    state: str  # complete, incomplete or missing
    questions: int  # how many questions the edition asks
    scored: int  # answers validated or locked: what a release would take
    # the questions not yet validated, by status (``not_started``: nobody opened it)
    pending: dict[str, int] = field(default_factory=dict)

    @property
    def unscored(self) -> int:
        """The questions that would go into the release without an answer."""
        return self.questions - self.scored

    @property
    def choosable(self) -> bool:
        """Whether a release can take this country: it has something to score."""
        return self.scored > 0


def survey(edition: Edition) -> list[CountryState]:
    """Every country in scope of ``edition``, in its order: *complete* (every question's answer
    that counts validated or locked), *missing* (no answer given: no answer that counts has an
    option or is marked not applicable), else *incomplete*, with how many answers wait at each
    status. Two queries.

    >>> CountryState("AT", "Austria", "incomplete", 61, 12).unscored
    49
    """
    found = progress.counts(edition)
    asked = sum(progress.questions(edition).values())
    given = dict(
        Answer.objects.that_count()
        .filter(edition=edition)
        .filter(Q(not_applicable=True) | ~Q(option=""))
        .values_list("unit")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = []
    for unit in edition.units:
        by_status = progress.total(edition, found, unit)
        scored = sum(by_status[s] for s in DONE)
        pending = {s: n for s, n in by_status.items() if s not in DONE and n}
        if scored and not pending:
            state = COMPLETE
        elif not scored and not given.get(unit):
            state = MISSING
        else:
            state = INCOMPLETE
        order = [progress.NOT_STARTED, *Status.values]
        pending = dict(sorted(pending.items(), key=lambda kv: order.index(kv[0])))
        out.append(CountryState(unit, unit_name(edition, unit), state, asked, scored, pending))
    return out


@dataclass
class Preview:
    """What the release of ``units`` of an edition would hold."""

    edition: Edition
    countries: list[CountryState]
    version: str
    publish_at: dt.datetime
    answers: list[Answer]

    @property
    def framework(self) -> str:
        """The framework scored, named in the page's language, with its code and version."""
        fw = self.edition.definition.framework
        name = fw.text(fw.name, get_language()) or fw.code
        return f"{name} ({fw.code} {fw.version})"

    @property
    def index_code(self) -> str:
        return self.edition.definition.code

    @property
    def token(self) -> str:
        """A fingerprint of everything the preview shows: the edition's framework, the
        countries and their status counts, each answer scored with its version, the release's
        version and publish time. The confirmation carries it; any difference, and nothing is
        published."""
        shown = {
            "edition": [self.edition.pk, self.edition.code, self.edition.period],
            "framework": hashlib.sha256(
                json.dumps(self.edition.framework, sort_keys=True).encode()
            ).hexdigest(),
            "countries": [[c.unit, c.state, c.scored, c.pending] for c in self.countries],
            "answers": [[a.pk, a.version] for a in self.answers],
            "version": self.version,
            "publish_at": self.publish_at.isoformat(),
        }
        return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


def preview(
    edition: Edition, units: list[str], *, version: str, publish_at: dt.datetime
) -> Preview:
    """What scoring ``units`` of ``edition`` would publish now: those countries (as
    :func:`survey` sees them) and the answers scored for them."""
    chosen = set(units)
    countries = [c for c in survey(edition) if c.unit in chosen]
    answers = [a for a in scored_answers(edition) if a.unit in chosen]
    return Preview(edition, countries, version, publish_at, answers)


def scored(shown: Preview) -> dict[str, Any]:
    """What the release was scored from, as facts its page words in the reader's language
    (:meth:`.models.EditionRelease.described`): how many answers, the countries, and for an
    incomplete country how many of its questions had no validated answer.

    >>> from types import SimpleNamespace as N
    >>> at = CountryState("AT", "Austria", "incomplete", 61, 12)
    >>> be = CountryState("BE", "Belgium", "complete", 61, 61)
    >>> scored(N(countries=[at, be], answers=[0] * 73))
    {'answers': 73, 'units': ['AT', 'BE'], 'incomplete': {'AT': 49}}
    """
    return {
        "answers": len(shown.answers),
        "units": [c.unit for c in shown.countries],
        "incomplete": {c.unit: c.unscored for c in shown.countries if c.state != COMPLETE},
    }


def score(
    edition: Edition, units: list[str], *, version: str, publish_at: dt.datetime, token: str
) -> Any:
    """Publish the release previewed with ``token`` (:attr:`Preview.token`) through the one
    release service (:func:`.editions.release_draft`, then
    :func:`~polindex.web.releases.publish.publish_release`), all or nothing; raises
    :class:`StaleError` when the edition changed since the preview, and the service's own
    errors (a version taken meanwhile, nothing to score)."""
    with transaction.atomic():
        shown = preview(edition, units, version=version, publish_at=publish_at)
        if shown.token != token:
            raise StaleError(edition.code)
        if not shown.answers:
            raise EditionError([f"{edition.code}: no validated answer to score yet"])
        return release_draft(
            edition,
            version=version,
            publish_at=publish_at,
            scored=scored(shown),
            units=[c.unit for c in shown.countries],
        )
