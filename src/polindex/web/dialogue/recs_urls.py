"""The addresses of the recommendations and typology pages (under ``/INDEX/VERSION/``)."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from polindex.web.dialogue import peer_views, recommendation_views

urlpatterns: list[URLPattern] = [
    path(
        "recommendations/<str:unit>/",
        require_safe(recommendation_views.recommendations_page),
        name="recommendations",
    ),
    path("typology/", require_safe(peer_views.typology_page), name="typology"),
    path(
        "typology/chart.<str:fmt>", require_safe(peer_views.typology_chart), name="typology-chart"
    ),
]
