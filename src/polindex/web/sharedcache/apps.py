from __future__ import annotations

from django.apps import AppConfig


class SharedCacheConfig(AppConfig):
    name = "polindex.web.sharedcache"
    label = "sharedcache"
    verbose_name = "Shared cache"
