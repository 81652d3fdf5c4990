from __future__ import annotations

from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "polindex.web.collection"
    label = "collection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from polindex.web.collection import permissions  # noqa: F401  (registers the rules)
