from __future__ import annotations

from django.urls import path

from polindex.web.collection import views

app_name = "collection"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<slug:code>/agreement/", views.agreement, name="agreement"),
    path("<slug:code>/answers.csv", views.answers_csv, name="answers_csv"),
    path("<slug:code>/progress/", views.edition_progress, name="progress"),
    path("<slug:code>/progress.<str:fmt>", views.progress_export, name="progress_export"),
    path("<slug:code>/assign/", views.assign_person, name="assign"),
    path("<slug:code>/remind/", views.remind, name="remind"),
    path("<slug:code>/<str:unit>/", views.country, name="country"),
    path("<slug:code>/<str:unit>/questionnaire.xlsx", views.download, name="download"),
    path("<slug:code>/<str:unit>/upload/", views.upload, name="upload"),
    path("<slug:code>/<str:unit>/read/", views.read, name="read"),
    path("<slug:code>/<str:unit>/steps/<slug:action>/", views.step, name="step"),
    path("<slug:code>/<str:unit>/<str:indicator>/", views.answer, name="answer"),
]
