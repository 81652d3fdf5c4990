"""The dialogue tools' pages, under a release's address in every language (included by the
explorer's URL map before its country catch-all)."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from polindex.web.dialogue import comparison_views, recs_urls, weights_views, whatif_urls

app_name = "dialogue"

urlpatterns: list[URLPattern] = [
    path("weights/", require_safe(weights_views.weights), name="weights"),
    path("compare-with/", require_safe(comparison_views.choose), name="compare-with-choose"),
    path(
        "compare-with/<str:other>/",
        require_safe(comparison_views.compare_with),
        name="compare-with",
    ),
]
urlpatterns += whatif_urls.urlpatterns  # what-if and goal seeking
urlpatterns += recs_urls.urlpatterns  # recommendations, typology
