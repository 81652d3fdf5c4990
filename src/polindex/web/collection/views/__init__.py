"""The workspace: plain function views, one module per page or group of pages; each asks
:mod:`..permissions` before anything (through :func:`.access.country_of`)."""

from polindex.web.collection.views.answer import answer
from polindex.web.collection.views.central import agreement, answers_csv
from polindex.web.collection.views.country import country, read
from polindex.web.collection.views.dashboard import dashboard
from polindex.web.collection.views.invitation import invitation
from polindex.web.collection.views.offline import download, upload
from polindex.web.collection.views.people import (
    invitation_step,
    invite,
    invite_confirm,
    people,
    person,
    reinvite,
)
from polindex.web.collection.views.score import score
from polindex.web.collection.views.steps import step

__all__ = [
    "agreement", "answer", "answers_csv", "country", "dashboard", "download", "invitation",
    "invitation_step", "invite", "invite_confirm", "people", "person", "read", "reinvite", "score",
    "step", "upload",
]  # fmt: skip
