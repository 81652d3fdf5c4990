"""URL map: the explorer at the root, the API under ``/api/v1/``, the admin for the central team."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language

from polindex.web.api.endpoints import api
from polindex.web.collection.login import ThrottledLoginView
from polindex.web.explorer.robots import robots_txt
from polindex.web.explorer.sitemaps import Pages

admin.site.site_header = admin.site.site_title = "Polindex — central team"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("work/", include("polindex.web.collection.urls")),
    path("robots.txt", require_safe(robots_txt), name="robots"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": {"pages": Pages}}, name="sitemap"),
    # switching language only sets a cookie; without a CSRF token in the form, pages stay
    # identical for every visitor and can be cached
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("", include("polindex.web.explorer.urls")),
]
