"""The suggestion form of a release, under its address in every language (included by the
explorer's URL map before its country catch-all; whole patterns, so that each names its
parameters)."""

from __future__ import annotations

from django.urls import path

from polindex.web.feedback import views

app_name = "feedback"

urlpatterns = [
    path("<str:index>/<str:version>/feedback/", views.suggest, name="suggest"),
    path("<str:index>/<str:version>/feedback/thanks/", views.thanks, name="thanks"),
]
