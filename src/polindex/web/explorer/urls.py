from __future__ import annotations

from django.urls import path, register_converter

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
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("assets/vega-embed.js", views.vega_bundle, name="vega"),
    path("<str:index>/<str:version>/", views.release, name="release"),
    path("<str:index>/<str:version>/download/<str:fmt>", views.download, name="download"),
    path("<str:index>/<str:version>/compare/", views.compare, name="compare"),
    path("<str:index>/<str:version>/methodology/", views.methodology, name="methodology"),
    path("<str:index>/<str:version>/robustness/", views.robustness, name="robustness"),
    path("<str:index>/<str:version>/node/<str:code>/", views.node, name="node"),
    path(CHART + "robustness.<chartfmt:fmt>", views.chart_robustness, name="chart-robustness"),
    path(CHART + "series/<str:unit>.<chartfmt:fmt>", views.chart_series, name="chart-series"),
    path(
        CHART + "ranking/<str:node>/<str:period>.<chartfmt:fmt>",
        views.chart_ranking,
        name="chart-ranking",
    ),
    path(
        CHART + "compare/<str:period>/<str:units>.<chartfmt:fmt>",
        views.chart_compare,
        name="chart-compare",
    ),
    path("<str:index>/<str:version>/<path:unit>/", views.unit, name="unit"),
]
