"""URL map: the explorer at the root, the API under ``/api/v1/``, the admin for the central team."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from polindex.web.api.endpoints import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("polindex.web.explorer.urls")),
]
