"""An answer's discussion and history as a person may see them (reviewers anonymous to
those who may not know them, hidden messages for moderators only)."""

from __future__ import annotations

from typing import Any

from polindex.web.collection import workflow
from polindex.web.collection.models import Answer, Role
from polindex.web.collection.permissions import allowed


def thread(answer: Answer, user: Any) -> list[dict[str, Any]]:
    """The answer's discussion as ``user`` may see it: hidden messages only for moderators,
    reviewers named only to those who may know them (``answer`` has its :data:`THREAD`)."""
    moderator = allowed(user, "collection.moderate", answer)
    named = allowed(user, "collection.see_reviewer", answer)
    out = []
    for m in answer.comments.all():
        if m.hidden and not moderator:
            continue
        who = m.author.get_username() if named or m.role != Role.REVIEWER else "Reviewer"
        out.append({"comment": m, "who": who})
    return out


# the steps only a reviewer takes: who took them stays anonymous to those who may not know
REVIEWERS_ACTIONS = {
    action
    for action, (_, _, perm) in workflow.ACTIONS.items()
    if perm == "collection.review_answer"
}


def history(answer: Answer, user: Any) -> list[dict[str, Any]]:
    """The answer's timeline; reviewers stay anonymous to those who may not see them; those
    who may not read drafts (government contacts) see its steps (submitted, queried, agreed…),
    not the saves of drafts between them (``answer`` has its :data:`THREAD`)."""
    see = allowed(user, "collection.see_reviewer", answer)
    steps_only = not allowed(user, "collection.view_drafts", answer)
    hidden: set[str] = set()
    if not allowed(user, "collection.moderate", answer):  # a hidden message hides its reason
        hidden = {m.text for m in answer.comments.all() if m.hidden}
    out = []
    for h in answer.changes.select_related("who"):
        if steps_only and h.action not in workflow.ACTIONS:
            continue
        reviewer = h.action in REVIEWERS_ACTIONS
        out.append(
            {
                "action": h.action,
                "who": h.who.get_username() if see or not reviewer else "reviewer",
                "when": h.when,
                "fields": [
                    (k, _short(h.old.get(k)), _short(v)) for k, v in h.new.items() if k != "sources"
                ]
                + (
                    [("sources", len(h.old.get("sources", [])), len(h.new["sources"]))]
                    if "sources" in h.new
                    else []
                ),
                "reason": "…" if h.reason in hidden else h.reason,
            }
        )
    return out


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"
