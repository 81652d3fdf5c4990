"""Scoring an edition into a release (:mod:`..scoring`), for the central team: which countries
are complete, incomplete or missing; the countries chosen, the release's version and publish
time; a preview of exactly what the release will hold; then, confirmed, the release."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from polindex.errors import PolindexError
from polindex.web.collection import progress, scoring
from polindex.web.collection.models import Edition
from polindex.web.collection.views.access import edition_of, page
from polindex.web.releases.models import Release
from polindex.web.releases.publish import VERSION, ReleaseError, check_release

EMBARGO = dt.timedelta(days=30)  # the publish time suggested: a month from today, 09:00
STALE = gettext_lazy(
    "The edition changed since your preview: nothing was published. Here is the preview as "
    "it is now; check it and confirm again."
)
STATES = {
    scoring.COMPLETE: gettext_lazy("Complete"),
    scoring.INCOMPLETE: gettext_lazy("Incomplete"),
    scoring.MISSING: gettext_lazy("Missing"),
}


@page("collection:score")
def score(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the edition's countries (complete, incomplete, missing) and the release's form;
    with ``preview``, the chosen countries, version and publish time checked (each problem
    beside its field) and what the release would hold. POST (the preview's fields and token):
    the release, made only if the preview still holds — else the preview as it is now."""
    edition = edition_of(request, code)
    countries = scoring.survey(edition)
    data = request.POST if request.method == "POST" else request.GET
    rows = [
        {
            "country": c,
            "state": STATES[c.state],
            "pending": [progress.counted(s, n) for s, n in c.pending.items()],
        }
        for c in countries
    ]
    context: dict[str, Any] = {"edition": edition, "rows": rows, "errors": {}}
    created = Release.objects.filter(
        index__code=edition.definition.code, version=request.GET.get("created", "")
    ).first()
    if created is not None and request.method == "GET":
        context["created"] = created
    chosen, confirmed, version, publish_at, errors = _read(edition, countries, data)
    asked = request.method == "POST" or "preview" in data
    context.update(
        chosen=set(chosen) if asked else {c.unit for c in countries if c.state == "complete"},
        confirmed=set(confirmed),
        version=version,
        publish_at=data.get("publish_at", "") if asked else _suggested(),
        zone=timezone.get_current_timezone_name(),
    )
    if not asked:
        return render(request, "collection/score.html", context)
    if errors:
        context["errors"] = errors
        context["error_list"] = _summary(errors, countries)
        return render(request, "collection/score.html", context, status=400)
    assert publish_at is not None
    shown = scoring.preview(edition, chosen, version=version, publish_at=publish_at)
    status = 200
    if request.method == "POST":
        try:
            release = scoring.score(
                edition, chosen, version=version, publish_at=publish_at,
                token=data.get("token", ""),
            )  # fmt: skip
        except scoring.StaleError:
            context["stale"] = STALE
            status = 409
        except PolindexError as exc:  # a version taken meanwhile; nothing validated any more
            context["errors"] = {"version": "; ".join(exc.messages())}
            return render(request, "collection/score.html", context, status=409)
        else:
            url = reverse("collection:score", args=[edition.code])
            return redirect(f"{url}?created={release.version}#created")
    context["preview"] = shown
    context["hidden"] = _hidden(chosen, confirmed, version, publish_at)
    return render(request, "collection/score.html", context, status=status)


def _summary(errors: dict[str, str], countries: list[scoring.CountryState]) -> list[Any]:
    """The problems for the summary at the top, each linking to its field."""
    names = {f"country-{c.unit}": c for c in countries}
    labels = {
        "units": (_("Countries"), "countries"),
        "version": (_("Release version"), "version"),
        "publish_at": (_("Publish time"), "publish_at"),
    }
    out = []
    for key, problem in errors.items():
        if key in names:
            c = names[key]
            label, anchor = (
                _("Countries to score"),
                f"{'confirm' if c.choosable else 'unit'}-{c.unit}",
            )
        else:
            label, anchor = labels[key]
        out.append({"label": label, "anchor": anchor, "problem": problem})
    return out


def _suggested() -> str:
    day = timezone.localdate() + EMBARGO
    return f"{day.isoformat()}T09:00"


def _read(
    edition: Edition, countries: list[scoring.CountryState], data: QueryDict
) -> tuple[list[str], list[str], str, dt.datetime | None, dict[str, str]]:
    """The countries chosen, the incomplete ones confirmed, the version and the publish time
    of the form, with each problem by the field it belongs to (``country-XX`` for one
    country's confirmation)."""
    errors: dict[str, str] = {}
    by_unit = {c.unit: c for c in countries}
    chosen = [u for u in dict.fromkeys(data.getlist("units")) if u in by_unit]
    confirmed = [u for u in dict.fromkeys(data.getlist("confirm")) if u in chosen]
    if not chosen:
        errors["units"] = _("choose at least one country to score")
    for u in chosen:
        c = by_unit[u]
        if not c.choosable:
            errors[f"country-{u}"] = _("%(country)s has no validated answer to score") % {
                "country": c.name
            }
        elif c.state != scoring.COMPLETE and u not in confirmed:
            errors[f"country-{u}"] = _(
                "%(country)s is incomplete: tick the box to confirm that only its "
                "%(scored)d validated answers are scored"
            ) % {"country": c.name, "scored": c.scored}
    version = data.get("version", "").strip()
    if problem := _version_problem(edition, version):
        errors["version"] = problem
    publish_at = None
    raw = data.get("publish_at", "").strip()
    try:
        publish_at = timezone.make_aware(dt.datetime.fromisoformat(raw).replace(tzinfo=None))
    except ValueError:
        errors["publish_at"] = _("give a date and time, e.g. 2027-03-01 09:00")
    else:
        if publish_at <= timezone.now():
            errors["publish_at"] = _(
                "choose a time in the future: the release is public from then on"
            )
    return chosen, confirmed, version, publish_at, errors


def _version_problem(edition: Edition, version: str) -> str:
    """Why ``version`` cannot name a new release of the edition's index (``""`` if it can):
    the release service's own rules (:func:`~polindex.web.releases.publish.check_release`),
    in the page's language."""
    if not version:
        return _("give the release's version, e.g. 2025.1")
    code = edition.definition.code
    try:
        check_release(code, version)
    except ReleaseError as exc:
        if not VERSION.match(version):
            return _(
                "use 1 to 32 letters, digits, '.', '-' and '_', starting with a letter or digit "
                "(it becomes part of the release's web address)"
            )
        if Release.objects.filter(index__code=code, version=version).exists():
            return _("%(index)s already has a release %(version)s: choose another version") % {
                "index": code,
                "version": version,
            }
        return "; ".join(exc.problems)
    return ""


def _hidden(
    chosen: list[str], confirmed: list[str], version: str, publish_at: dt.datetime
) -> list[tuple[str, str]]:
    """The confirmation's fields: what was previewed."""
    when = timezone.localtime(publish_at).replace(tzinfo=None).isoformat()
    return [
        *(("units", u) for u in chosen),
        *(("confirm", u) for u in confirmed),
        ("version", version),
        ("publish_at", when),
    ]
