"""Running an edition (central team only): its progress table — who is assigned to each
country, what waits on whom, deadlines and days overdue — filtered by the address, exported as
CSV or XLSX; assigning a person; reminding one person or everyone overdue (previewed first)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, override

from polindex.io.sheets import inert, write_sheets
from polindex.web.collection import overview, progress, reminding
from polindex.web.collection.assigning import AssignError, assign
from polindex.web.collection.models import Edition, Role
from polindex.web.collection.names import unit_name
from polindex.web.collection.overview import Filters, Table, person_name
from polindex.web.collection.questions import area_labels
from polindex.web.collection.views.access import edition_of, page, whole_number

STATUS_LABELS = {
    "unassigned": gettext_lazy("Without an expert or reviewer"),
    "invited": gettext_lazy("Invitation not yet accepted"),
    "overdue": gettext_lazy("Overdue"),
    "expert": gettext_lazy("Waiting on the expert"),
    "reviewer": gettext_lazy("Waiting on the reviewer"),
    "central": gettext_lazy("Waiting on the central team"),
    "done": gettext_lazy("Nothing waiting (all validated)"),
}
ASSIGNED = gettext_lazy(
    "%(name)s is assigned as %(role)s for %(where)s; the invitation was e-mailed to %(email)s. "
    "The role counts once they accept it."
)
WAITING_ON = {  # a stage's cell, as a phone shows it (its heading's two lines in one)
    "expert": gettext_lazy("Waiting on the expert"),
    "reviewer": gettext_lazy("Waiting on the reviewer"),
    "central": gettext_lazy("Waiting on the central team"),
}
PARTY = {  # the second line of the table's heading: "Answers waiting on" … "the expert"
    "expert": gettext_lazy("the expert"),
    "reviewer": gettext_lazy("the reviewer"),
    "central": gettext_lazy("the central team"),
}
SORT_LABELS = {
    "name": gettext_lazy("Country"),
    "overdue": gettext_lazy("Most days overdue"),
    "expert": gettext_lazy("Most waiting on the expert"),
    "reviewer": gettext_lazy("Most waiting on the reviewer"),
    "central": gettext_lazy("Most waiting on the central team"),
}


class FilterForm(forms.Form):
    """The table's filters, read from the address: a value the list does not offer is
    reported beside its field and ignored."""

    area = forms.ChoiceField(label=gettext_lazy("Area"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    person = forms.ChoiceField(label=gettext_lazy("Person"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False)

    def __init__(self, data: Any, edition: Edition, everyone: dict[int, str]) -> None:
        super().__init__(data)
        every = [("", _("All"))]
        self.fields["area"].choices = every + list(area_labels(edition).items())
        self.fields["status"].choices = every + list(STATUS_LABELS.items())
        people = sorted(everyone.items(), key=lambda p: p[1].casefold())
        self.fields["person"].choices = every + [(str(pk), name) for pk, name in people]
        self.fields["sort"].choices = list(SORT_LABELS.items())

    def filters(self) -> Filters:
        self.is_valid()
        got = self.cleaned_data
        return Filters(
            area=got.get("area") or "",
            status=got.get("status") or "",
            person=whole_number(got.get("person")),
            sort=got.get("sort") or "name",
        )


def _names(edition: Edition, lang: str | None = None) -> Any:
    return lambda code: unit_name(edition, code, lang)


def _table(request: HttpRequest, edition: Edition) -> tuple[FilterForm, Table]:
    """The filter form and the table it asks for (a person filter is checked against the
    table's people — everyone assigned in the edition, whatever the filters — afterwards)."""
    first = FilterForm(request.GET, edition, {}).filters()
    filters = replace(first, person=whole_number(request.GET.get("person")))
    table = overview.build(edition, timezone.localdate(), filters, _names(edition))
    form = FilterForm(request.GET, edition, table.everyone)
    if form.filters() != filters:  # someone not assigned here: the table without that filter
        table = overview.build(edition, timezone.localdate(), form.filters(), _names(edition))
    return form, table


@page("collection:progress")
def edition_progress(request: HttpRequest, code: str) -> HttpResponse:
    """The edition's progress table for the central team (see the module)."""
    edition = edition_of(request, code)
    form, table = _table(request, edition)
    areas = area_labels(edition)
    waiting_on = {p: str(label) for p, label in WAITING_ON.items()}  # (translated once)
    query = request.GET.copy()
    sorts = {}
    for key in overview.SORTS:
        query["sort"] = key
        sorts[key] = "?" + query.urlencode()
    exports = urlencode([(k, v) for k, v in request.GET.items() if k in form.fields])
    today = timezone.localdate()
    context = {
        "edition": edition,
        "form": form,
        "table": table,
        "countries": [_country(r, edition, areas, waiting_on) for r in table.countries],
        "parties": [(p, PARTY[p], sorts[p]) for p in overview.STAGES],
        "people": [_person(p, edition) for p in table.people],
        "overdue_people": len(reminding.plan(table, timezone.now()).send),  # (not reminded today)
        "sorts": sorts,
        "sort": form.filters().sort,
        "exports": f"?{exports}" if exports else "",
        "deadlines": [(p, progress.due(edition, p)) for p in overview.STAGES],
        "today": today,
    }
    return render(request, "collection/progress.html", context)


def _country(
    row: overview.CountryRow, edition: Edition, areas: dict[str, str], waiting_on: dict[str, str]
) -> dict[str, Any]:
    """A country's row as the page shows it: each role's people (with their area's name and
    whether they accepted), the areas nobody covers, where to assign someone."""
    assign = reverse("collection:assign", args=[edition.code])
    cells = []
    for s in row.staffing:
        holders = [
            {
                "name": h.name,
                "area": areas.get(h.area, h.area),
                "state": "accepted" if h.accepted else "invited" if h.invited else "assigned",
            }
            for h in s.holders
        ]
        query = {"unit": row.unit, "role": s.role}
        if len(s.missing) == 1 and s.state == "partial":
            query["area"] = s.missing[0]
        cells.append(
            {
                "role": s.role,
                "state": s.state,
                "holders": holders,
                "missing": [areas.get(a, a) for a in s.missing],
                "assign": f"{assign}?{urlencode(query)}",
            }
        )
    stages = [
        {"waiting": s.waiting, "overdue_days": s.overdue_days, "label": waiting_on[s.party]}
        for s in row.stages
    ]
    return {"row": row, "cells": cells, "stages": stages}


def _person(row: overview.PersonRow, edition: Edition) -> dict[str, Any]:
    """A person's row as the pages show it: what each of their roles owes, in words (made
    here, not by template tags per row: a table of 100 people), countries by name."""
    debts = []
    for d in row.debts:
        n = d.answers
        if d.role == Role.EXPERT:
            what = ngettext("%(n)s answer to submit", "%(n)s answers to submit", n) % {"n": n}
        else:
            what = ngettext("%(n)s answer to review", "%(n)s answers to review", n) % {"n": n}
        days = d.overdue_days
        debts.append(
            {
                "what": what,
                "due": _("by %(date)s") % {"date": date_format(d.due)} if d.due else "",
                "overdue": ngettext("%(n)s day overdue", "%(n)s days overdue", days) % {"n": days}
                if days
                else "",
                "places": ", ".join(f"{unit_name(edition, u)} ({n})" for u, n in d.units),
            }
        )
    return {"row": row, "debts": debts, "again_at": reminding.again_at(row)}


EXPORT_COLUMNS = [
    "country", "country_name", "expert", "expert_state", "reviewer", "reviewer_state",
    "waiting_on_expert", "waiting_on_reviewer", "waiting_on_central", "validated",
    "expert_due", "expert_days_overdue", "reviewer_due", "reviewer_days_overdue",
    "central_due", "central_days_overdue",
]  # fmt: skip


@page("collection:progress_export")
def progress_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The progress table as CSV or XLSX, filtered and sorted as the page's address says;
    names in English, text cells a spreadsheet will not run as formulas."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("no such format")
    edition = edition_of(request, code)
    with override("en"):
        _form, table = _table(request, edition)
        rows = [_export_row(r) for r in table.countries]
    name = f"{code}-progress.{fmt}"
    if fmt == "csv":
        import csv

        response = HttpResponse(content_type="text/csv; charset=utf-8")
        out = csv.writer(response)
        out.writerow(EXPORT_COLUMNS)
        out.writerows([[inert(v) for v in row] for row in rows])
    else:
        import pandas as pd

        buffer = io.BytesIO()
        frame = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
        write_sheets(buffer, {"progress": frame})  # (text stays text: never a formula)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export_row(r: overview.CountryRow) -> list[Any]:
    staffed = []
    for s in r.staffing:
        staffed.append(
            "; ".join(
                f"{h.name} ({'accepted' if h.accepted else 'invited' if h.invited else 'assigned'}"
                f"{', ' + h.area if h.area else ''})"
                for h in s.holders
            )
        )
        missing = f" (missing: {', '.join(s.missing)})" if s.state == "partial" else ""
        staffed.append(s.state + missing)
    stages = [v for st in r.stages for v in (st.due.isoformat() if st.due else "", st.overdue_days)]
    waiting = [r.waiting[p] for p in progress.PARTIES]
    return [r.unit, r.name, *staffed, *waiting, *stages]


class AssignForm(forms.Form):
    """Assign a person (chosen, or new: name and address) as a role on a country and area."""

    unit = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"))
    area = forms.ChoiceField(label=gettext_lazy("Area (optional)"), required=False)
    person = forms.ChoiceField(label=gettext_lazy("An existing person"), required=False)
    name = forms.CharField(label=gettext_lazy("Or a new person: name"), required=False)
    email = forms.CharField(label=gettext_lazy("E-mail address"), required=False)

    def __init__(self, data: Any, edition: Edition, initial: dict[str, str]) -> None:
        super().__init__(data, initial=initial)
        units = sorted(((u, unit_name(edition, u)) for u in edition.units), key=lambda x: x[1])
        self.fields["unit"].choices = [("", _("Every country")), *units]
        self.fields["role"].choices = Role.choices
        areas = list(area_labels(edition).items())
        self.fields["area"].choices = [("", _("Every area")), *areas]
        people = get_user_model().objects.filter(is_active=True).order_by("username")
        choices = sorted(
            ((str(u.pk), f"{person_name(u)} <{u.email}>" if u.email else person_name(u))
             for u in people),
            key=lambda c: c[1].casefold(),
        )  # fmt: skip
        self.fields["person"].choices = [("", _("— a new person —")), *choices]


@page("collection:assign")
def assign_person(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the assign form (``unit``, ``role`` and ``area`` may come filled from the
    address); POST: assign and invite (:func:`.assigning.assign`), then back to the progress
    page saying who was invited — or the form again, each problem beside its field."""
    edition = edition_of(request, code)
    initial = {k: request.GET.get(k, "") for k in ("unit", "role", "area")}
    form = AssignForm(request.POST if request.method == "POST" else None, edition, initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            got = form.cleaned_data
            person = None
            if got["person"]:
                person = get_user_model().objects.filter(pk=whole_number(got["person"])).first()
            try:
                done = assign(
                    edition, role=got["role"], unit=got["unit"], area=got["area"],
                    person=person, name=got["name"], email=got["email"],
                )  # fmt: skip
            except AssignError as exc:
                for name, problem in exc.problems.items():
                    form.add_error(name, problem)
            else:
                where = unit_name(edition, done.unit) if done.unit else _("every country")
                messages.success(
                    request,
                    str(ASSIGNED)
                    % {
                        "name": person_name(done.user),
                        "role": done.get_role_display(),
                        "where": where,
                        "email": done.user.email,
                    },
                )
                return redirect("collection:progress", code=edition.code)
        status = 400
    context = {
        "edition": edition,
        "form": form,
        "problems": bool(form.errors),
        "summary": [
            (f, form.fields[f].label, " ".join(form.errors[f]))
            for f in form.fields
            if f in form.errors
        ],
    }
    return render(request, "collection/assign.html", context, status=status)


@page("collection:remind")
def remind(request: HttpRequest, code: str) -> HttpResponse:
    """GET: who a reminder would go to — one person (``person=ID``) or everyone overdue —
    with the countries and answers each owes; POST (the same address, confirmed): send it,
    record it and go back to the progress page. Nobody is reminded twice within a day."""
    edition = edition_of(request, code)
    raw = request.POST.get("person") if request.method == "POST" else request.GET.get("person")
    person = whole_number(raw) if raw else None
    if raw and person is None:
        raise Http404("no such person")
    now = timezone.now()
    table = overview.build(edition, timezone.localdate(), Filters(), _names(edition))
    found = reminding.plan(table, now, person)
    refused = ""
    if request.method == "POST":  # only those the confirmed preview listed, if still due
        shown = {whole_number(v) for v in request.POST.getlist("who")}
        chosen = [r for r in found.send if r.user_id in shown]
        if chosen:
            with override("en"):
                done = reminding.send(edition, chosen, request.user, now, _names(edition, "en"))
            messages.success(
                request,
                _("Reminder sent to %(people)s.")
                % {"people": ", ".join(person_name_of(table, r.person_id) for r in done)}
                if done
                else _("No reminder was sent: nobody listed has an e-mail address."),
            )
            return redirect("collection:progress", code=edition.code)
        refused = _("Nothing was sent: nobody listed can be reminded now.")
    context = {
        "edition": edition,
        "person": person,
        "send": [_person(p, edition) for p in found.send],
        "recent": [_person(p, edition) for p in found.recent],
        "nothing": [table.everyone.get(pk, "") for pk in found.nothing],
        "refused": refused,
        "again_after": int(reminding.AGAIN_AFTER / dt.timedelta(hours=1)),
        "back": reverse("collection:progress", args=[edition.code]),
    }
    return render(request, "collection/remind.html", context, status=409 if refused else 200)


def person_name_of(table: Table, user_id: int) -> str:
    return table.everyone.get(user_id, str(user_id))
