"""The workspace: plain function views; every one asks :mod:`.permissions` before anything."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from polindex.web.collection import notify, progress, workflow
from polindex.web.collection.answer_forms import FORMS, SaveForm
from polindex.web.collection.models import LIVE_SOURCES, THREAD, Answer, Assignment, Edition
from polindex.web.collection.permissions import Country, allowed, is_central, scope
from polindex.web.collection.questions import area_of, questions
from polindex.web.collection.text import render as markdown
from polindex.web.collection.text import word_diff


def _country(request: HttpRequest, code: str, unit: str) -> Country:
    # the framework (tens of kB of JSON) is read only by the pages that need it, not by saves
    edition = get_object_or_404(Edition.objects.defer("framework", "framework_yaml"), code=code)
    if unit not in edition.units:
        raise Http404("no such country in this edition")
    country = Country(edition, unit)
    if not allowed(request.user, "collection.view_country", country):
        raise PermissionDenied("no role on this country")
    return country


Role: Any = Assignment.Role  # (Django ships no types: its enums are Any to mypy)
STATUSES = [(progress.NOT_STARTED, gettext_lazy("not started")), *Answer.Status.choices]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What the signed-in person has to do — their countries (and areas), how many answers wait
    on them, the deadline — and, for the central team, every open edition's countries: who is
    waiting on whom, and who is overdue."""
    today = timezone.localdate()
    central = is_central(request.user)
    assignments = list(
        Assignment.objects.filter(user=request.user, edition__state=Edition.State.OPEN)
        .select_related("edition")
        .order_by("edition__code", "unit", "area")
    )
    needed: dict[int, set[str] | None] = {}  # per edition the countries to count (None: all)
    for a in assignments:
        have = needed.setdefault(a.edition_id, set())
        needed[a.edition_id] = None if have is None or not a.unit or central else have | {a.unit}
    found: dict[int, Any] = {}

    def counts_of(edition: Edition) -> Any:
        if edition.pk not in found:
            found[edition.pk] = progress.counts(edition, needed.get(edition.pk))
        return found[edition.pk]

    rows = []
    for a in assignments:
        for unit in [a.unit] if a.unit else a.edition.units:
            by_status = progress.total(a.edition, counts_of(a.edition), unit, a.area)
            turn = progress.TURN_OF.get(a.role)
            mine = progress.waiting(by_status).get(turn, 0) if turn else 0
            deadline = progress.due(a.edition, turn) if turn else a.edition.factcheck_until
            rows.append(
                {
                    "assignment": a,
                    "unit": unit,
                    "area": _label(a.edition, a.area) if a.area else "",
                    "counts": [(label, by_status[s]) for s, label in STATUSES if by_status[s]],
                    "mine": mine,
                    "deadline": deadline,
                    "overdue": bool(mine and deadline and deadline < today),
                    "link": "read" if a.role == Role.GOVERNMENT else "country",
                    "can_open": allowed(
                        request.user, "collection.view_country", Country(a.edition, unit)
                    ),
                }
            )
    overview = []
    if central:
        for edition in Edition.objects.filter(state=Edition.State.OPEN):
            needed[edition.pk] = None
            table = []
            for unit in edition.units:
                by_party = progress.waiting(progress.total(edition, counts_of(edition), unit))
                late = progress.overdue(edition, by_party, today)
                table.append({"unit": unit, "waiting": by_party, "overdue": late})
            overview.append({"edition": edition, "units": table})
    context = {"rows": rows, "overview": overview, "parties": progress.PARTIES, "today": today}
    return render(request, "collection/dashboard.html", context)


def _expert_answers(country: Country, user: Any, indicator: str = "") -> list[Answer]:
    """The answers shown on the country page (to one question only, when ``indicator`` is
    given), in the areas ``user`` works on: the user's own as an expert, else the answers that
    count (:meth:`~.models.AnswerQuerySet.that_count`; the older one where two do) for
    reviewers, coordinators, the central team and government contacts. Only read: the rows are
    made when the edition opens or the expert accepts (:mod:`.answer_rows`)."""
    edition, unit = country.edition, country.unit
    if allowed(user, "collection.answer", country):
        answers = Answer.objects.filter(expert=user, deleted_at=None)
        visible = scope(user, edition, unit, Role.EXPERT)
    else:
        answers = Answer.objects.that_count()
        visible = scope(user, edition, unit)
    answers = answers.filter(edition=edition, unit=unit)
    if indicator:
        answers = answers.filter(indicator=indicator)
    if visible is not None:
        answers = answers.filter(area__in=visible)
    shown: dict[str, Answer] = {}
    for a in answers.order_by("pk").prefetch_related(LIVE_SOURCES):
        a.edition = edition  # loaded once, not once per answer
        shown.setdefault(a.indicator, a)
    return list(shown.values())


def _one_answer(country: Country, user: Any, indicator: str) -> Answer:
    """The answer to one question shown to ``user`` (see :func:`_expert_answers`): 403 outside
    the areas the user works on, 404 for a question nobody answers yet."""
    found = _expert_answers(country, user, indicator)
    if found and allowed(user, "collection.view_answer", found[0]):
        return found[0]
    asked = questions(country.edition).get(indicator)
    if asked is None:
        raise Http404("no such question")
    role = Role.EXPERT if allowed(user, "collection.answer", country) else ""
    visible = scope(user, country.edition, country.unit, role)
    if found or (visible is not None and asked.area not in visible):
        raise PermissionDenied("this question is outside the areas you work on")
    raise Http404("nobody answers this question yet")


@login_required
def country(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """A country's questionnaire in the areas the user works on: every area with its progress,
    every question with its status; POST takes one review step for all of them at once."""
    c = _country(request, code, unit)
    user = request.user
    can_answer = allowed(user, "collection.answer", c)
    answers = {a.indicator: a for a in _expert_answers(c, user)}
    if request.method == "POST":
        action = request.POST.get("action", "")
        queried = {a.pk for a in answers.values() if a.status == Answer.Status.QUERIED}
        try:
            moved, skipped = workflow.act_all(list(answers.values()), user, action)
        except (workflow.InvalidError, workflow.ConflictError) as exc:
            answers = {a.indicator: a for a in _expert_answers(c, user)}  # as rolled back
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
        area = area_of(c.edition, item["code"])
        if visible is not None and area not in visible:
            continue
        if not areas or areas[-1]["code"] != area:
            areas.append({"code": area, "label": _label(c.edition, area), "items": []})
        areas[-1]["items"].append({"item": item, "answer": answers.get(item["code"])})
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


def _label(edition: Edition, code: str) -> str:
    stack = [edition.framework["root"]]
    while stack:
        item = stack.pop()
        if item["code"] == code:
            label = item.get("label") or {}
            return str(label.get("en") or next(iter(label.values()), code))
        stack.extend(item.get("children", []))
    return code


STALE = gettext_lazy("The answer was saved after you opened it: read it again, then take the step.")


@login_required
def answer(request: HttpRequest, code: str, unit: str, indicator: str) -> HttpResponse:
    """One question: the answer form (or a read-only view), last edition's answer and the
    difference, the review thread, the history; POST saves or moves it along the review."""
    c = _country(request, code, unit)
    a = _one_answer(c, request.user, indicator)
    errors: dict[str, str] = {}
    conflict = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
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
    item = next(i for i in workflow.indicators(c.edition) if i["code"] == indicator)
    options = item.get("options", [])
    user = request.user
    prefetch_related_objects([a], THREAD)
    comments = _thread(a, user)
    sources = a.live_sources()
    labels = _option_labels(item)
    codes = [i["code"] for i in workflow.indicators(c.edition)]
    position = codes.index(indicator)
    context = {
        "country": c,
        "edition": c.edition,
        "unit": unit,
        "answer": a,
        "item": item,
        "options": options,
        "option_labels": labels,
        "sources": sources,
        "blank_sources": range(len(sources), len(sources) + 2),
        "justification_html": markdown(a.justification),
        "history": _history(a, user),
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


def _option_labels(item: dict[str, Any]) -> dict[str, str]:
    return {o["code"]: (o.get("label") or {}).get("en", o["code"]) for o in item.get("options", [])}


def _thread(answer: Answer, user: Any) -> list[dict[str, Any]]:
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


@login_required
def read(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """The country's answers in full — option, justification, sources, discussion — on one
    page: for the fact-check by government contacts (who may comment, nothing more), reviewers
    and the central team."""
    c = _country(request, code, unit)
    user = request.user
    answers = {a.indicator: a for a in _expert_answers(c, user)}
    prefetch_related_objects(list(answers.values()), THREAD)
    rows = []
    for item in workflow.indicators(c.edition):
        a = answers.get(item["code"])
        if a is None:
            continue
        rows.append(
            {
                "item": item,
                "answer": a,
                "label": _option_labels(item).get(a.option, ""),
                "justification_html": markdown(a.justification),
                "sources": a.live_sources(),
                "comments": _thread(a, user),
                "can_comment": allowed(user, "collection.comment", a),
            }
        )
    context = {"country": c, "edition": c.edition, "unit": unit, "rows": rows}
    return render(request, "collection/read.html", context)


# the steps only a reviewer takes: who took them stays anonymous to those who may not know
REVIEWERS_ACTIONS = {
    action
    for action, (_, _, perm) in workflow.ACTIONS.items()
    if perm == "collection.review_answer"
}


def _history(answer: Answer, user: Any) -> list[dict[str, Any]]:
    """The answer's timeline; reviewers stay anonymous to those who may not see them
    (``answer`` has its :data:`THREAD`)."""
    see = allowed(user, "collection.see_reviewer", answer)
    hidden: set[str] = set()
    if not allowed(user, "collection.moderate", answer):  # a hidden message hides its reason
        hidden = {m.text for m in answer.comments.all() if m.hidden}
    out = []
    for h in answer.changes.select_related("who"):
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


def workspace_url(edition: Edition, unit: str) -> str:
    return reverse("collection:country", args=[edition.code, unit])


MAX_UPLOAD = 5 * 1024 * 1024


@login_required
def download(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """The country's questionnaire as XLSX, with the current answers, to work offline."""
    from polindex.web.collection import workbook

    c = _country(request, code, unit)
    content = workbook.export(c.edition, unit, _expert_answers(c, request.user))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{code}-{unit}-questionnaire.xlsx"'
    return response


@login_required
def upload(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """Upload a filled-in questionnaire: every cell is checked and the changes are shown; only
    "Confirm" saves them, all together or — on any conflict — none."""
    from django.db import transaction

    from polindex.web.collection import workbook

    c = _country(request, code, unit)
    if not allowed(request.user, "collection.answer", c):
        raise PermissionDenied("only the country's expert uploads answers")
    answers = _expert_answers(c, request.user)
    key = f"upload:{code}:{unit}"
    problems: list[str] = []
    changes: list[dict[str, Any]] = []
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.pop(key, [])
        by_id = {a.pk: a for a in answers}
        try:
            with transaction.atomic():
                for p in pending:
                    content = workflow.Content(**p["content"])
                    answer = by_id[p["answer"]]
                    workflow.save(answer, request.user, content, p["version"], "uploaded")
        except (workflow.ConflictError, workflow.InvalidError, KeyError, PermissionDenied) as exc:
            problems = [f"nothing was saved: {exc}"]
        else:
            return redirect(
                reverse("collection:country", args=[code, unit]) + "?uploaded=" + str(len(pending))
            )
    elif request.method == "POST":
        file = request.FILES.get("file")
        if file is None or not str(file.name).lower().endswith(".xlsx"):
            problems = ["choose the .xlsx file downloaded from this page"]
        elif file.size > MAX_UPLOAD:
            problems = [f"the file is larger than {MAX_UPLOAD // 2**20} MB"]
        else:
            found, problems = workbook.read(c.edition, unit, answers, file.read())
            for change in found:
                old = change.answer
                changes.append(
                    {
                        "indicator": old.indicator,
                        "old": "n/a" if old.not_applicable else old.option,
                        "new": "n/a" if change.content.not_applicable else change.content.option,
                        "justification": change.content.justification != old.justification,
                        "sources": len(change.content.sources),
                    }
                )
            request.session[key] = [
                {"answer": ch.answer.pk, "version": ch.version, "content": ch.content.__dict__}
                for ch in found
            ]
    context = {"edition": c.edition, "unit": unit, "problems": problems, "changes": changes,
               "posted": request.method == "POST"}  # fmt: skip
    return render(request, "collection/upload.html", context)


@login_required
def agreement(request: HttpRequest, code: str) -> HttpResponse:
    """Inter-coder agreement of an edition where several experts answer the same country
    (central team only): percent agreement and Krippendorff's alpha per indicator and country."""
    from polindex.analysis.agreement import agreement as measure

    edition = get_object_or_404(Edition, code=code)
    if not is_central(request.user):
        raise PermissionDenied("the central team only")
    scores = {
        (item["code"], str(o["code"])): float(o["score"])
        for item in workflow.indicators(edition)
        for o in item.get("options", [])
    }
    codings = [
        (a.unit, a.indicator, str(a.expert_id), scores[(a.indicator, a.option)])
        for a in Answer.objects.filter(edition=edition, deleted_at=None).exclude(option="")
        if (a.indicator, a.option) in scores
    ]
    tables = measure(codings) if codings else {}
    context = {
        "edition": edition,
        "by_indicator": _records(tables.get("by_indicator"), "indicator"),
        "by_unit": _records(tables.get("by_unit"), "unit"),
    }
    return render(request, "collection/agreement.html", context)


ANSWER_COLUMNS = [
    "unit", "area", "indicator", "expert", "primary", "option", "score", "not_applicable",
    "na_reason", "status", "confidence", "justification", "sources", "version", "updated_at",
]  # fmt: skip


@login_required
def answers_csv(request: HttpRequest, code: str) -> HttpResponse:
    """Every live answer of an edition, all experts, as CSV (central team only): for analysis
    outside Polindex; ``primary`` says whether the answer counts
    (:meth:`~.models.AnswerQuerySet.that_count`). Sources are joined into one cell:
    ``instrument art. article <url> (date)`` separated by `` | ``."""
    import csv

    edition = get_object_or_404(Edition, code=code)
    if not is_central(request.user):
        raise PermissionDenied("the central team only")
    scores = {
        (item["code"], str(o["code"])): f"{o['score']:g}"
        for item in workflow.indicators(edition)
        for o in item.get("options", [])
        if o.get("score") is not None
    }
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}-answers.csv"'
    out = csv.writer(response)
    out.writerow(ANSWER_COLUMNS)
    rows = (
        Answer.objects.filter(edition=edition, deleted_at=None)
        .marking_those_that_count()
        .select_related("expert")
        .prefetch_related(LIVE_SOURCES)
        .order_by("unit", "indicator", "expert_id")
    )
    for a in rows:
        sources = " | ".join(
            " ".join(
                part
                for part in (
                    s.instrument,
                    f"art. {s.article}" if s.article else "",
                    f"<{s.url}>" if s.url else "",
                    f"({s.in_force})" if s.in_force else "",
                )
                if part
            )
            for s in a.live_sources()
        )
        out.writerow(
            [
                a.unit, a.area, a.indicator, a.expert.get_username(),
                a.counts,
                a.option, scores.get((a.indicator, a.option), ""), a.not_applicable,
                _inert(a.na_reason), a.status, a.confidence, _inert(a.justification),
                _inert(sources), a.version, a.updated_at.isoformat(),
            ]
        )  # fmt: skip
    return response


def _inert(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a leading ``'`` before = + - @)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _records(table: Any, key: str) -> list[dict[str, Any]]:
    if table is None:
        return []
    rows = table.reset_index().to_dict(orient="records")
    return [r for r in rows if r["items"] > 0]


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: the invited person declares any conflict of interest (and, for a
    new account, chooses a password); only then does the role give access."""
    from django.contrib.auth import login
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils import timezone
    from django.utils.translation import gettext

    a = get_object_or_404(Assignment.objects.select_related("edition", "user"), token=token)
    user = request.user
    new_account = not a.user.has_usable_password()
    if not new_account and not user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if user.is_authenticated and user.pk != a.user_id:
        raise PermissionDenied("this invitation is for someone else")
    errors: list[str] = []
    if request.method == "POST" and a.accepted_at is None:
        declaration = request.POST.get("conflict_of_interest", "").strip()
        if not declaration and request.POST.get("no_conflict") != "on":
            errors.append(gettext("Declare your interests, or confirm that you have none."))
        password = request.POST.get("password", "")
        if new_account:
            try:
                validate_password(password, a.user)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if not errors:
            with transaction.atomic():
                if new_account:
                    a.user.set_password(password)
                    a.user.save()
                a.accepted_at = timezone.now()
                a.conflict_of_interest = declaration or "none declared"
                a.save(update_fields=["accepted_at", "conflict_of_interest"])  # makes the rows
            if not user.is_authenticated:
                login(request, a.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("collection:dashboard")
    context = {"assignment": a, "edition": a.edition, "new_account": new_account, "errors": errors}
    return render(request, "collection/invitation.html", context)
