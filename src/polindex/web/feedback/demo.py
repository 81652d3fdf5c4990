"""Suggested corrections in the demonstration: on the demo's (synthetic) MIPEX-style release —
scored from the edition before the demo's open one (:mod:`polindex.web.collection.demo_release`)
— two readers' suggestions, one waiting in the central team's queue, one accepted into the
open edition's workspace as a thread on Austria's first answer. Everything here is invented
and labelled so."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from polindex.web.collection.models import Edition
from polindex.web.feedback.models import Suggestion
from polindex.web.feedback.moderation import Decision, decide, index_of
from polindex.web.releases.models import Release

READER = {
    "name": "Demo Reader (synthetic)",
    "organisation": "Example Rights Association (demonstration)",
    "email": "reader@example.org",
}


@transaction.atomic
def seed(edition_code: str) -> Release | None:
    """Make (once) the demo suggestions on the latest release of the demo edition's index;
    returns that release (``None`` without the demo edition or a release of its index)."""
    edition = Edition.objects.filter(code=edition_code).first()
    if edition is None:
        return None
    release = Release.objects.filter(index__code=index_of(edition)).order_by("-publish_at").first()
    if release is None:
        return None
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
