"""One question's page: its answer, the form of each action (:mod:`..answer_forms`), the
discussion and the history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from polindex.web.collection import notify, workflow
from polindex.web.collection.answer_forms import FORMS, SaveForm
from polindex.web.collection.models import THREAD
from polindex.web.collection.permissions import ANSWER_ACTIONS, allowed
from polindex.web.collection.questions import option_labels
from polindex.web.collection.questions import text as question_text
from polindex.web.collection.views.access import answer_shown, country_of, page
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
    codes = [i.code for i in workflow.indicators(c.edition)]
    position = codes.index(indicator)
    context = {
        "country": c,
        "edition": c.edition,
        "unit": unit,
        "answer": a,
        "item": item,
        "question": question_text(c.edition, item),
        "options": options,
        "option_labels": labels,
        "sources": sources,
        "blank_sources": range(len(sources), len(sources) + 2),
        "justification_html": markdown(a.justification),
        "history": history(a, user),
        "previous_label": labels.get(a.previous_option, ""),
        "previous_justification_html": markdown(a.previous_justification),
        "justification_diff": word_diff(a.previous_justification, a.justification)
        if a.previous_option and a.previous_justification != a.justification
        else "",
        "comments": comments,
        "errors": errors,
        "conflict": conflict,
        "saved": request.GET.get("saved"),
        "can_edit": allowed(user, "collection.edit_answer", a),
        "can_review": allowed(user, "collection.review_answer", a),
        "can_start_review": allowed(user, "collection.review_answer", a)
        and a.status in workflow.ACTIONS["review"][0],
        "can_comment": allowed(user, "collection.comment", a),
        "can_adjudicate": allowed(user, "collection.adjudicate", a)
        and a.status in workflow.ACTIONS["adjudicate"][0],
        "can_validate": allowed(user, "collection.validate", a),
        "can_moderate": allowed(user, "collection.moderate", a),
        "previous": codes[position - 1] if position else None,
        "next": codes[position + 1] if position + 1 < len(codes) else None,
    }
    return render(request, "collection/answer.html", context, status=status)
