"""``{% colon %}``: the separator between a label and its value (``Score: 3``) as the page's
language writes it — ``": "`` in English, ``"\u00a0: "`` in French (a non-breaking space before
the colon, from the catalogue): a template that joins a label and a value itself writes this
tag, never a bare ``": "``; ``{% semicolon %}`` likewise between the items of a list."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon() -> str:
    """``": "`` in the active language (a ``msgctxt`` of its own in the catalogue)."""
    return pgettext("between a label and its value", ": ")


@register.simple_tag
def semicolon() -> str:
    """``"; "`` between the items of a list in the active language (French: ``"\u202f; "``)."""
    return pgettext("between the items of a list", "; ")
