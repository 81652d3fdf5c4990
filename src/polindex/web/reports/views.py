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
from polindex.web.releases.visibility import visible_releases
from polindex.web.reports import content, store
from polindex.web.reports.tasks import build_reports


def _release(request: HttpRequest, index: str, version: str) -> Release:
    try:
        return visible_releases(request.user).get(index__code=index, version=version)
    except Release.DoesNotExist:
        raise Http404("no such release") from None


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


def reports_zip(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """Every unit's report in one ZIP, once a background task has made it; until then a page
    saying so (503 with ``Retry-After``), and the task started (once per ten minutes)."""
    r = _release(request, index, version)
    lang = _lang()
    if not r.scores.exists():
        raise Http404("this release has no scores")
    queued = f"reports-queued-{stored.key(r, lang)}"
    if not store.zip_ready(r, lang) and cache.add(queued, True, 600):
        build_reports.enqueue(r.pk)
    if store.zip_ready(r, lang):  # (made at once where tasks run at once)
        return store.zip_response(request, r, lang)
    answer = render(request, "reports/preparing.html", {"release": r}, status=503)
    answer["Retry-After"] = "120"
    answer["Cache-Control"] = "no-store"
    return answer
