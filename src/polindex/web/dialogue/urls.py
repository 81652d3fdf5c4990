"""The dialogue tools' pages, under a release's address in every language (included by the
explorer's URL map before its country catch-all)."""

from __future__ import annotations

from django.urls import URLPattern

from polindex.web.dialogue import whatif_urls

app_name = "dialogue"

urlpatterns: list[URLPattern] = []
urlpatterns += whatif_urls.urlpatterns  # what-if and goal seeking
