"""The public explorer's pages, each at one address per language (under ``i18n_patterns``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, include, path, register_converter
from django.views.decorators.http import require_safe

from polindex.web.collection.credits import credits
from polindex.web.explorer import charts, views


class ChartFormat:
    regex = "|".join(charts.FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ChartFormat, "chartfmt")
CHART = "<str:index>/<str:version>/chart/"

app_name = "explorer"


def page(route: str, view: Callable[..., HttpResponse], name: str) -> URLPattern:
    """A public page: it only reads, so GET and HEAD (anything else is a 405)."""
    return path(route, require_safe(view), name=name)


urlpatterns: list[URLPattern | URLResolver] = [
    page("", views.home, "home"),
    page("search/", views.search, "search"),
    page("<str:index>/", views.latest, "latest"),
    page("<str:index>/<str:version>/", views.release, "release"),
    # the country reports (and their ZIP): before the downloads and the country catch-all
    path("<str:index>/<str:version>/", include("polindex.web.reports.urls")),
    page("<str:index>/<str:version>/download/<str:fmt>", views.download, "download"),
    page("<str:index>/<str:version>/compare/", views.compare, "compare"),
    page("<str:index>/<str:version>/methodology/", views.methodology, "methodology"),
    page("<str:index>/<str:version>/robustness/", views.robustness, "robustness"),
    page("<str:index>/<str:version>/node/<str:code>/", views.node, "node"),
    page("<str:index>/<str:version>/credits/", credits, "credits"),
    page(CHART + "robustness.<chartfmt:fmt>", views.chart_robustness, "chart-robustness"),
    page(CHART + "series/<str:unit>.<chartfmt:fmt>", views.chart_series, "chart-series"),
    page(
        CHART + "ranking/<str:node>/<str:period>.<chartfmt:fmt>",
        views.chart_ranking,
        "chart-ranking",
    ),
    page(
        CHART + "compare/<str:period>/<str:units>.<chartfmt:fmt>",
        views.chart_compare,
        "chart-compare",
    ),
    page(CHART + "trend/<str:node>/<str:units>.<chartfmt:fmt>", views.chart_trend, "chart-trend"),
    page(CHART + "areas/<str:unit>/<str:period>.<chartfmt:fmt>", views.chart_areas, "chart-areas"),
    page(
        CHART + "area-series/<str:unit>.<chartfmt:fmt>",
        views.chart_area_series,
        "chart-area-series",
    ),
    # the dialogue tools (what-if, goals, ...): before the country catch-all
    path("<str:index>/<str:version>/", include("polindex.web.dialogue.urls")),
    # suggest a correction: the one public form that posts (polindex.web.feedback)
    path("", include("polindex.web.feedback.urls")),
    # a policy node against an outcome indicator (polindex.web.outcomes)
    path("", include("polindex.web.outcomes.urls")),
    page("<str:index>/<str:version>/<path:unit>/", views.unit, "unit"),
]
