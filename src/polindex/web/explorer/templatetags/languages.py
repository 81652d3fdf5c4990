"""``{% page_languages as languages %}``: the page asked for in every language of the site (see
:func:`polindex.web.languages.alternates`), for the language links and ``hreflang``."""

from __future__ import annotations

from typing import Any

from django import template

from polindex.web.languages import Alternate, alternates

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context: Any) -> list[Alternate]:
    """Every language's address of the page being rendered (none without a request or for a
    page whose address has no language)."""
    request = context.get("request")
    return alternates(request) if request is not None else []
