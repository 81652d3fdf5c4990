"""Suggested corrections in the demonstration: a public (synthetic) release of the MIPEX-style
questionnaire — the edition before the demo's open one — and two readers' suggestions on it,
one waiting in the central team's queue, one accepted into the open edition's workspace as a
thread on Austria's first answer. Everything here is invented and labelled so."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from polindex.web.collection.models import Edition
from polindex.web.feedback.models import Suggestion
from polindex.web.feedback.moderation import Decision, decide, index_of
from polindex.web.releases.models import Release

VERSION = "demo-previous"
READER = {
    "name": "Demo Reader (synthetic)",
    "organisation": "Example Rights Association (demonstration)",
    "email": "reader@example.org",
}


@transaction.atomic
def seed(edition_code: str) -> Release | None:
    """Make (once) the earlier release of the demo edition's index and the demo suggestions;
    returns that release (``None`` without the demo edition)."""
    edition = Edition.objects.filter(code=edition_code).first()
    if edition is None:
        return None
    release = _earlier_release(edition)
    if release.suggestions.exists():
        return release
    units = [u for u in edition.units if u in release.unit_table.names()]
    if not units:
        return release
    first, second = units[0], units[-1]
    questions = [i.code for i, _, _ in edition.definition.framework.walk() if i.is_indicator]
    Suggestion.objects.create(
        release=release, unit=second, node=questions[1], kind="ngo", language="en",
        problem=(
            "*Synthetic suggestion for the demonstration.* The answer says family members wait "
            "two years; the 2024 amendment shortened this to one year."
        ),
        evidence="https://example.org/demo/amendment-2024", consent=True, **READER,
    )  # fmt: skip
    accepted = Suggestion.objects.create(
        release=release, unit=first, node=questions[0], kind="government", language="en",
        problem=(
            "*Synthetic suggestion for the demonstration.* Article 5 of the (invented) Aliens "
            "Act was repealed in 2024: the answer should change."
        ),
        evidence="https://example.org/demo/aliens-act", name="Demo Ministry (synthetic)",
    )  # fmt: skip
    central = get_user_model().objects.filter(username="central").first()
    if central is not None:
        decide(
            accepted,
            central,
            Decision(
                "accepted",
                "Plausible: the expert checks the amended act in this edition.",
                node=questions[0],
                edition=edition,
            ),
        )
    return release


def _earlier_release(edition: Edition) -> Release:
    """The latest release of the edition's index, or a synthetic one published now."""
    from polindex.api import score
    from polindex.framework.models import Framework
    from polindex.web.releases.publish import publish_release

    code = index_of(edition)
    found = Release.objects.filter(index__code=code).order_by("-publish_at").first()
    if found is not None:
        return found
    fw = Framework.model_validate(edition.framework)
    pick = random.Random(2024)
    period = str(int(edition.period) - 1) if edition.period.isdigit() else "previous"
    rows = [
        (unit, period, item.code, pick.choice(["a", "a", "b", "c"]))
        for unit in edition.units
        for item, _, _ in fw.walk()
        if item.is_indicator
    ]
    return publish_release(
        score(fw, rows),
        version=VERSION,
        publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1),
        synthetic=True,
        citation="Polindex MIPEX-style demonstration (synthetic answers, invented data).",
        changelog="The edition before the demo's open one: synthetic answers.",
    )
