"""The central team's decisions on suggested corrections, each checked against the rules first.

A suggestion goes new → accepted or rejected (either with a reason) → addressed (in a release).
An accepted suggestion is discussed in an edition's workspace: a message in the thread of the
answer that counts for its country and question there (:func:`decide` writes it, once), or it
waits for a correction of its release, whose changelog lists it
(:mod:`polindex.web.feedback.corrections`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from polindex.web.collection.models import Answer, Comment, Edition
from polindex.web.collection.questions import questions
from polindex.web.feedback.models import Suggestion
from polindex.web.feedback.permissions import may_moderate
from polindex.web.releases.models import Release

Status: Any = Suggestion.Status  # (typed for mypy, as the collection's enums)

NEXT: dict[str, set[str]] = {
    Status.NEW: {Status.NEW, Status.ACCEPTED, Status.REJECTED},
    Status.ACCEPTED: {Status.ACCEPTED, Status.ADDRESSED},
    Status.REJECTED: {Status.REJECTED, Status.NEW},
    Status.ADDRESSED: {Status.ADDRESSED},
}
"""Where a suggestion may go from each status (staying where it is included)."""


class ModerationError(Exception):
    """A decision that breaks a rule; ``problems`` says which, field by field. Nothing changed."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class Decision:
    """What the central team decides about one suggestion."""

    status: str
    reason: str = ""
    node: str | None = None  # None: the suggestion's own
    edition: Edition | None = None
    correction: bool = False
    links_accepted: bool = False
    addressed_in: Release | None = None


def index_of(edition: Edition) -> str:
    """The code of the index an edition collects data for."""
    return str((edition.framework or {}).get("code", ""))


def the_answer(edition: Edition, unit: str, indicator: str) -> Answer | None:
    """The answer that counts for ``unit`` and ``indicator`` in ``edition`` (its primary
    expert's), if there is one."""
    found = Answer.objects.that_count().filter(edition=edition, unit=unit, indicator=indicator)
    return found.order_by("pk").first()


def problems(suggestion: Suggestion, decision: Decision) -> dict[str, str]:
    """Every rule ``decision`` breaks for ``suggestion``, by field (empty: it may be taken)."""
    found: dict[str, str] = {}
    before, after = suggestion.status, decision.status
    node = suggestion.node if decision.node is None else decision.node
    if after not in NEXT.get(before, set()):
        found["status"] = f"a suggestion that is {before} cannot become {after}"
    if after in (Status.ACCEPTED, Status.REJECTED) and not decision.reason.strip():
        found["reason"] = f"say why it is {after}"
    index = suggestion.release.index.code
    if node and node not in suggestion.release.definition.framework.labels():
        found["node"] = f"{node!r} is not a node of {suggestion.release}"
    if after == Status.ACCEPTED and decision.edition is None and not decision.correction:
        found["edition"] = (
            "choose the edition whose workspace discusses it, or tick 'correction' (or both)"
        )
    edition = decision.edition
    if edition is not None and (suggestion.edition_id or 0) != edition.pk:
        if suggestion.comment_id is not None:
            found["edition"] = f"already discussed in edition {suggestion.edition}"
        elif index_of(edition) != index:
            found["edition"] = f"edition {edition} collects {index_of(edition)}, not {index}"
        elif edition.state == Edition.State.CLOSED:
            found["edition"] = f"edition {edition} is closed"
        elif node not in questions(edition):
            found["node"] = f"choose the question of edition {edition} that it concerns"
        elif the_answer(edition, suggestion.unit, node) is None:
            found["edition"] = (
                f"edition {edition} has no expert's answer for {suggestion.unit} "
                f"{node} yet: assign an expert first"
            )
    if after == Status.ADDRESSED:
        addressed = decision.addressed_in
        if addressed is None:
            found["addressed_in"] = "choose the release that addresses it"
        elif addressed.index_id != suggestion.release.index_id or addressed == suggestion.release:
            found["addressed_in"] = f"choose a later release of {index}"
    return found


@transaction.atomic
def decide(suggestion: Suggestion, user: Any, decision: Decision) -> Suggestion:
    """Take ``decision`` on ``suggestion`` as ``user`` (of the central team): record it, and
    when it is accepted for an edition, open the thread on the answer there (once).

    Raises :class:`ModerationError` (nothing changed) for a decision that breaks a rule, and
    ``PermissionError`` for anyone outside the central team.

    Example (with Django set up)::

        decide(s, central, Decision("accepted", "Art. 5 changed in 2024", node="LMM1",
                                    edition=edition))  # a message in LMM1's thread
    """
    if not may_moderate(user):
        raise PermissionError("only the central team moderates suggestions")
    found = problems(suggestion, decision)
    if found:
        raise ModerationError(found)
    changed = suggestion.status != decision.status or suggestion.reason != decision.reason
    suggestion.status = decision.status
    suggestion.reason = decision.reason.strip()
    if decision.node is not None:
        suggestion.node = decision.node
    suggestion.correction = decision.correction
    suggestion.links_accepted = decision.links_accepted
    suggestion.addressed_in = decision.addressed_in
    if changed:
        suggestion.moderated_by = user
        suggestion.moderated_at = timezone.now()
    if decision.edition is not None and suggestion.comment_id is None:
        suggestion.edition = decision.edition
        answer = the_answer(decision.edition, suggestion.unit, suggestion.node)
        assert answer is not None  # (checked above)
        suggestion.comment = Comment.objects.create(
            answer=answer, author=user, role="central", text=thread_message(suggestion)
        )
    suggestion.save()
    return suggestion


def thread_message(suggestion: Suggestion) -> str:
    """The message that opens the discussion of an accepted suggestion in the workspace: the
    substance and the central team's reason, never the submitter's personal data.

    >>> from polindex.web.releases.models import Index
    >>> s = Suggestion(pk=7, release=Release(index=Index(code="X"), version="1"), unit="AT",
    ...                node="Q1", kind="ngo", problem="Art. 5 was repealed.",
    ...                evidence="https://example.org/law", reason="Checked: repealed in 2024.")
    >>> print(thread_message(s))
    Correction suggested by a reader (civil society organisation) of release X 1, about AT Q1 (#7):
    Art. 5 was repealed.
    Evidence (not opened by the central team: check before following):
    https://example.org/law
    Central team: Checked: repealed in 2024.
    """
    with translation.override(settings.LANGUAGE_CODE):  # one language in the workspace's record
        kind = str(Suggestion.Kind(suggestion.kind).label).lower() if suggestion.kind else "?"
    release = suggestion.release
    about = f"{suggestion.unit} {suggestion.node}".strip()
    lines = [
        f"Correction suggested by a reader ({kind}) of release {release.index.code} "
        f"{release.version}, about {about} (#{suggestion.pk}):",
        suggestion.problem,
    ]
    if suggestion.links:
        lines.append(
            "Evidence (checked by the central team):"
            if suggestion.links_accepted
            else "Evidence (not opened by the central team: check before following):"
        )
        lines.extend(suggestion.links)
    if suggestion.reason:
        lines.append(f"Central team: {suggestion.reason}")
    return "\n".join(lines)
