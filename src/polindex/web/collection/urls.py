from __future__ import annotations

from django.urls import path

from polindex.web.collection import views

app_name = "collection"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    # the central team's people pages (before the edition's: "people" is no edition)
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/invite/", views.reinvite, name="reinvite"),
    path("invitations/<int:pk>/<slug:action>/", views.invitation_step, name="invitation_step"),
    path("<slug:code>/invite/", views.invite, name="invite"),
    path("<slug:code>/invite/confirm/", views.invite_confirm, name="invite_confirm"),
    path("<slug:code>/agreement/", views.agreement, name="agreement"),
    path("<slug:code>/answers.csv", views.answers_csv, name="answers_csv"),
    path("<slug:code>/score/", views.score, name="score"),
    path("<slug:code>/<str:unit>/", views.country, name="country"),
    path("<slug:code>/<str:unit>/questionnaire.xlsx", views.download, name="download"),
    path("<slug:code>/<str:unit>/upload/", views.upload, name="upload"),
    path("<slug:code>/<str:unit>/read/", views.read, name="read"),
    path("<slug:code>/<str:unit>/steps/<slug:action>/", views.step, name="step"),
    path("<slug:code>/<str:unit>/<str:indicator>/", views.answer, name="answer"),
]
