"""The what-if and goal pages' addresses (added to :mod:`polindex.web.dialogue.urls`)."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from polindex.web.dialogue import goal_views, whatif_views

urlpatterns: list[URLPattern] = [
    path("what-if/", require_safe(whatif_views.whatif_choose), name="whatif-choose"),
    path("what-if/<str:unit>/", require_safe(whatif_views.whatif), name="whatif"),
    path("goal/<str:unit>/", require_safe(goal_views.goal), name="goal"),
]
