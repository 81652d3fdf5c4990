"""Template filters that show scores and changes with the index's decimals, in the reader's
language (``{% load scores %}``, ``{{ row.score|score:decimals }}``)."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()

MINUS = "\u2212"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _text(number: float, decimals: int) -> str:
    text = number_format(round(number, decimals), decimal_pos=decimals)
    return text.replace("-", MINUS)


@register.filter
def score(value: Any, decimals: Any = 1) -> str:
    """A score with ``decimals`` decimals in the reader's notation; "–" when there is none.

    Examples
    --------
    >>> from django.utils import translation
    >>> with translation.override("fr"):
    ...     score(0.30512, 2), score(None, 2)
    ('0,31', '–')
    """
    number = _number(value)
    if number is None:
        return "–"
    return _text(number, int(decimals))


@register.filter
def change(value: Any, decimals: Any = 1) -> str:
    """A change of score, signed (+0.05, −0.05, 0.00); "–" when there is none.

    Examples
    --------
    >>> change(-0.0512, 2), change(3.0, 1), change(-0.0004, 2)
    ('−0.05', '+3.0', '0.00')
    """
    number = _number(value)
    if number is None:
        return "–"
    places = int(decimals)
    if round(number, places) == 0:
        return _text(0.0, places)
    text = _text(number, places)
    return text if number < 0 else "+" + text
