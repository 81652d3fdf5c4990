"""The outcome-linkage page of a release, in every language (included by the explorer's URL map
before its country catch-all)."""

from __future__ import annotations

from django.urls import path

from polindex.web.outcomes import views

app_name = "outcomes"

urlpatterns = [path("<str:index>/<str:version>/outcomes/", views.outcomes, name="outcomes")]
