from __future__ import annotations

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "polindex.web.feedback"
    label = "feedback"
    verbose_name = "Suggested corrections"
    default_auto_field = "django.db.models.BigAutoField"
