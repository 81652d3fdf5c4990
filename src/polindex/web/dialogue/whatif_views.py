"""The what-if simulator's pages: choose a country, change any of its answers in a plain GET
form, and see every node's new score, rank, band and change beside the official figures. The
changes live in the address (``?LMM1=a&FAM3=n/a``), so a what-if is a link to share; the
release's own data only, visible releases only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext

from polindex.analysis.answers import ChangeError
from polindex.analysis.whatif import Simulator
from polindex.framework.units import fold
from polindex.web.dialogue import whatif_figures as figures
from polindex.web.dialogue import whatif_html
from polindex.web.explorer.display import Reading
from polindex.web.explorer.views import _page
from polindex.web.releases.models import Release


def whatif_url(
    release: Release, unit: str, changes: dict[str, str] | None = None, interval: bool = False
) -> str:
    """The address of a what-if of ``unit`` with ``changes`` (indicator → answer text) and, with
    ``interval``, its rank interval recomputed (``interval=1``, decision 050).

    Example (with Django set up and a release ``release`` at hand)::

        r = Release.objects.get(index__code="SYNTH", version="demo")
        whatif_url(r, "Synthetic-A", {"W1": "a"})
        # '/SYNTH/demo/what-if/Synthetic-A/?W1=a'
    """
    url = reverse("explorer:dialogue:whatif", args=[release.index.code, release.version, unit])
    pairs = [*(changes or {}).items(), *([(figures.INTERVAL, "1")] if interval else [])]
    return f"{url}?{urlencode(pairs)}" if pairs else url


def _units(release: Release, reading: Reading, units: list[str]) -> list[tuple[str, str]]:
    """The release's units (code, name), countries first, by name."""
    return sorted(
        ((u, reading.name(u)) for u in units),
        key=lambda p: (not reading.units[p[0]].ranked, fold(p[1])),
    )


def not_simulable(request: HttpRequest, release: Release, reason: str) -> HttpResponse:
    """The page that says why ``release`` cannot be simulated (404)."""
    context = {**_page(request, release, gettext("What if?")), "reason": reason}
    return render(request, "dialogue/not_simulable.html", context, status=404)


def opened(
    request: HttpRequest, index: str, version: str, unit: str | None = None
) -> tuple[Release, Simulator, Reading] | HttpResponse:
    """The release (if the user may see it), its simulator and how it reads in the request's
    language — or the page saying why it cannot be simulated; 404 for an unknown ``unit``."""
    release = figures.release_of(request, index, version)
    try:
        sim = figures.simulation(release, unit)
    except figures.CannotSimulateError as exc:
        return not_simulable(request, release, str(exc))
    return release, sim, Reading(release, get_language())


def whatif_choose(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """Choose the country to simulate (``?unit=CODE`` goes to its what-if page)."""
    found = opened(request, index, version)
    if isinstance(found, HttpResponse):
        return found
    release, sim, reading = found
    asked = request.GET.get("unit", "")
    if asked in sim.dataset.units:
        return HttpResponseRedirect(whatif_url(release, asked))
    notices = []
    if asked:
        notices.append(gettext("There is no country “%(unit)s” in this release.") % {"unit": asked})
    context = {
        **_page(request, release, gettext("What if?")),
        **reading.context(),
        "units": _units(release, reading, list(sim.dataset.units)),
        "notices": notices,
    }
    return render(request, "dialogue/whatif_choose.html", context, status=404 if asked else 200)


def whatif(request: HttpRequest, index: str, version: str, unit: str) -> HttpResponse:
    """A country's what-if: the form with every question (its official answer, the new one),
    and — when the address changes some — every node's official and new figures side by side,
    the answers that moved, the consequences, the rank interval as published, and links to
    reset and share. Answers equal to the official ones are dropped from the address."""
    found = opened(request, index, version, unit)
    if isinstance(found, HttpResponse):
        return found
    release, sim, reading = found
    lang = reading.lang
    known = figures.tree(release, lang)
    names = known.names
    status = 200
    problems = figures.Problems()
    asked: dict[str, str] = {}
    try:
        asked = figures.changes_from(
            figures.query_pairs(request.GET), sim, len(request.META.get("QUERY_STRING", ""))
        )
    except figures.TooLongError:
        status = 414
        problems.general.append(
            gettext("This address is longer than any what-if of this index needs: start again.")
        )
    kept, found = figures.check_changes(sim, unit, asked, names)
    problems.fields.update(found.fields)
    problems.general.extend(found.general)
    replays = figures.replays_interval(release, sim)
    interval = replays and figures.wants_interval(request.GET)
    out = None
    if not problems:
        try:
            out = sim.simulate(unit, kept, intervals=interval)
        except ChangeError as exc:
            problems.general.extend(exc.problems)
    normal = "1" if interval else None  # (asked where the release can recompute it)
    if out is not None and (out.query() != asked or request.GET.get(figures.INTERVAL) != normal):
        # the address says only what changes
        return HttpResponseRedirect(whatif_url(release, unit, out.query(), interval))
    if problems and status == 200:
        status = 400
    shown = sim.answers(unit)
    if out is not None:
        shown.update({after.indicator: after for _, after in out.changes})
    name = reading.name(unit)
    if out is None:
        out = sim.simulate(unit, {}, intervals=False)
    changed = figures.changed_answers(out, sim, lang) if out.changes else []
    groups = [r for r in figures.node_rows(out, reading, known) if not r["is_indicator"]]
    has_change = any(r["change"] is not None or r["new_change"] is not None for r in groups)
    context = {
        **_page(request, release, gettext("What if? — %(name)s") % {"name": name}),
        **reading.context(),
        "unit": unit,
        "name": name,
        "period": out.period,
        "areas": whatif_html.form(release, sim, unit, lang, shown, problems, asked),
        "changed": changed,
        "consequences": list(out.notes),
        "groups": groups,
        "group_rows": whatif_html.rows_html(
            groups, bool(changed), reading.has_bands, reading.decimals, known.urls, has_change
        ),
        "has_change": has_change,
        "problems": problems.lines(names),
        "interval": figures.interval_figures(release, out),
        "replays": replays,
        "built": sim.mode == "built",
        "interval_url": whatif_url(release, unit, out.query(), True),
        "no_interval_url": whatif_url(release, unit, out.query()),
        "reset_url": whatif_url(release, unit),
        "goal_url": reverse("explorer:dialogue:goal", args=[index, version, unit]),
        "profile_url": reverse("explorer:unit", args=[index, version, unit]),
        "api_url": _api_url(release, unit, out.query()),
        "lower_is_better": not reading.framework.higher_is_better,
    }
    if context["interval"] is not None:
        context["interval"]["label"] = names.get(context["interval"]["node"] or "", "")
    return render(request, "dialogue/whatif.html", context, status=status)


def _api_url(release: Release, unit: str, changes: dict[str, str]) -> str:
    """The API address of the same what-if."""
    url = reverse(
        "api:whatif", kwargs={"index": release.index.code, "version": release.version, "unit": unit}
    )
    pairs = [("change", f"{code}:{value}") for code, value in changes.items()]
    return f"{url}?{urlencode(pairs)}" if pairs else url


__all__ = ["not_simulable", "opened", "whatif", "whatif_choose", "whatif_url"]
