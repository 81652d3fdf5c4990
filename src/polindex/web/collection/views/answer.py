"""One question's page: its answer, the form of each action (:mod:`..answer_forms`), the
discussion and the history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from polindex.web.collection import guidance, notify, progress, workflow
from polindex.web.collection.answer_forms import FORMS, MAX_SOURCES, SaveForm
from polindex.web.collection.models import THREAD, Answer
from polindex.web.collection.permissions import ANSWER_ACTIONS, Country, allowed
from polindex.web.collection.questions import notes, option_labels
from polindex.web.collection.questions import text as question_text
from polindex.web.collection.views.access import (
    answer_shown,
    country_of,
    page,
    statuses_shown,
    whole_number,
)
from polindex.web.collection.views.thread import history, thread
from polindex.web.text import render as markdown
from polindex.web.text import word_diff

STALE = gettext_lazy("The answer was saved after you opened it: read it again, then take the step.")


@page("collection:answer")
def answer(request: HttpRequest, code: str, unit: str, indicator: str) -> HttpResponse:
    """One question: the answer form (or a read-only view), last edition's answer and the
    difference, the review thread, the history; POST saves or moves it along the review (each
    action with its own permission, :data:`~..permissions.ANSWER_ACTIONS`, asked first)."""
    c = country_of(request, code, unit)
    a = answer_shown(request, c, indicator)
    errors: dict[str, str] = {}
    draft_kept = False
    conflict = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action in ANSWER_ACTIONS and not allowed(request.user, ANSWER_ACTIONS[action], a):
            raise PermissionDenied(f"{ANSWER_ACTIONS[action]} on {a}")
        kind = FORMS.get(action)
        form = kind(request.POST, a, action) if kind else None
        if form is None or not form.is_valid():
            errors = form.problems() if form else {"action": f"unknown action {action!r}"}
            if action == "autosave":
                return JsonResponse({"errors": errors}, status=400)
            status = 400  # nothing was stored
        else:
            try:
                a, event = form.run(request.user)
            except workflow.ConflictError as exc:
                if action == "autosave":
                    return JsonResponse(
                        {"conflict": True, "version": exc.current.version}, status=409
                    )
                if isinstance(form, SaveForm):  # both versions, to choose from
                    mine = form.content()
                    conflict = {
                        "current": exc.current,
                        "mine": mine,
                        "current_sources": exc.current.live_sources(),
                        "differs": workflow.changed_parts(mine, workflow.Content.of(exc.current)),
                    }
                else:  # a step taken on what the page showed: look at the answer again
                    errors = {"version": str(STALE)}
                    status = 409
                exc.current.edition = c.edition
                a = exc.current
            except workflow.InvalidError as exc:
                if action == "autosave":
                    return JsonResponse({"errors": exc.problems}, status=400)
                errors = exc.problems
                draft_kept = action == "submit"  # saved, then refused: not complete
                a.refresh_from_db()
            else:
                if event:
                    notify.answer_event(a, event, request.user)
                if action == "autosave":
                    return JsonResponse({"version": a.version, "saved": True})
                if request.POST.get("back") == "read":  # a comment from the read-through page
                    url = reverse("collection:read", args=[code, unit])
                    return redirect(f"{url}?saved=comment#{indicator}")
                return redirect(request.path + "?saved=" + action)
    item = next(i for i in workflow.indicators(c.edition) if i.code == indicator)
    labels = option_labels(c.edition, item)
    options = [{"code": o.code, "score": o.score, "label": labels[o.code]} for o in item.options]
    user = request.user
    prefetch_related_objects([a], THREAD)
    comments = thread(a, user)
    sources = a.live_sources()
    can_edit = allowed(user, "collection.edit_answer", a)
    can_review = allowed(user, "collection.review_answer", a)
    can_adjudicate = allowed(user, "collection.adjudicate", a)
    can_validate = allowed(user, "collection.validate", a)
    shown = _shown(request, a, sources) if errors and request.POST.get("action") in TYPED else None
    context = {
        "country": c,
        "edition": c.edition,
        "unit": unit,
        "answer": a,
        "item": item,
        "question": question_text(c.edition, item),
        "notes": notes(c.edition, item),
        "options": options,
        "option_labels": labels,
        "sources": sources,
        "shown": shown or _shown(None, a, sources),
        "justification_html": markdown(a.justification),
        "history": history(a, user),
        "previous_label": labels.get(a.previous_option, ""),
        "previous_justification_html": markdown(a.previous_justification),
        "justification_diff": word_diff(a.previous_justification, a.justification)
        if a.previous_option and a.previous_justification != a.justification
        else "",
        "comments": comments,
        "errors": errors,
        "error_list": guidance.error_list(errors, reply=not (can_review or can_adjudicate)),
        "source_problems": guidance.source_errors(errors),
        "draft_kept": draft_kept,
        "conflict": conflict,
        "saved": _done(request.GET.get("saved", ""), a),
        "can_edit": can_edit,
        "can_review": can_review,
        "can_start_review": can_review and a.status in workflow.ACTIONS["review"][0],
        "can_comment": allowed(user, "collection.comment", a),
        "can_adjudicate": can_adjudicate and a.status in workflow.ACTIONS["adjudicate"][0],
        "can_validate": can_validate,
        "can_moderate": allowed(user, "collection.moderate", a),
        **_neighbours(c, user, indicator),
    }
    return render(request, "collection/answer.html", context, status=status)


TYPED = ("save", "submit", "overwrite", "merge")  # the forms whose fields a person types


def _shown(request: HttpRequest | None, a: Answer, sources: list[Any]) -> dict[str, Any]:
    """What the answer form shows: what the person typed when it was refused (nothing is
    lost), else the answer as stored; the source rows with their problems and two empty rows."""
    if request is None:
        rows = [s.snapshot() for s in sources]
        shown: dict[str, Any] = {
            "option": a.option, "not_applicable": a.not_applicable, "na_reason": a.na_reason,
            "justification": a.justification, "confidence": a.confidence,
        }  # fmt: skip
    else:
        data = request.POST
        n = min(whole_number(data.get("source_count")) or 0, MAX_SOURCES)
        rows = [
            {f: data.get(f"source-{k}-{f}", "") for f in workflow.SOURCE_FIELDS} for k in range(n)
        ]
        rows = [r for r in rows if any(r.values())]
        shown = {
            "option": data.get("option", ""), "not_applicable": bool(data.get("not_applicable")),
            "na_reason": data.get("na_reason", ""), "justification": data.get("justification", ""),
            "confidence": data.get("confidence", ""),
        }  # fmt: skip
    shown["sources"] = [*rows, *({} for _ in range(2))]
    return shown


def _done(action: str, a: Answer) -> str:
    """What the page says after ``action``: what happened and what comes next."""
    if action not in guidance.DONE:
        return ""
    if action == "submit" and not notify.reviewers_of(a.edition, a.unit, [a]):
        return str(guidance.NO_REVIEWER)
    return str(guidance.DONE[action])


def _neighbours(c: Country, user: Any, indicator: str) -> dict[str, Any]:
    """The questions before and after this one, and the nearest before and after that wait on
    the user (keyboard: plain links, first in the page's order); the user's deadline."""
    codes = [i.code for i in workflow.indicators(c.edition)]
    statuses = statuses_shown(c, user)
    party = progress.party_of(user, c.edition, c.unit)
    mine = [k for k in codes if k in statuses and progress.WAITING_ON[statuses[k]] == party]
    here = codes.index(indicator)
    shown = [k for k in codes if k in statuses]
    place = shown.index(indicator) if indicator in shown else -1
    return {
        "previous": shown[place - 1] if place > 0 else None,
        "next": shown[place + 1] if 0 <= place < len(shown) - 1 else None,
        "previous_mine": next((k for k in reversed(mine) if codes.index(k) < here), None),
        "next_mine": next((k for k in mine if codes.index(k) > here), None),
        "waiting_on_me": len(mine),
        "party": party,
        "deadline": progress.due(c.edition, party) if party else None,
    }
