"""``{% similar_countries as near %}``: a country's nearest peers, for its profile
(``{% load similar %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from polindex.web.dialogue.peer_learning import Neighbour, RefusedError, neighbours

register = template.Library()


@register.simple_tag(takes_context=True)
def similar_countries(context: Any) -> list[Neighbour]:
    """The countries nearest to the profile's ``unit`` on the area scores of its ``period``
    (none when the release has no areas or the unit no area scores)."""
    try:
        return neighbours(
            context["release"], context["unit"], get_language(), period=context.get("period")
        )
    except RefusedError:
        return []
