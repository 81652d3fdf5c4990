from __future__ import annotations

from django.contrib import admin

from polindex.web.releases.models import Index, Release


@admin.register(Index)
class IndexAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("index", "version", "publish_at", "checksum")
    readonly_fields = [f.name for f in Release._meta.fields]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
