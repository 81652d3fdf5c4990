from __future__ import annotations

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "polindex.web.outcomes"
    label = "outcomes"
    verbose_name = "Outcome indicators"
    default_auto_field = "django.db.models.BigAutoField"
