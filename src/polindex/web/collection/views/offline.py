"""Working offline: the country's questionnaire as XLSX, and its upload back."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from polindex.web.collection import workflow
from polindex.web.collection.views.access import answers_shown, country_of, page

MAX_UPLOAD = 5 * 1024 * 1024


@page("collection:download")
def download(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """The country's questionnaire as XLSX, with the current answers, to work offline."""
    from polindex.web.collection import workbook

    c = country_of(request, code, unit)
    content = workbook.export(c.edition, unit, answers_shown(c, request.user))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{code}-{unit}-questionnaire.xlsx"'
    return response


@page("collection:upload")
def upload(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """Upload a filled-in questionnaire: every cell is checked and the changes are shown; only
    "Confirm" saves them, all together or — on any conflict — none."""
    from django.db import transaction

    from polindex.web.collection import workbook

    c = country_of(request, code, unit)  # (the country's expert only: PAGES)
    answers = answers_shown(c, request.user)
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
            if found:
                request.session[key] = [
                    {"answer": ch.answer.pk, "version": ch.version, "content": ch.content.__dict__}
                    for ch in found
                ]
            else:  # nothing to confirm: the session (a database row) is left as it was
                request.session.pop(key, None)
    context = {"country": c, "edition": c.edition, "unit": unit, "problems": problems,
               "changes": changes, "posted": request.method == "POST"}  # fmt: skip
    return render(request, "collection/upload.html", context)
