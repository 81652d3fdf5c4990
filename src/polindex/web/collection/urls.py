from __future__ import annotations

from django.urls import path

from polindex.web.collection import views

app_name = "collection"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:code>/<str:unit>/", views.country, name="country"),
    path("<slug:code>/<str:unit>/<str:indicator>/", views.answer, name="answer"),
]
