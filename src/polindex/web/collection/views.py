"""The workspace: plain function views; every one asks :mod:`.permissions` before anything."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from polindex.web.collection import notify, workflow
from polindex.web.collection.models import LIVE_SOURCES, Answer, Assignment, Edition
from polindex.web.collection.permissions import Country, allowed, area_of, is_central
from polindex.web.collection.text import render as markdown


def _country(request: HttpRequest, code: str, unit: str) -> Country:
    edition = get_object_or_404(Edition, code=code)
    if unit not in edition.units:
        raise Http404("no such country in this edition")
    country = Country(edition, unit)
    if not allowed(request.user, "collection.view_country", country):
        raise PermissionDenied("no role on this country")
    return country


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What the signed-in person has to do: their countries and, for the central team, every
    edition's progress — who is waiting on whom."""
    mine = (
        Assignment.objects.filter(user=request.user, edition__state=Edition.State.OPEN)
        .select_related("edition")
        .order_by("edition__code", "unit")
    )
    rows = []
    for a in mine:
        units = [a.unit] if a.unit else a.edition.units
        for unit in units:
            counts = Counter(
                Answer.objects.filter(edition=a.edition, unit=unit, deleted_at=None).values_list(
                    "status", flat=True
                )
            )
            rows.append({"assignment": a, "unit": unit, "counts": dict(counts)})
    overview = []
    statuses = [s for s, _ in Answer.Status.choices]
    if is_central(request.user):
        for edition in Edition.objects.filter(state=Edition.State.OPEN):
            by_unit: dict[str, Counter[str]] = {u: Counter() for u in edition.units}
            for unit, status in Answer.objects.filter(edition=edition, deleted_at=None).values_list(
                "unit", "status"
            ):
                by_unit.setdefault(unit, Counter())[status] += 1
            table = [(u, [c.get(s, 0) for s in statuses]) for u, c in by_unit.items()]
            overview.append({"edition": edition, "units": table})
    from django.utils import timezone

    context = {
        "rows": rows,
        "overview": overview,
        "statuses": statuses,
        "today": timezone.localdate(),
    }
    return render(request, "collection/dashboard.html", context)


def _expert_answers(country: Country, user: Any) -> list[Answer]:
    """The answers shown on the country page: the user's own as an expert, else the primary
    expert's (for reviewers, coordinators, the central team and government contacts)."""
    edition, unit = country.edition, country.unit
    if allowed(user, "collection.answer", country):
        workflow.ensure_answers(edition, unit, user)
        expert = user.pk
    else:
        primary = (
            Assignment.objects.filter(edition=edition, unit__in=[unit, ""], role="expert")
            .select_related("user")
            .order_by("-primary", "id")
            .first()
        )
        if primary is None:
            return []  # no expert yet: nothing to show
        workflow.ensure_answers(edition, unit, primary.user)  # the questionnaire to review
        expert = primary.user_id
    answers = list(
        Answer.objects.filter(
            edition=edition, unit=unit, expert=expert, deleted_at=None
        ).prefetch_related(LIVE_SOURCES)
    )
    for a in answers:
        a.edition = edition  # loaded once, not once per answer
    return answers


def _one_answer(country: Country, user: Any, indicator: str) -> Answer:
    """The answer to one question shown to ``user`` (see :func:`_expert_answers`); a save reads
    only this row."""
    if allowed(user, "collection.answer", country):
        found = Answer.objects.filter(
            edition=country.edition, unit=country.unit, indicator=indicator, expert=user,
            deleted_at=None,
        ).first()  # fmt: skip
        if found is not None:
            found.edition = country.edition  # already loaded: no second query
            return found
    answers = {a.indicator: a for a in _expert_answers(country, user)}
    if indicator not in answers:
        raise Http404("no such question")
    answers[indicator].edition = country.edition
    return answers[indicator]


@login_required
def country(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """A country's questionnaire: every area with its progress, every question with its status."""
    c = _country(request, code, unit)
    answers = {a.indicator: a for a in _expert_answers(c, request.user)}
    areas: list[dict[str, Any]] = []
    for item in workflow.indicators(c.edition):
        area = area_of(c.edition, item["code"])
        if not areas or areas[-1]["code"] != area:
            areas.append({"code": area, "label": _label(c.edition, area), "items": []})
        answer = answers.get(item["code"])
        areas[-1]["items"].append({"item": item, "answer": answer})
    for group in areas:
        items = group["items"]
        group["done"] = sum(1 for i in items if i["answer"] and not workflow.problems(i["answer"]))
        group["total"] = len(items)
    context = {
        "country": c,
        "edition": c.edition,
        "unit": unit,
        "areas": areas,
        "can_answer": allowed(request.user, "collection.answer", c),
    }
    return render(request, "collection/country.html", context)


def _label(edition: Edition, code: str) -> str:
    stack = [edition.framework["root"]]
    while stack:
        item = stack.pop()
        if item["code"] == code:
            label = item.get("label") or {}
            return str(label.get("en") or next(iter(label.values()), code))
        stack.extend(item.get("children", []))
    return code


MAX_SOURCES = 50


def _content(post: Any) -> workflow.Content:
    """What the answer form posted (at most ``MAX_SOURCES`` source rows are read)."""
    count = str(post.get("source_count", "0"))
    sources = []
    for k in range(min(int(count), MAX_SOURCES) if count.isdigit() else 0):
        row = {
            f: post.get(f"source-{k}-{f}", "").strip()
            for f in ("instrument", "article", "url", "in_force")
        }
        if any(row.values()):
            sources.append(row)
    return workflow.Content(
        option=post.get("option", ""),
        not_applicable=post.get("not_applicable") == "on",
        na_reason=post.get("na_reason", ""),
        justification=post.get("justification", ""),
        confidence=post.get("confidence", ""),
        sources=sources,
    )


@login_required
def answer(request: HttpRequest, code: str, unit: str, indicator: str) -> HttpResponse:
    """One question: the answer form (or a read-only view), last edition's answer and the
    difference, the review thread, the history; POST saves or moves it along the review."""
    c = _country(request, code, unit)
    a = _one_answer(c, request.user, indicator)
    errors: dict[str, str] = {}
    conflict = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        version = int(request.POST.get("version", "0") or 0)
        content = _content(request.POST)
        try:
            if action in ("save", "autosave", "overwrite"):
                a = workflow.save(a, request.user, content, version)
                if action == "autosave":
                    return JsonResponse({"version": a.version, "saved": True})
            elif action in ("hide", "show"):
                workflow.moderate(a, request.user, int(request.POST.get("message", 0) or 0),
                                  action == "hide")  # fmt: skip
            elif action == "comment":
                workflow.comment(a, request.user, request.POST.get("comment", ""))
                if a.expert_id == request.user.pk:
                    notify.answer_event(a, "reply", request.user)
            else:
                was = a.status
                if action == "submit" and allowed(request.user, "collection.edit_answer", a):
                    a = workflow.save(a, request.user, content, version)
                    version = a.version
                a = workflow.act(
                    a, request.user, action, version,
                    comment=request.POST.get("comment", ""),
                    option=request.POST.get("adjudicated_option", ""),
                )  # fmt: skip
                event = "reply" if action == "submit" and was == "queried" else action
                notify.answer_event(a, event, request.user)
            if action != "autosave":
                return redirect(request.path + "?saved=" + action)
        except workflow.ConflictError as exc:
            if action == "autosave":
                return JsonResponse({"conflict": True, "version": exc.current.version}, status=409)
            conflict = {
                "current": exc.current,
                "mine": content,
                "current_sources": exc.current.live_sources(),
            }
            a = exc.current
        except workflow.InvalidError as exc:
            if action == "autosave":
                return JsonResponse({"errors": exc.problems}, status=400)
            errors = exc.problems
            a.refresh_from_db()
    item = next(i for i in workflow.indicators(c.edition) if i["code"] == indicator)
    options = item.get("options", [])
    user = request.user
    comments = []
    for m in a.comments.select_related("author"):
        if m.hidden and not allowed(user, "collection.moderate", a):
            continue
        named = m.role != "reviewer" or allowed(user, "collection.see_reviewer", a)
        who = m.author.get_username() if named else "Reviewer"
        comments.append({"comment": m, "who": who})
    sources = a.live_sources()
    labels = {o["code"]: (o.get("label") or {}).get("en", o["code"]) for o in options}
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
        "comments": comments,
        "errors": errors,
        "conflict": conflict,
        "saved": request.GET.get("saved"),
        "can_edit": allowed(user, "collection.edit_answer", a),
        "can_review": allowed(user, "collection.review_answer", a),
        "can_comment": allowed(user, "collection.comment", a),
        "can_adjudicate": allowed(user, "collection.adjudicate", a)
        and a.status in workflow.ACTIONS["adjudicate"][0],
        "can_validate": allowed(user, "collection.validate", a),
        "can_moderate": allowed(user, "collection.moderate", a),
        "previous": codes[position - 1] if position else None,
        "next": codes[position + 1] if position + 1 < len(codes) else None,
    }
    return render(request, "collection/answer.html", context)


def _history(answer: Answer, user: Any) -> list[dict[str, Any]]:
    """The answer's timeline; reviewers stay anonymous to those who may not see them."""
    see = allowed(user, "collection.see_reviewer", answer)
    hidden: set[str] = set()
    if not allowed(user, "collection.moderate", answer):  # a hidden message hides its reason
        hidden = set(answer.comments.filter(hidden=True).values_list("text", flat=True))
    out = []
    for h in answer.changes.select_related("who"):
        reviewer = h.action in ("agree", "query")
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
            if new_account:
                a.user.set_password(password)
                a.user.save()
            Assignment.objects.filter(pk=a.pk).update(
                accepted_at=timezone.now(), conflict_of_interest=declaration or "none declared"
            )
            if not user.is_authenticated:
                login(request, a.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("collection:dashboard")
    context = {"assignment": a, "edition": a.edition, "new_account": new_account, "errors": errors}
    return render(request, "collection/invitation.html", context)
