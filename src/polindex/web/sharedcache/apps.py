from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharedCacheConfig(AppConfig):
    name = "polindex.web.sharedcache"
    label = "sharedcache"
    verbose_name = _("Shared cache")
