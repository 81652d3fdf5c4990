"""A step for many answers of a country (:mod:`..bulk`): its preview — exactly the answers it
will move — and its confirmation; the reversal of one, likewise previewed and confirmed."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from polindex.web.collection import bulk, notify, workflow
from polindex.web.collection.models import Answer, BulkStep
from polindex.web.collection.permissions import Country, allowed
from polindex.web.collection.questions import option_labels
from polindex.web.collection.questions import text as question_text
from polindex.web.collection.views.access import answers_shown, country_of, page, whole_number
from polindex.web.collection.views.thread import REVIEWERS_ACTIONS

UNDO = "undo"
STALE = gettext_lazy(
    "The answers changed since you looked: nothing was done. Here is what the step would do now."
)


@page("collection:step")
def step(request: HttpRequest, code: str, unit: str, action: str) -> HttpResponse:
    """GET: what the step ``action`` would do to the country's answers shown to the user — the
    answers it moves (and those it leaves, with why) — and a button to confirm; POST (with the
    preview's token): take it, then back to the country page, which offers its reversal.
    ``undo`` (with ``step=N``) previews and confirms the reversal of step N."""
    c = country_of(request, code, unit)
    if action == UNDO:
        return _undo(request, c)
    if action not in bulk.STEPS:
        raise Http404("no such step")
    user = request.user
    answers = answers_shown(c, user)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        queried = {a.pk for a in answers if a.status == Answer.Status.QUERIED}
        reason = request.POST.get("reason", "")
        try:
            done = bulk.take(answers, user, action, request.POST.get("token", ""), reason)
        except (bulk.StaleError, workflow.ConflictError):
            errors, status = {"token": str(STALE)}, 409
            answers = answers_shown(c, user)  # as they are now
        except workflow.InvalidError as exc:
            errors, status = exc.problems, 400
        else:
            pks = {pk for pk, _, _ in done.moved}
            moved = [a for a in answers if a.pk in pks]
            for a in moved:
                if a.pk in queried:  # a resubmission answers the reviewer's query
                    notify.answer_event(a, "reply", user)
            if action == "submit":
                notify.ready_for_review(
                    c.edition, c.unit, [a for a in moved if a.pk not in queried]
                )
            url = reverse("collection:country", args=[code, unit])
            return redirect(f"{url}?step={done.pk}#step-done")
    found = bulk.plan(answers, user, action)
    context = {
        **_base(c),
        "action": action,
        "plan": found,
        "rows": _rows(c, found.ready),
        "errors": errors,
        "reason": request.POST.get("reason", "") if request.method == "POST" else "",
        "needs_reason": action in bulk.NEEDS_REASON,
    }
    return render(request, "collection/step.html", context, status=status)


def _undo(request: HttpRequest, c: Country) -> HttpResponse:
    """The reversal of a step: what it would put back, or why it cannot be reversed."""
    raw = request.POST.get("step") if request.method == "POST" else request.GET.get("step")
    pk = whole_number(raw)
    done = BulkStep.objects.filter(pk=pk, edition=c.edition, unit=c.unit).first() if pk else None
    if done is None:
        raise Http404("no such step")
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            bulk.reverse(done, request.user)
        except workflow.InvalidError as exc:
            errors, status = exc.problems, 409
        else:
            url = reverse("collection:country", args=[c.edition.code, c.unit])
            return redirect(f"{url}?undone={done.pk}#step-done")
    by_pk = {a.pk: a for a in Answer.objects.filter(pk__in=[pk for pk, _, _ in done.moved])}
    answers = [by_pk[pk] for pk, _, _ in done.moved if pk in by_pk]
    for a in answers:
        a.edition = c.edition
    before = {pk: status for pk, status, _ in done.moved}
    rows = _rows(c, answers)
    for r in rows:
        r["back_to"] = Answer.Status(before[r["answer"].pk]).label
    label_steps([done], request.user, c)
    changed = bulk.blockers(done)
    context = {
        **_base(c),
        "action": UNDO,
        "done": done,
        "rows": rows,
        "changed": changed,
        "may": done.may_reverse,
        "errors": errors,
    }
    return render(request, "collection/undo.html", context, status=status)


def label_steps(steps: list[BulkStep], user: Any, c: Country) -> None:
    """Give each step ``shown_who`` (the reviewer stays anonymous to those who may not know
    them, as in an answer's history) and ``may_reverse``."""
    named = None
    for s in steps:
        s.may_reverse = bulk.reversible(s, user)
        anonymous = False
        if s.action in REVIEWERS_ACTIONS and s.who_id != user.pk:
            if named is None:  # (asked only when a reviewer's step is shown)
                named = allowed(user, "collection.see_reviewer", c)
            anonymous = not named
        s.shown_who = str(_("the reviewer")) if anonymous else s.who.get_username()


def _base(c: Country) -> dict[str, Any]:
    return {"country": c, "edition": c.edition, "unit": c.unit}


def _rows(c: Country, answers: list[Answer]) -> list[dict[str, Any]]:
    """The answers a step moves, in questionnaire order, with their questions."""
    order = {item.code: k for k, item in enumerate(workflow.indicators(c.edition))}
    items = {item.code: item for item in workflow.indicators(c.edition)}
    return [
        {
            "answer": a,
            "question": question_text(c.edition, items[a.indicator]),
            # the option's label beside its code (the preview listed "a", "c")
            "label": option_labels(c.edition, items[a.indicator]).get(a.option, ""),
        }
        for a in sorted(answers, key=lambda a: order.get(a.indicator, 0))
        if a.indicator in items
    ]
