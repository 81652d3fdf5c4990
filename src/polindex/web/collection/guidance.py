"""What the answer page tells a person: each problem beside the field that caused it and in a
summary linking to it (as the GOV.UK Design System does), and after each action what happened
and what comes next."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# a form's field → (its label, the id of the element the summary links to)
FIELDS: dict[str, tuple[Promise, str]] = {
    "option": (_("Answer"), "option-0"),
    "not_applicable": (_("Not applicable"), "not_applicable"),
    "na_reason": (_("Why it does not apply"), "na_reason"),
    "justification": (_("Justification"), "justification"),
    "confidence": (_("Confidence"), "confidence"),
    "sources": (_("Legal sources"), "source-0-instrument"),
    "source_count": (_("Number of sources"), "source-0-instrument"),
    "version": (_("Version of the page"), ""),
    "message": (_("Message"), ""),
    "action": (_("Action"), ""),
    "status": (_("Status"), ""),
    "comment": (_("Comment"), "comment"),
    "adjudicated_option": (_("Adjudicated answer"), "adjudicated_option"),
}


def error_list(errors: dict[str, str], reply: bool = False) -> list[dict[str, Any]]:
    """The summary of ``errors`` (field → problem): each with its field's label and the id of
    the field to jump to (none for a problem of the whole page, such as a stale version); a
    comment's box is ``reply`` when the page has no review form.

    >>> [(e["label"], e["anchor"]) for e in error_list({"source 2": "bad URL", "version": "x"})]
    [('Source 2', 'source-1-instrument'), ('Version of the page', '')]
    """
    out = []
    for name, problem in errors.items():
        if name.startswith("source ") and name[7:].isascii() and name[7:].isdigit():
            label: Any = _("Source %(n)s") % {"n": name[7:]}
            anchor = f"source-{int(name[7:]) - 1}-instrument"
        elif name in FIELDS:
            label, anchor = FIELDS[name]
            anchor = "reply" if name == "comment" and reply else anchor
        else:
            label, anchor = name, ""
        out.append({"field": name, "label": str(label), "anchor": anchor, "problem": problem})
    return out


def source_errors(errors: dict[str, str]) -> dict[int, str]:
    """The problems of each source row, by its index on the page (``source 1`` is row 0)."""
    return {
        int(name[7:]) - 1: problem
        for name, problem in errors.items()
        if name.startswith("source ") and name[7:].isascii() and name[7:].isdigit()
    }


# after each action: what happened — and what comes next
DONE: dict[str, Promise] = {
    "save": _("Draft saved. Only you and the central team see it until you submit it."),
    "autosave": _("Draft saved."),
    "overwrite": _("Saved: your version is kept."),
    "merge": _("Saved: the parts you chose are kept."),
    "submit": _("Submitted — your reviewer has been notified."),
    "review": _("Review started — agree with the answer or query it."),
    "agree": _("Agreed — the central team validates it next."),
    "query": _("Query sent — the expert has been notified and will reply."),
    "adjudicate": _("Adjudicated — the expert has been notified; the central team validates it."),
    "validate": _("Validated — lock it when the country is final."),
    "lock": _("Locked — it is ready to be scored into a release."),
    "reopen": _("Reopened — it is the expert's draft again; your reason is in the discussion."),
    "comment": _("Message sent."),
    "hide": _("Message hidden from the expert and the reviewer."),
    "show": _("Message shown again."),
}
NO_REVIEWER = _(
    "Submitted — no reviewer is assigned to this country yet: the central team assigns one."
)
