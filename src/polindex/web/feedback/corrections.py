"""Suggestions that lead to a correction release: listed in its changelog, marked addressed.

:func:`polindex.web.releases.publish.publish_release` calls :func:`changelog` before it freezes
a correction and :func:`settle` in the same transaction after: the accepted suggestions of the
corrected release that await a correction (``correction`` ticked by the central team) are
written into the new release's changelog — by number, country and question with the central
team's reason, never the reader's text or name — and become *addressed in* it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from polindex.web.feedback.models import Suggestion
from polindex.web.releases.models import Release


def awaiting(corrected: Release) -> QuerySet[Suggestion]:
    """The accepted suggestions on ``corrected`` that wait for a correction release."""
    return Suggestion.objects.filter(
        release=corrected, status=Suggestion.Status.ACCEPTED, correction=True
    ).order_by("pk")


def changelog(text: str, corrected: Release) -> str:
    """``text`` followed by a line per suggestion a correction of ``corrected`` addresses.

    Example (with Django set up)::

        changelog("Fixed AT's answers.", release)
        # "Fixed AT's answers.\\n\\nSuggested by readers:\\n- #12 AT LMM1: Art. 5 was repealed."
    """
    found = list(awaiting(corrected))
    if not found:
        return text
    lines = [f"- #{s.pk} {s.unit} {s.node}".rstrip() + f": {_first_line(s.reason)}" for s in found]
    return "\n\n".join(part for part in (text.strip(), "Suggested by readers:") if part) + (
        "\n" + "\n".join(lines)
    )


def settle(corrected: Release, correction: Release) -> int:
    """Mark the suggestions awaiting a correction of ``corrected`` as addressed in
    ``correction``; returns how many."""
    return awaiting(corrected).update(status=Suggestion.Status.ADDRESSED, addressed_in=correction)


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
