"""``{% similar_countries as similar %}``: a country's nearest peers, for its profile
(``{% load similar %}``); ``{% can_recommend as yes %}``: whether its recommendations page can
rank changes."""

from __future__ import annotations

import contextlib
from typing import Any

from django import template
from django.utils.translation import get_language

from polindex.errors import PolindexError
from polindex.framework.units import PEERS
from polindex.web.dialogue.peer_learning import Neighbour, RefusedError, levels, neighbours
from polindex.web.dialogue.simulators import NotSimulableError, simulator_of

register = template.Library()


@register.simple_tag(takes_context=True)
def similar_countries(context: Any) -> dict[str, Any]:
    """The countries nearest to the profile's ``unit`` on the scores of the level below the
    index (``near``; the level's name: ``level``) in its ``period`` — none for a unit that is
    not ranked among the countries, an index without areas or a unit without their scores."""
    release, unit = context["release"], context["unit"]
    lang = get_language()
    found: list[Neighbour] = []
    if PEERS[release.unit_table[unit].kind] == 0:  # an EU level is nobody's peer
        with contextlib.suppress(RefusedError):
            found = neighbours(release, unit, lang, period=context.get("period"))
    known = levels(release, lang)
    return {"near": found, "level": known[0][1].lower() if known else ""}


@register.simple_tag(takes_context=True)
def can_recommend(context: Any) -> bool:
    """Whether the release's changes can be ranked one by one: it holds its answers (and, for a
    build, its pipeline's variables, ranked by rebuilding: decision 049)."""
    try:
        simulator_of(context["release"])
    except (NotSimulableError, PolindexError):
        return False
    return True
