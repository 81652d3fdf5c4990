"""A country's pages: its questionnaire with the steps taken for all of it, and the read-through."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from polindex.web.collection import notify, progress, workflow
from polindex.web.collection.models import THREAD, Answer, Role
from polindex.web.collection.permissions import Country, allowed, scope
from polindex.web.collection.questions import area_of, label, option_labels
from polindex.web.collection.questions import text as question_text
from polindex.web.collection.views.access import answers_shown, country_of, page
from polindex.web.collection.views.thread import thread
from polindex.web.text import render as markdown


@page("collection:country")
def country(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """A country's questionnaire in the areas the user works on: every area with its progress,
    every question with its status; POST takes one review step for all of them at once."""
    c = country_of(request, code, unit)
    user = request.user
    can_answer = allowed(user, "collection.answer", c)
    answers = {a.indicator: a for a in answers_shown(c, user)}
    if request.method == "POST":
        action = request.POST.get("action", "")
        queried = {a.pk for a in answers.values() if a.status == Answer.Status.QUERIED}
        try:
            moved, skipped = workflow.act_all(list(answers.values()), user, action)
        except (workflow.InvalidError, workflow.ConflictError) as exc:
            answers = {a.indicator: a for a in answers_shown(c, user)}  # as rolled back
            context = {**_areas(c, user, answers, can_answer), "bulk_error": str(exc)}
            status = 409 if isinstance(exc, workflow.ConflictError) else 400
            return render(request, "collection/country.html", context, status=status)
        for a in moved:
            if a.pk in queried:  # a resubmission answers the reviewer's query
                notify.answer_event(a, "reply", user)
        done = str(DONE.get(action, action))
        request.session["bulk"] = {"action": done, "moved": len(moved), "skipped": skipped}
        return redirect(request.path + "?done=" + action)
    context = _areas(c, user, answers, can_answer)
    if request.GET.get("done"):
        context["bulk"] = request.session.pop("bulk", None)
    return render(request, "collection/country.html", context)


DONE = {
    "submit": gettext_lazy("Submitted"),
    "review": gettext_lazy("Review started"),
    "agree": gettext_lazy("Agreed"),
    "validate": gettext_lazy("Validated"),
    "lock": gettext_lazy("Locked"),
}


def _areas(c: Country, user: Any, answers: dict[str, Answer], can_answer: bool) -> dict[str, Any]:
    """The country page's context: questions grouped by area, progress, the steps offered."""
    visible = scope(user, c.edition, c.unit, Role.EXPERT if can_answer else "")
    areas: list[dict[str, Any]] = []
    for item in workflow.indicators(c.edition):
        area = area_of(c.edition, item.code)
        if visible is not None and area not in visible:
            continue
        if not areas or areas[-1]["code"] != area:
            areas.append({"code": area, "label": label(c.edition, area), "items": []})
        areas[-1]["items"].append(
            {
                "item": item,
                "question": question_text(c.edition, item),
                "answer": answers.get(item.code),
            }
        )
    today = timezone.localdate()
    by_status: Counter[str] = Counter()
    for group in areas:
        items = group["items"]
        group["done"] = sum(1 for i in items if i["answer"] and not workflow.problems(i["answer"]))
        group["total"] = len(items)
        for i in items:
            status = i["answer"].status if i["answer"] else progress.NOT_STARTED
            by_status[status] += 1
            due = progress.due(c.edition, progress.WAITING_ON[status])
            i["overdue"] = due is not None and due < today
    waiting = progress.waiting(by_status)
    steps = []
    for action in workflow.BULK:
        starts, _, perm = workflow.ACTIONS[action]
        ready = [a for a in answers.values() if a.status in starts and allowed(user, perm, a)]
        if ready:
            steps.append({"action": action, "count": len(ready)})
    return {
        "country": c,
        "edition": c.edition,
        "unit": c.unit,
        "areas": areas,
        "can_answer": can_answer,
        "steps": steps,
        "waiting": waiting,
        "overdue": progress.overdue(c.edition, waiting, today),
    }


@page("collection:read")
def read(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """The country's answers in full — option, justification, sources, discussion — on one
    page: for the fact-check by government contacts (who may comment, nothing more), reviewers
    and the central team."""
    c = country_of(request, code, unit)
    user = request.user
    answers = {a.indicator: a for a in answers_shown(c, user)}
    prefetch_related_objects(list(answers.values()), THREAD)
    rows = []
    for item in workflow.indicators(c.edition):
        a = answers.get(item.code)
        if a is None:
            continue
        rows.append(
            {
                "item": item,
                "question": question_text(c.edition, item),
                "answer": a,
                "label": option_labels(c.edition, item).get(a.option, ""),
                "justification_html": markdown(a.justification),
                "sources": a.live_sources(),
                "comments": thread(a, user),
                "can_comment": allowed(user, "collection.comment", a),
            }
        )
    context = {"country": c, "edition": c.edition, "unit": unit, "rows": rows}
    return render(request, "collection/read.html", context)
