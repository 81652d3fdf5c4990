"""A unit's answers and changes to them: what the dialogue tools (what-if, goal seeking,
recommendations) read, check and change.

An :class:`Answer` is one indicator's answer as the engine scores it: an option code, ``true``
or ``false``, a number, ``n/a`` (not applicable) or nothing (missing), with its indicator score.
:func:`read_answer` turns a value a visitor gives into an answer, and :func:`apply_changes`
puts changes into a unit's answers with their consequences: an indicator whose applicability
rule no longer holds becomes N/A, one whose rule now holds applies again without an answer.
Every problem is collected and raised together as a :class:`ChangeError` that names the unit,
the indicator and the value.

How a value is scored depends on what the index reads (:data:`Mode`): ``answers`` — option
codes, booleans and raw numbers scored by the framework's own rules (options, goalposts);
``scored`` — indicator scores already on the index scale; ``built`` — raw numbers that a
construction pipeline normalises later (the number is kept as it is).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from polindex.errors import PolindexError, plural
from polindex.framework.models import Framework, Indicator
from polindex.framework.vocabulary import MISSING_TOKENS, NOT_APPLICABLE_TOKENS
from polindex.io.encode import FALSE_TOKENS, TRUE_TOKENS

Mode = Literal["answers", "scored", "built"]
"""What the index's data are: answers scored by the framework, scores, or raw numbers that a
pipeline normalises."""

NA = "n/a"
"""The text of a *not applicable* answer."""


class ChangeError(PolindexError):
    """Changes that cannot be made (an unknown unit, indicator or option, a number out of
    bounds, an answer where the indicator does not apply): every problem is listed.

    Examples
    --------
    >>> print(ChangeError(["unit 'XX' is not in the data"]))
    1 problem with the changes; nothing was computed:
      unit 'XX' is not in the data
    """

    problems: list[str]

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')} with the changes; nothing was computed:"


@dataclass(frozen=True)
class Answer:
    """One indicator's answer: ``text`` is the option code, ``true``/``false``, the number, ``n/a``
    or ``""`` (missing); ``score`` the indicator score and ``raw`` the value the engine reads
    (NaN when missing or N/A).

    Examples
    --------
    >>> a = Answer("q1", "b", 50.0, 50.0)
    >>> a.answered, Answer("q1", NA).not_applicable, Answer("q1", "").missing
    (True, True, True)
    """

    indicator: str
    text: str
    score: float = math.nan
    raw: float = math.nan

    @property
    def not_applicable(self) -> bool:
        return self.text == NA

    @property
    def missing(self) -> bool:
        return self.text == ""

    @property
    def answered(self) -> bool:
        """An answer that counts (neither missing nor N/A)."""
        return not (self.missing or self.not_applicable)


def number_text(x: float) -> str:
    """A number as an answer's text: whole numbers without ``.0``.

    Examples
    --------
    >>> number_text(12.0), number_text(4.8), number_text(0.25)
    ('12', '4.8', '0.25')
    """
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else number_text(value)
    return str(value).strip()


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def score_number(framework: Framework, ind: Indicator, x: float) -> float:
    """The score of number ``x`` for numeric indicator ``ind``: rescaled between its goalposts
    onto the index scale (truncated; ``direction`` −1 reverses), or ``x`` itself without
    goalposts. The same rule as reading the data (:func:`polindex.io.encode.encode`).

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [{"code": "q",
    ...     "type": "numeric", "goalposts": [0, 24], "direction": -1}]})
    >>> score_number(fw, fw.indicators[0], 6), score_number(fw, fw.indicators[0], 30)
    (75.0, 0.0)
    """
    if ind.goalposts is None:
        return float(x)
    lo, hi = framework.scale.min, framework.scale.max
    g0, g1 = ind.goalposts
    frac = min(max((x - g0) / (g1 - g0), 0.0), 1.0)
    return lo + (1.0 - frac if ind.direction == -1 else frac) * (hi - lo)


def read_answer(framework: Framework, ind: Indicator, value: Any, mode: Mode = "answers") -> Answer:
    """The answer ``value`` gives to indicator ``ind``: an option code, a boolean, a number,
    ``n/a`` or ``None`` (no answer). Raises ``ValueError`` saying why a value cannot be an
    answer (the message names the value, not the unit: :func:`apply_changes` adds that).

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "categorical", "options": [
    ...         {"code": "a", "score": 100}, {"code": "b", "score": 0}]},
    ...     {"code": "q2", "type": "boolean"}]})
    >>> q1, q2 = fw.indicators
    >>> read_answer(fw, q1, "a"), read_answer(fw, q2, "no").score
    (Answer(indicator='q1', text='a', score=100.0, raw=100.0), 0.0)
    >>> read_answer(fw, q1, "z")
    Traceback (most recent call last):
    ...
    ValueError: 'z' is not an answer option of q1 (options: a, b)
    """
    text = _as_text(value)
    lower = text.lower()
    if lower in NOT_APPLICABLE_TOKENS:
        return Answer(ind.code, NA)
    if lower in MISSING_TOKENS:
        return Answer(ind.code, "")
    lo, hi = framework.scale.min, framework.scale.max
    if mode == "scored":
        x = _as_number(value)
        if x is None or not lo <= x <= hi:
            raise ValueError(
                f"{text!r} is not a score of {ind.code} (a number from {lo:g} to {hi:g})"
            )
        return Answer(ind.code, number_text(x), x, x)
    if ind.type == "categorical":
        option = ind.option(text)
        if option is None:
            codes = ", ".join(o.code for o in ind.options)
            raise ValueError(f"{text!r} is not an answer option of {ind.code} (options: {codes})")
        return Answer(ind.code, option.code, option.score, option.score)
    if ind.type == "boolean":
        if lower not in TRUE_TOKENS | FALSE_TOKENS:
            raise ValueError(f"{text!r}: {ind.code} is yes/no (true/false)")
        truth = lower in TRUE_TOKENS
        ts = ind.true_score if ind.true_score is not None else hi
        fs = ind.false_score if ind.false_score is not None else lo
        return Answer(ind.code, "true" if truth else "false", ts if truth else fs, float(truth))
    x = _as_number(value)
    if x is None:
        raise ValueError(f"{text!r} is not a number ({ind.code} is numeric)")
    if ind.bounds is not None and not ind.bounds[0] <= x <= ind.bounds[1]:
        raise ValueError(
            f"{number_text(x)} is outside the bounds of {ind.code} "
            f"({ind.bounds[0]:g} to {ind.bounds[1]:g})"
        )
    if mode == "built":
        return Answer(ind.code, number_text(x), x, x)
    score = score_number(framework, ind, x)
    if ind.goalposts is None and not lo <= score <= hi:
        raise ValueError(
            f"{number_text(x)}: {ind.code} has no goalposts, so its values are scores and must "
            f"lie within the index scale {lo:g}–{hi:g}"
        )
    return Answer(ind.code, number_text(x), score, x)


@dataclass(frozen=True)
class _Facts:
    """What checking changes needs of a framework, looked up once."""

    by_code: dict[str, Indicator]
    groups: frozenset[str]
    ruled: tuple[Indicator, ...]


_FACTS: dict[int, tuple[Framework, _Facts]] = {}


def _facts(framework: Framework) -> _Facts:
    """The lookups of ``framework`` (kept for the last few frameworks seen)."""
    hit = _FACTS.get(id(framework))
    if hit is not None and hit[0] is framework:
        return hit[1]
    indicators = framework.indicators
    facts = _Facts(
        {i.code: i for i in indicators},
        frozenset(n.code for n in framework.nodes),
        tuple(i for i in indicators if i.applicable_if is not None),
    )
    if len(_FACTS) >= 16:
        _FACTS.clear()
    _FACTS[id(framework)] = (framework, facts)
    return facts


def _rule_holds(framework: Framework, ind: Indicator, answers: Mapping[str, Answer]) -> bool:
    """Whether ``ind`` applies given ``answers`` (a missing or N/A answer to the rule's question
    leaves it applicable, as when the data are read)."""
    rule = ind.applicable_if
    if rule is None:
        return True
    ctrl = answers.get(rule.indicator)
    return ctrl is None or not ctrl.answered or rule.applies(ctrl.text)


def apply_changes(
    framework: Framework,
    current: Mapping[str, Answer],
    changes: Mapping[str, Any],
    *,
    mode: Mode = "answers",
    where: str = "",
) -> tuple[dict[str, Answer], list[str]]:
    """``current`` answers (indicator → :class:`Answer`) with ``changes`` (indicator → value,
    or an :class:`Answer` already read) made, and the consequences, one sentence each:
    indicators that no longer apply (their answer is left out) or apply again (without an
    answer). ``where`` (e.g. ``"AT, 2024"``) starts every problem's line.

    Raises :class:`ChangeError` listing every unknown indicator, invalid value and answer given
    where its indicator does not apply.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "d0", "type": "boolean"},
    ...     {"code": "d1", "type": "categorical", "options": [
    ...         {"code": "a", "score": 100}, {"code": "b", "score": 0}],
    ...      "applicable_if": {"indicator": "d0", "in": [True]}}]})
    >>> now = {"d0": Answer("d0", "true", 100.0, 1.0), "d1": Answer("d1", "b", 0.0, 0.0)}
    >>> new, notes = apply_changes(fw, now, {"d0": "no"})
    >>> new["d1"].text, notes
    ('n/a', ["d1 no longer applies (d0 is 'false'): its answer 'b' is left out"])
    >>> apply_changes(fw, now, {"d0": False, "d1": "a", "T": 1}, where="AT, 2024")
    Traceback (most recent call last):
    ...
    polindex.analysis.answers.ChangeError: 2 problems with the changes; nothing was computed:
      AT, 2024: T is a group of the index; its score is computed from its questions: change those
      AT, 2024: d1 = 'a': d1 does not apply where d0 is 'false'; change d0 too, or leave d1 out
    """
    prefix = f"{where}: " if where else ""
    facts = _facts(framework)
    by_code, groups = facts.by_code, facts.groups
    problems: list[str] = []
    new = dict(current)
    given: dict[str, Answer] = {}
    for code, value in changes.items():
        ind = by_code.get(code)
        if ind is None:
            if code in groups:
                problems.append(
                    f"{prefix}{code} is a group of the index; its score is computed from its "
                    "questions: change those"
                )
            else:
                problems.append(f"{prefix}no indicator {code!r} in {framework.code}")
            continue
        if isinstance(value, Answer):
            given[code] = new[code] = value
            continue
        try:
            given[code] = new[code] = read_answer(framework, ind, value, mode)
        except ValueError as exc:
            problems.append(f"{prefix}{exc}")
    notes: list[str] = []
    if mode != "scored":
        for ind in facts.ruled:
            rule = ind.applicable_if
            assert rule is not None
            ctrl = new.get(rule.indicator)
            ctrl_text = ctrl.text if ctrl is not None else ""
            if not _rule_holds(framework, ind, new):
                mine = given.get(ind.code)
                if mine is not None and mine.answered:
                    problems.append(
                        f"{prefix}{ind.code} = {mine.text!r}: {ind.code} does not apply where "
                        f"{rule.indicator} is {ctrl_text!r}; change {rule.indicator} too, or "
                        f"leave {ind.code} out"
                    )
                elif new[ind.code].answered:
                    notes.append(
                        f"{ind.code} no longer applies ({rule.indicator} is {ctrl_text!r}): "
                        f"its answer {new[ind.code].text!r} is left out"
                    )
                    new[ind.code] = Answer(ind.code, NA)
                elif new[ind.code].missing and ind.code not in given:
                    new[ind.code] = Answer(ind.code, NA)
            elif (
                ind.code not in given
                and new[ind.code].not_applicable
                and not _rule_holds(framework, ind, current)
            ):
                notes.append(
                    f"{ind.code} applies again ({rule.indicator} is {ctrl_text!r}) and has no "
                    "answer: give one to count it"
                )
                new[ind.code] = Answer(ind.code, "")
    if problems:
        raise ChangeError(problems)
    return new, notes


__all__ = [
    "NA",
    "Answer",
    "ChangeError",
    "Mode",
    "apply_changes",
    "number_text",
    "read_answer",
    "score_number",
]
