"""URL map: the explorer at the root in English and under ``/fr/`` in French (decision 024), the
API under ``/api/v1/``, the workspace under ``/work/``, the admin for the central team."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from polindex.web import languages
from polindex.web.api.endpoints import api
from polindex.web.collection.login import ThrottledLoginView
from polindex.web.explorer import views
from polindex.web.explorer.robots import robots_txt
from polindex.web.explorer.sitemaps import Pages

# the admin's name in the page's language (decision 054): Django's documented AdminSite
# attributes; its links back to the workspace and the public site are in admin/base_site.html
admin.site.site_header = admin.site.site_title = gettext_lazy("Polindex administration")
admin.site.index_title = gettext_lazy("Editions, releases and people")
admin.site.site_url = None  # (Django's "View site" to "/": replaced by a link in the language)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("work/", include("polindex.web.collection.urls")),
    path("robots.txt", require_safe(robots_txt), name="robots"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": {"pages": Pages}}, name="sitemap"),
    # the workspace's language form (the explorer's language choice is a link to another address)
    path("i18n/setlang/", languages.set_language, name="set_language"),
    # one script for every language
    path("assets/vega-embed.js", require_safe(views.vega_bundle), name="vega-embed"),
    *i18n_patterns(path("", include("polindex.web.explorer.urls")), prefix_default_language=False),
]
