from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "polindex.web.feedback"
    label = "feedback"
    verbose_name = _("Suggested corrections")
    default_auto_field = "django.db.models.BigAutoField"
