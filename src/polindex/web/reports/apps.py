from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "polindex.web.reports"
    label = "reports"
    verbose_name = "Country reports"
