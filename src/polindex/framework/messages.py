"""Validation errors in the project's words: pydantic's error types mapped to one-line messages,
and "did you mean …?" for a misspelt key, value, method or step."""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from polindex.errors import plural
from polindex.framework.models import CODE_PATTERN, UNIT_CODE_PATTERN

PAIRS = {
    "bounds": "bounds take two numbers, [lowest, highest]",
    "goalposts": "goalposts take two numbers, [worst, best]",
    "range": "a range takes two numbers, [low, high]",
}
"""Fields holding two numbers, and what to say when they do not."""


def did_you_mean(value: Any, choices: Iterable[Any]) -> str:
    """``"; did you mean 'x'?"`` for the choice closest to ``value``, or ``""``.

    Examples
    --------
    >>> did_you_mean("boolan", ["categorical", "numeric", "boolean"])
    "; did you mean 'boolean'?"
    >>> did_you_mean("higher", ["higher_is_better", "lower_is_better"])
    "; did you mean 'higher_is_better'?"
    >>> did_you_mean("xyz", ["mean", "median"])
    ''
    """
    by_text = {str(c): c for c in choices}
    text = str(value)
    close = difflib.get_close_matches(text, list(by_text), n=1)
    if not close:  # an abbreviation: the one choice that starts with it
        starts = [c for c in by_text if text and c.lower().startswith(text.lower())]
        close = starts if len(starts) == 1 else []
    return f"; did you mean {by_text[close[0]]!r}?" if close else ""


def unknown(what: str, value: Any, choices: Iterable[Any]) -> str:
    """``unknown <what> 'x'; one of: a, b[; did you mean 'a'?]``.

    Examples
    --------
    >>> unknown("method", "geometrc", ["arithmetic", "geometric"])
    "unknown method 'geometrc'; one of: arithmetic, geometric; did you mean 'geometric'?"
    """
    options = list(choices)
    listed = ", ".join(str(c) for c in options)
    return f"unknown {what} {value!r}; one of: {listed}{did_you_mean(value, options)}"


def _expected(text: str) -> list[Any]:
    """The values of pydantic's ``"'a', 'b' or 'c'"`` (or ``"1 or -1"``)."""
    parts = re.split(r", | or ", text)
    try:
        return [ast.literal_eval(p) for p in parts]
    except (ValueError, SyntaxError):
        return parts


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _got(err: ErrorDetails) -> str:
    value = err.get("input")
    if err["type"] == "string_too_long" and isinstance(value, str):
        return f" (got {len(value):,})"  # a long text itself would bury the message
    return f" (got {value!r})" if "input" in err and not isinstance(value, dict) else ""


def plain(err: ErrorDetails) -> str:
    """One pydantic validation error as a message of this project: what is wrong, in words,
    with the value given (its path and line are the caller's).

    Examples
    --------
    >>> from pydantic import ValidationError
    >>> from polindex.framework.models import Indicator
    >>> try:
    ...     Indicator.model_validate({"code": "q1", "type": "boolan", "bounds": [0, 5, 10]})
    ... except ValidationError as exc:
    ...     print("\\n".join(plain(e) for e in exc.errors()))
    'boolan' is not one of: categorical, numeric, boolean; did you mean 'boolean'?
    bounds take two numbers, [lowest, highest] (got [0, 5, 10])
    """
    kind = err["type"]
    loc = err["loc"]
    ctx = err.get("ctx", {})
    field = str(loc[-1]) if loc else ""
    if field in PAIRS and kind in ("too_long", "too_short", "tuple_type", "list_type"):
        return PAIRS[field] + _got(err)
    if len(loc) > 1 and str(loc[-2]) in PAIRS and kind == "missing":  # [0]: the second is missing
        return PAIRS[str(loc[-2])] + _got(err)
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return f"unknown key {field!r}"
    if kind == "literal_error":
        allowed = _expected(str(ctx.get("expected", "")))
        if len(allowed) == 1:
            return f"must be {allowed[0]!r}" + _got(err)
        listed = ", ".join(str(a) for a in allowed)
        return f"{err.get('input')!r} is not one of: {listed}" + did_you_mean(
            err.get("input"), allowed
        )
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == CODE_PATTERN:
        code = "a code starts with a letter, followed by letters, digits, '_', '.' or '-'"
        return code + _got(err)
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == UNIT_CODE_PATTERN:
        return "a unit code is at most 64 characters, without '/'" + _got(err)
    if kind == "string_pattern_mismatch" and field == "colour":
        return "a colour is written #rrggbb, e.g. #1f77b4" + _got(err)
    messages = {
        "float_parsing": "must be a number",
        "float_type": "must be a number",
        "finite_number": "must be a finite number",
        "int_parsing": "must be a whole number",
        "int_type": "must be a whole number",
        "int_from_float": "must be a whole number",
        "bool_parsing": "must be true or false",
        "bool_type": "must be true or false",
        "string_type": "must be text",
        "dict_type": "must be a mapping (key: value pairs)",
        "model_type": "must be a mapping (key: value pairs)",
        "tuple_type": "must be a list",
        "list_type": "must be a list",
        "greater_than_equal": f"must be at least {_number(ctx.get('ge'))}",
        "greater_than": f"must be above {_number(ctx.get('gt'))}",
        "less_than_equal": f"must be at most {_number(ctx.get('le'))}",
        "less_than": f"must be below {_number(ctx.get('lt'))}",
        "too_long": f"takes at most {plural(ctx.get('max_length', 0), 'item')}",
        "too_short": f"takes at least {plural(ctx.get('min_length', 0), 'item')}",
        "string_too_long": f"takes at most {plural(ctx.get('max_length', 0), 'character')}",
        "string_too_short": f"takes at least {plural(ctx.get('min_length', 0), 'character')}",
    }
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind in messages:
        return messages[kind] + _got(err)
    msg = str(err["msg"]).removeprefix("Value error, ")
    return msg if kind == "value_error" else msg + _got(err)


def explain(exc: ValidationError) -> list[tuple[tuple[int | str, ...], str, ErrorDetails]]:
    """Each error of ``exc`` once, as (location, :func:`plain` message, the error): a pair of
    numbers given too few is one problem at the pair, not one per missing number.

    Examples
    --------
    >>> from polindex.framework.models import Indicator
    >>> try:
    ...     Indicator.model_validate({"code": "q1", "type": "numeric", "goalposts": []})
    ... except ValidationError as exc:
    ...     print(explain(exc)[0][:2])
    (('goalposts',), 'goalposts take two numbers, [worst, best] (got [])')
    """
    out: list[tuple[tuple[int | str, ...], str, ErrorDetails]] = []
    seen: set[tuple[tuple[int | str, ...], str]] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        message = plain(err)
        if len(loc) > 1 and str(loc[-2]) in PAIRS and err["type"] == "missing":
            loc = loc[:-1]
        if loc and loc[-1] == "[key]":  # a mapping's key: the path names the key itself
            loc = loc[:-1]
        if (loc, message) not in seen:
            seen.add((loc, message))
            out.append((loc, message, err))
    return out
