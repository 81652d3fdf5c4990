"""``{% load whatif %}``: ``{% if release|simulable %}`` — whether a release's what-if and goal
pages can answer (see :func:`polindex.web.dialogue.whatif_figures.simulable`)."""

from __future__ import annotations

from django import template

from polindex.web.dialogue.whatif_figures import simulable as _simulable
from polindex.web.releases.models import Release

register = template.Library()


@register.filter
def simulable(release: Release) -> bool:
    """Whether ``release`` can be simulated."""
    return _simulable(release)
