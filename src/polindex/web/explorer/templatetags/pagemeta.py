"""What a page says about itself to sharing cards and search engines (``{% load pagemeta %}``):
the text of one of its blocks again (the title in ``og:title``), and its address in full.

A block can be defined only once in a Django template; ``{% block_text "title" %}`` renders the
page's ``title`` block a second time, as plain text fit for an attribute."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.conf import settings
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


def plain(rendered: str) -> SafeString:
    """``rendered`` HTML as one line of escaped text: tags dropped, entities read, spaces folded.

    Examples
    --------
    >>> plain('Compare — <b>"A" &amp; B</b>\\n  2024')
    'Compare — &quot;A&quot; &amp; B 2024'
    """
    text = " ".join(html.unescape(strip_tags(rendered)).split())
    return escape(text)


@register.simple_tag(takes_context=True)
def block_text(context: Any, name: str) -> SafeString:
    """The page's block ``name`` (as its most derived template wrote it) as plain text, or ""
    where the page has no such block.

    Example (in ``base.html``, after ``<title>{% block title %}…{% endblock %}</title>``)::

        <meta property="og:title" content="{% block_text 'title' %}">
    """
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block(name) if blocks is not None else None
    if block is None:
        return SafeString("")
    with context.push():
        context["block"] = block
        return plain(block.nodelist.render(context))


@register.simple_tag(takes_context=True)
def page_url(context: Any) -> str:
    """This page's address in full (scheme, host, path and query), from the request; "" when
    rendered without one (a server error page).

    Example::

        <meta property="og:url" content="{% page_url %}">
    """
    request = context.get("request")
    return request.build_absolute_uri() if request is not None else ""


@register.simple_tag
def language_root() -> str:
    """The explorer's root in the active language (``/`` in the default one, ``/fr/`` in
    French), without the URL resolver: error pages are rendered without a request.

    >>> from django.utils import translation
    >>> with translation.override("fr"):
    ...     language_root()
    '/fr/'
    """
    lang = get_language() or settings.LANGUAGE_CODE
    return "/" if lang == settings.LANGUAGE_CODE else f"/{lang}/"
