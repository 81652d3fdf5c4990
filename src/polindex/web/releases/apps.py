from __future__ import annotations

from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "polindex.web.releases"
    label = "releases"
    verbose_name = "Releases"
