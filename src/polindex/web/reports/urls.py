"""The country reports' addresses under a release, in every language (included by the explorer's
URL map before its download route and its country catch-all)."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from polindex.web.reports import views

urlpatterns: list[URLPattern] = [
    path("download/reports.zip", require_safe(views.reports_zip), name="reports-zip"),
    path("<str:unit>/report/", require_safe(views.report), name="report"),
    path("<str:unit>/report.pdf", require_safe(views.report_pdf), name="report-pdf"),
]
