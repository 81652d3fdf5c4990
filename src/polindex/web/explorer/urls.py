from __future__ import annotations

from django.urls import path

from polindex.web.explorer import views

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
    path("<str:index>/<str:version>/embed/series/<path:unit>/", views.embed_series, name="embed"),
    path("<str:index>/<str:version>/data/series/<path:unit>.csv", views.series_csv, name="series"),
    path("<str:index>/<str:version>/<path:unit>/", views.unit, name="unit"),
]
