from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "polindex.web.outcomes"
    label = "outcomes"
    verbose_name = _("Outcome indicators")
    default_auto_field = "django.db.models.BigAutoField"
