"""The country report's addresses: its page, its PDF, and the ZIP of every country's PDF —
each for the releases the visitor may see (:mod:`polindex.web.releases.visibility`)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from polindex.web.releases import stored
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_release_or_404
from polindex.web.reports import content, store
from polindex.web.reports.tasks import build_reports


def _release(request: HttpRequest, index: str, version: str) -> Release:
    return visible_release_or_404(request.user, index, version)


def _lang() -> str:
    return get_language() or settings.LANGUAGE_CODE


def report(request: HttpRequest, index: str, version: str, unit: str) -> HttpResponse:
    """A unit's report as a page (the PDF's content, charts as SVG images)."""
    r = _release(request, index, version)
    try:
        found = content.build(r, unit, _lang())
    except content.NoReportError:
        raise Http404("no such unit in this release") from None
    return render(request, "reports/report.html", found.context)


def report_pdf(request: HttpRequest, index: str, version: str, unit: str) -> HttpResponse:
    """A unit's report as a PDF: made on the first request, then served from the kept file."""
    r = _release(request, index, version)
    if not r.scores.filter(unit=unit).exists():
        raise Http404("no such unit in this release")
    return store.pdf_response(request, r, unit, _lang())


def _queued() -> bool:
    """Whether tasks run in the background (``POLINDEX_TASKS=database``), not in the request."""
    return not str(settings.TASKS["default"]["BACKEND"]).endswith("ImmediateBackend")


def reports_zip(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """Every unit's report in one ZIP, once it has been made; a visitor never waits for it (a
    minute or two for fifty countries): until then a page saying so (202 Accepted, with
    ``Retry-After``), and, where tasks run in the background, the task started (once per ten
    minutes); elsewhere the central team makes them from the admin."""
    r = _release(request, index, version)
    lang = _lang()
    if not r.scores.exists():
        raise Http404("this release has no scores")
    if store.zip_ready(r, lang):
        return store.zip_response(request, r, lang)
    queued = _queued()
    if queued and cache.add(f"reports-queued-{stored.key(r, lang)}", True, 600):
        build_reports.enqueue(r.pk)
    context = {"release": r, "queued": queued}
    answer = render(request, "reports/preparing.html", context, status=202)
    answer["Retry-After"] = "120"
    answer["Cache-Control"] = "no-store"
    return answer
