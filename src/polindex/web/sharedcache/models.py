"""The tables of the database cache, created by migrations wherever ``migrate`` runs.

Their columns are those ``createcachetable`` makes for Django's ``DatabaseCache``; as models,
they exist in every database Polindex migrates (the demo, ``polindex serve``, tests, production)
without a separate step, and a test's rollback or flush empties them with everything else.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        abstract = True


class CacheEntry(Entry):
    """A row of the ``default`` cache: sign-in counters and other small values."""

    class Meta:
        db_table = "polindex_cache"
        verbose_name = _("cache entry")
        verbose_name_plural = _("cache entries")


class PageCacheEntry(Entry):
    """A row of the ``pages`` cache: rendered public responses (bounded apart from counters,
    so that many pages can never push a counter out)."""

    class Meta:
        db_table = "polindex_page_cache"
        verbose_name = _("page cache entry")
        verbose_name_plural = _("page cache entries")
