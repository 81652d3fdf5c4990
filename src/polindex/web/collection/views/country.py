"""A country's pages: its questionnaire with the steps taken for all of it, and the read-through."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from polindex.web.collection import bulk, progress, workflow
from polindex.web.collection.models import THREAD, Answer, Assignment, BulkStep, Role
from polindex.web.collection.permissions import Country, allowed, scope
from polindex.web.collection.questions import area_of, label, option_labels
from polindex.web.collection.questions import text as question_text
from polindex.web.collection.views.access import answers_shown, country_of, page, whole_number
from polindex.web.collection.views.steps import label_steps
from polindex.web.collection.views.thread import thread
from polindex.web.text import render as markdown


@page("collection:country")
def country(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """A country's questionnaire in the areas the user works on: every area with its progress
    bar, every question with its status (and, carried forward, whether it changed since last
    edition), the user's own deadline, the steps for many answers the user can take now (each
    a link to its preview, :mod:`.steps`), and the last such steps, with their reversal."""
    c = country_of(request, code, unit)
    user = request.user
    can_answer = allowed(user, "collection.answer", c)
    answers = {a.indicator: a for a in answers_shown(c, user)}
    context = _areas(c, user, answers, can_answer)
    recent = list(BulkStep.objects.filter(edition=c.edition, unit=unit).select_related("who")[:5])
    label_steps(recent, user, c)
    context["recent"] = recent
    for key in ("step", "undone"):
        if (pk := whole_number(request.GET.get(key))) is not None:
            context[key] = next((s for s in recent if s.pk == pk), None)
    if context.get("step") is not None and context["step"].action == "submit":
        reviewed = Assignment.objects.filter(
            edition=c.edition, unit__in=[unit, ""], role=Role.REVIEWER, accepted_at__isnull=False
        ).exists()
        context["next_of"] = {**NEXT, "submit": NEXT["submit"] if reviewed else NO_REVIEWER}
    return render(request, "collection/country.html", context)


# what comes next after each step for many answers (the message on the country page)
NEXT = {
    "submit": gettext_lazy("Your reviewer has been notified."),
    "review": gettext_lazy("Agree with each answer or query it."),
    "agree": gettext_lazy("The central team validates them next."),
    "validate": gettext_lazy("Lock them when the country is final."),
    "lock": gettext_lazy("They are ready to be scored into a release."),
    "reopen": gettext_lazy("They are drafts again; the reason is in each answer's discussion."),
}
NO_REVIEWER = gettext_lazy(
    "No reviewer is assigned to this country yet: the central team assigns one."
)


def _areas(c: Country, user: Any, answers: dict[str, Answer], can_answer: bool) -> dict[str, Any]:
    """The country page's context: questions grouped by area, progress, the steps offered."""
    visible = scope(user, c.edition, c.unit, Role.EXPERT if can_answer else "")
    mine = progress.party_of(user, c.edition, c.unit)
    areas: list[dict[str, Any]] = []
    for item in workflow.indicators(c.edition):
        area = area_of(c.edition, item.code)
        if visible is not None and area not in visible:
            continue
        if not areas or areas[-1]["code"] != area:
            areas.append({"code": area, "label": label(c.edition, area), "items": []})
        a = answers.get(item.code)
        areas[-1]["items"].append(
            {
                "item": item,
                "question": question_text(c.edition, item),
                "answer": a,
                # the option's label beside its code, as the step's preview shows it
                "label": option_labels(c.edition, item).get(a.option, "") if a else "",
            }
        )
    today = timezone.localdate()
    by_status: Counter[str] = Counter()
    first_mine = None
    for group in areas:
        items = group["items"]
        group["done"] = sum(1 for i in items if i["answer"] and not workflow.problems(i["answer"]))
        group["total"] = len(items)
        group["percent"] = round(100 * group["done"] / group["total"]) if items else 0
        for i in items:
            status = i["answer"].status if i["answer"] else progress.NOT_STARTED
            by_status[status] += 1
            party = progress.WAITING_ON[status]
            due = progress.due(c.edition, party)
            i["overdue"] = due is not None and due < today
            i["mine"] = bool(mine and party == mine and i["answer"])
            if i["mine"] and first_mine is None:
                first_mine = i["item"].code
    waiting = progress.waiting(by_status)
    steps = []
    for action in bulk.STEPS:
        found = bulk.plan(list(answers.values()), user, action)
        if found.ready:
            steps.append({"action": action, "count": len(found.ready)})
    deadline = progress.due(c.edition, mine) if mine else None
    return {
        "country": c,
        "edition": c.edition,
        "unit": c.unit,
        "areas": areas,
        "can_answer": can_answer,
        "steps": steps,
        "waiting": waiting,
        "overdue": progress.overdue(c.edition, waiting, today),
        "party": mine,
        "my_waiting": waiting.get(mine, 0) if mine else 0,
        "deadline": deadline,
        "late": bool(deadline and deadline < today),
        "first_mine": first_mine,
        "next_of": NEXT,
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
