"""``{% page_languages as languages %}``: the page asked for in every language of the site (see
:func:`polindex.web.languages.alternates`), for the language links and ``hreflang``;
``{% untranslated_in release as language %}``: the language an index's own texts fall back to."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from polindex.web.languages import Alternate, alternates

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context: Any) -> list[Alternate]:
    """Every language's address of the page being rendered (none without a request or for a
    page whose address has no language)."""
    request = context.get("request")
    return alternates(request) if request is not None else []


@register.simple_tag
def untranslated_in(release: Any) -> str:
    """The language (named in the page's language) an index's own texts are shown in on this
    page when the index does not speak the page's language (IMPIC's labels on a French page:
    "anglais"); "" when it does.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> from django.utils import translation
    >>> release = NS(definition=NS(framework=NS(languages=("en",))))
    >>> with translation.override("fr"):
    ...     untranslated_in(release)
    'anglais'
    """
    from babel import Locale

    languages = release.definition.framework.languages
    page = translation.get_language() or languages[0]
    if page in languages:
        return ""
    return str(Locale.parse(page).languages.get(languages[0], languages[0]))
