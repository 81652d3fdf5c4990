"""The questions of an edition: each one's area, type and option codes, and which answers fit.

An edition's framework (tens of kB of JSON) never changes once the edition is open, so these
facts are read once per process and kept; a draft edition's, whose framework may still be
replaced, are read every time. Saves and permission checks use them without reading the
framework again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import get_language

from polindex.framework.guidance import Notes, notes_in
from polindex.framework.models import Indicator, Node
from polindex.web.collection.models import Edition

BOOLEAN = ("yes", "no")  # a yes/no question's answers


@dataclass(frozen=True)
class Question:
    """What the workspace needs to know of one question (an indicator of the framework)."""

    code: str
    area: str  # the top-level area (child of the root) it belongs to
    type: str  # categorical, numeric or boolean
    options: tuple[str, ...] = ()  # the option codes, in order

    def problem(self, value: str) -> str:
        """Why ``value`` cannot be this question's answer (``""`` when it can): one of its
        options; ``yes`` or ``no`` for a yes/no question without options; a number for a
        numeric one.

        >>> q = Question("LMM1", "LMM", "categorical", ("a", "b"))
        >>> q.problem("b"), q.problem("=HYPERLINK()")
        ('', "'=HYPERLINK()' is not an option of LMM1: a, b")
        >>> Question("N1", "N", "numeric").problem("2.5")
        ''
        """
        if self.options or self.type == "categorical":
            if value not in self.options:
                return f"{value!r} is not an option of {self.code}: {', '.join(self.options)}"
            return ""
        if self.type == "boolean":
            return "" if value in BOOLEAN else f"{value!r}: answer {self.code} with yes or no"
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        return "" if math.isfinite(number) else f"{value!r}: {self.code} is answered with a number"


_KEPT: dict[tuple[int, str], dict[str, Question]] = {}


def questions(edition: Edition) -> dict[str, Question]:
    """The questions of ``edition`` by code, in questionnaire order."""
    key = (edition.pk, edition.code)
    if key in _KEPT:
        return _KEPT[key]
    found: dict[str, Question] = {}
    root = edition.definition.framework.root
    for area in root.children:
        for item, _, _ in area.walk() if isinstance(area, Node) else [(area, None, 0)]:
            if isinstance(item, Indicator):
                codes = tuple(o.code for o in item.options)
                found[item.code] = Question(item.code, area.code, item.type, codes)
    if edition.state != Edition.State.DRAFT:
        _KEPT[key] = found
    return found


def area_of(edition: Edition, indicator: str) -> str:
    """The top-level area (child of the root) an indicator belongs to (``""`` for none)."""
    question = questions(edition).get(indicator)
    return question.area if question else ""


def label(edition: Edition, code: str) -> str:
    """The label of the framework's node ``code`` (an area, say) in the request's language
    (the framework's one fallback rule) — else its code."""
    return edition.definition.framework.labels(get_language()).get(code, code)


def text(edition: Edition, item: Indicator) -> str:
    """An indicator's question (else its label) in the request's language."""
    fw = edition.definition.framework
    return fw.text(item.question, get_language()) or fw.label(item, get_language())


def option_labels(edition: Edition, item: Indicator) -> dict[str, str]:
    """Each option code of ``item`` → its label in the request's language."""
    fw = edition.definition.framework
    return {o.code: fw.label(o, get_language()) for o in item.options}


def notes(edition: Edition, item: Indicator) -> Notes | None:
    """The question's guidance notes (how to answer, examples, legal definitions) in the
    request's language, each text by the framework's one fallback rule; ``None``: it has none."""
    return notes_in(edition.definition.framework, item, get_language())
