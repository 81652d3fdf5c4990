"""What the what-if and goal pages and API routes share: the release and its simulator (visible
releases only), the changes read from an address, and a unit's answers and a what-if's nodes
as a reader reads them — labels in the request's language, option labels, yes/no, numbers with
their decimals and unit, bands by name, changes marked better or worse by the index's
polarity."""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from polindex.analysis.answers import Answer, read_answer
from polindex.analysis.whatif import Simulator, WhatIf
from polindex.errors import PolindexError
from polindex.framework.models import Framework, Indicator
from polindex.web.dialogue.simulators import NotSimulableError, rebuildable, simulator_of
from polindex.web.explorer.display import Reading
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_releases

MAX_INDENT = 8
MAX_VALUE = 64
"""Longest answer a change may give (an option code or a number is far shorter)."""


class TooLongError(Exception):
    """An address whose changes are longer than any the index can need."""


class CannotSimulateError(Exception):
    """A release whose frozen data cannot be simulated; the message says why, to a reader."""


def simulable(release: Release) -> bool:
    """Whether ``release`` froze what a what-if needs: its input data and, for a build whose
    pipeline reads variables (denominators, groups), those variables (see
    :func:`~polindex.web.dialogue.simulators.rebuildable`).

    Examples
    --------
    >>> simulable(Release(inputs_csv="unit,period,indicator,value", spec={}))
    True
    >>> simulable(Release(inputs_csv="", spec={}))
    False
    """
    return rebuildable(release)


def release_of(request: HttpRequest, index: str, version: str) -> Release:
    """The release ``index``/``version`` if the user may see it (embargoed ones only for the
    central team, see :func:`~polindex.web.releases.visibility.visible_releases`), else 404."""
    found = (
        visible_releases(request.user)
        .filter(index__code=index, version=version)
        .values_list("pk", "checksum", "publish_at")
        .first()
    )  # a light query: the release itself (framework, inputs, robustness) is kept
    if found is None:
        raise Http404("no such release")
    return _kept(*found)


@functools.lru_cache(maxsize=32)
def _kept(pk: int, checksum: str, publish_at: Any) -> Release:
    """Release ``pk`` as stored (a release never changes: read once per process; its checksum
    and publication time in the key make a restored database with other content a miss)."""
    return Release.objects.select_related("index").get(pk=pk)


def simulation(release: Release, unit: str | None = None) -> Simulator:
    """The release's simulator; :class:`CannotSimulateError` when its frozen data cannot be
    simulated, 404 when ``unit`` is not one of its units."""
    if not simulable(release):
        if release.inputs_csv.strip():
            raise CannotSimulateError(
                gettext(
                    "%(release)s cannot be simulated: it was built by a pipeline that reads "
                    "variables (denominators, groups) the release does not keep, so it cannot "
                    "be rebuilt with other answers."
                )
                % {"release": f"{release.name} {release.version}"}
            )
        raise CannotSimulateError(
            gettext("%(release)s holds scores only, not the answers a what-if changes.")
            % {"release": f"{release.name} {release.version}"}
        )
    try:
        sim = simulator_of(release)
    except (NotSimulableError, PolindexError) as exc:
        raise CannotSimulateError(
            gettext("%(release)s cannot be simulated from its frozen data.")
            % {"release": f"{release.name} {release.version}"}
        ) from exc
    if unit is not None and unit not in sim.dataset.units:
        raise Http404("no such unit in this release")
    return sim


def max_query(sim: Simulator) -> int:
    """The longest query string a what-if of ``sim`` may have: every question with a long
    answer, and room to spare.

    Examples
    --------
    >>> class S:
    ...     indicators = [None] * 61
    >>> max_query(S())
    5904
    """
    return 1024 + len(sim.indicators) * (MAX_VALUE + 16)


def changes_from(pairs: Iterable[tuple[str, str]], sim: Simulator, length: int) -> dict[str, str]:
    """The changes an address asks for (indicator code → answer text, the last one given when a
    code is repeated); :class:`TooLongError` when it is longer than any what-if needs. A decimal
    comma reads as a point."""
    if length > max_query(sim):
        raise TooLongError
    out: dict[str, str] = {}
    for code, value in pairs:
        if len(value) > MAX_VALUE or len(code) > MAX_VALUE:
            raise TooLongError
        out[code] = value.strip()
    return out


def query_pairs(query: QueryDict) -> list[tuple[str, str]]:
    """Every (name, value) of a query string, in order (but :data:`INTERVAL`, not a change)."""
    return [(k, v) for k, values in query.lists() if k != INTERVAL for v in values]


@dataclass
class Problems:
    """What is wrong with the changes: per question (shown by its field), and overall."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def lines(self, names: Mapping[str, str]) -> list[str]:
        """Every problem as one sentence, the question named."""
        return [
            *self.general,
            *(
                gettext("%(name)s: %(problem)s") % {"name": names.get(c, c), "problem": m}
                for c, m in self.fields.items()
            ),
        ]


def _range(fw: Framework, ind: Indicator, sim: Simulator) -> tuple[str, str] | None:
    """The smallest and largest number an answer to ``ind`` may be (``None``: any number)."""
    if sim.mode == "scored":
        return f"{fw.scale.min:g}", f"{fw.scale.max:g}"
    if ind.bounds is not None:
        return f"{ind.bounds[0]:g}", f"{ind.bounds[1]:g}"
    return None


def field_problem(fw: Framework, ind: Indicator, sim: Simulator) -> str:
    """What an answer to ``ind`` may be, said when a wrong one was given."""
    if ind.type != "numeric" and sim.mode != "scored":
        return gettext("Choose one of the answers listed.")
    span = _range(fw, ind, sim)
    if span is None:
        return gettext("Give a number, or n/a.")
    return gettext("Give a number from %(min)s to %(max)s, or n/a.") % {
        "min": span[0],
        "max": span[1],
    }


def number_hint(fw: Framework, ind: Indicator, sim: Simulator) -> str:
    """What a number field takes, shown under it."""
    span = _range(fw, ind, sim)
    if span is None:
        return gettext("a number, or n/a")
    return gettext("a number from %(min)s to %(max)s, or n/a") % {"min": span[0], "max": span[1]}


def check_changes(
    sim: Simulator, unit: str, asked: Mapping[str, str], names: Mapping[str, str]
) -> tuple[dict[str, str], Problems]:
    """The changes that change something (an answer equal to the official one is left out),
    and the problems of the others: an unknown question, a group, a value that is no answer."""
    fw = sim.framework
    official = sim.answers(unit)
    by_code = {i.code: i for i in sim.indicators}
    kept: dict[str, str] = {}
    problems = Problems()
    for code, value in asked.items():
        ind = by_code.get(code)
        if ind is None:
            if code in names:
                problems.general.append(
                    gettext("“%(name)s” is a group: its score is computed from its questions.")
                    % {"name": names[code]}
                )
            else:
                problems.general.append(
                    gettext("There is no question “%(code)s” in this index.") % {"code": code}
                )
            continue
        text = value.replace(",", ".") if ind.type == "numeric" or sim.mode != "answers" else value
        try:
            answer = read_answer(fw, ind, text, sim.mode)
        except ValueError:
            problems.fields[code] = field_problem(fw, ind, sim)
            continue
        if answer.text != official[code].text:
            kept[code] = answer.text
    return kept, problems


# -- answers and figures as read -------------------------------------------------------------


def question_name(fw: Framework, ind: Indicator, lang: str | None) -> str:
    """A question's name for a reader: its label, or its question's text when it has no label
    (as :meth:`Framework.names`), never its bare code when the framework says more.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "boolean", "question": {"en": "Is it legal?"}}]})
    >>> question_name(fw, fw.indicators[0], "en")
    'Is it legal?'
    """
    if not ind.label and ind.question:
        return fw.text(ind.question, lang, ind.code)
    return fw.label(ind, lang)


def answer_label(
    fw: Framework, ind: Indicator, answer: Answer, lang: str | None, *, exact: bool = False
) -> str:
    """An answer as a reader reads it: the option's label, Yes or No, the number with its
    decimals and unit, "Not applicable" or "No answer"; with ``exact``, a number keeps every
    decimal its text has (at least the indicator's): a value proposed to type, not to read."""
    if answer.not_applicable:
        return gettext("Not applicable")
    if answer.missing:
        return gettext("No answer")
    if ind.type == "categorical":
        option = ind.option(answer.text)
        if option is not None:
            return fw.label(option, lang)
    if ind.type == "boolean":
        return gettext("Yes") if answer.text == "true" else gettext("No")
    if math.isnan(answer.raw):
        return answer.text
    decimals = ind.decimals if ind.type == "numeric" and ind.bounds else fw.decimals
    if exact:
        decimals = max(decimals, len(answer.text.partition(".")[2]))
    text = number_format(round(answer.raw, decimals), decimal_pos=decimals)
    unit = fw.unit(ind, lang) if ind.type == "numeric" else ""
    return f"{text} {unit}" if unit else text


@dataclass(frozen=True)
class Question:
    """One question of the what-if form: its field (a list of answers, or a number), the answer
    shown (the what-if's), the official one, and its problem if the value given was wrong."""

    code: str
    label: str
    area: str
    choices: list[tuple[str, str]]
    value: str
    official: str
    official_label: str
    numeric: bool
    hint: str
    problem: str = ""

    @property
    def changed(self) -> bool:
        return self.value != self.official

    @property
    def options_html(self) -> SafeString:
        """The ``<option>`` elements of the question's list, the answer shown selected (made
        here, escaped, rather than by a template loop: 61 questions' options were most of the
        page's time)."""
        return format_html_join(
            "",
            "<option value=\"{}\"{}>{}</option>",
            ((v, mark_safe(" selected") if v == self.value else "", label)
             for v, label in self.choices),
        )  # fmt: skip


def areas_of(fw: Framework, lang: str | None) -> dict[str, str]:
    """Each node's and indicator's area label (the first level under the index; empty for the
    index and for a question placed right under it)."""
    areas: dict[str, str] = {}
    for item, parent, depth in fw.walk():
        if depth == 1:
            areas[item.code] = fw.label(item, lang)
        elif depth > 1:
            areas[item.code] = areas.get(parent, "")
    return areas


def question(
    sim: Simulator,
    ind: Indicator,
    official: Answer,
    now: Answer,
    lang: str | None,
    problems: Problems | None = None,
    given: Mapping[str, str] | None = None,
    area: str | None = "",
) -> Question:
    """Question ``ind`` with the answer ``now`` (the what-if's) beside the ``official`` one; a
    field with a problem shows the value ``given``."""
    fw = sim.framework
    code = ind.code
    numeric = ind.type == "numeric" or sim.mode == "scored"
    choices: list[tuple[str, str]] = []
    hint = ""
    if numeric:
        hint = number_hint(fw, ind, sim)
    elif ind.type == "boolean":
        choices = [("true", gettext("Yes")), ("false", gettext("No"))]
    else:
        choices = [(o.code, fw.label(o, lang)) for o in ind.options]
    if not numeric:
        choices.append(("n/a", gettext("Not applicable")))
        if now.missing or official.missing:
            choices.append(("", gettext("No answer")))
    problem = (problems.fields.get(code, "") if problems else "") or ""
    # a wrong number stays in its field; a wrong option cannot be shown by a list
    value = (given or {}).get(code, now.text) if problem and numeric else now.text
    return Question(
        code=code,
        label=question_name(fw, ind, lang),
        area=area or "",
        choices=choices,
        value=value,
        official=official.text,
        official_label=answer_label(fw, ind, official, lang),
        numeric=numeric,
        hint=hint,
        problem=problem,
    )


def questions(
    sim: Simulator,
    unit: str,
    shown: Mapping[str, Answer],
    lang: str | None,
    problems: Problems | None = None,
    given: Mapping[str, str] | None = None,
) -> list[Question]:
    """Every question of ``unit`` in the framework's order, with the answer ``shown`` (the
    what-if's) beside the official one; a field with a problem shows the value ``given``."""
    areas = areas_of(sim.framework, lang)
    official = sim.answers(unit)
    return [
        question(sim, i, official[i.code], shown[i.code], lang, problems, given, areas.get(i.code))
        for i in sim.indicators
    ]


def by_area(items: list[Question]) -> list[tuple[str, list[Question], bool]]:
    """Questions grouped by their area, in order, each group with whether to show it open (a
    question in it changed, or has a problem)."""
    groups: dict[str, list[Question]] = {}
    for q in items:
        groups.setdefault(q.area, []).append(q)
    return [(a, qs, any(q.changed or q.problem for q in qs)) for a, qs in groups.items()]


def _number(x: Any) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


@dataclass(frozen=True)
class Tree:
    """What the what-if's tables need of a release's tree in one language: each node's label,
    depth and page address, and which are indicators."""

    names: dict[str, str]
    depth: dict[str, int]
    indicators: frozenset[str]
    urls: dict[str, str]


_tree_lock = threading.Lock()


def tree(release: Release, lang: str | None) -> Tree:
    """The :class:`Tree` of ``release`` in ``lang`` (kept per release and language: a release
    never changes, and its pages' addresses carry the language)."""
    with _tree_lock:
        return _tree(release.pk, release.checksum, lang, release)


@functools.lru_cache(maxsize=64)
def _tree(pk: int, checksum: str, lang: str | None, release: Release) -> Tree:
    fw = release.definition.framework
    code, version = release.index.code, release.version
    walked = list(fw.walk())
    return Tree(
        names=fw.names(lang),  # an unlabelled question by its text, never its code
        depth={item.code: d for item, _, d in walked},
        indicators=frozenset(i.code for i in fw.indicators),
        urls={
            item.code: reverse("explorer:node", args=[code, version, item.code])
            for item, _, _ in walked
        },
    )


def node_rows(out: WhatIf, reading: Reading, known: Tree | None = None) -> list[dict[str, Any]]:
    """Every node of a what-if, official and new figures side by side, as plain values with the
    node's label, depth, band labels and whether each change is better or worse (``known``:
    the release's :func:`tree` in the reader's language, else worked out now)."""
    fw = reading.framework
    if known is not None:
        names, depth, indicators = known.names, known.depth, known.indicators
    else:
        names = fw.labels(reading.lang)
        depth = {item.code: d for item, _, d in fw.walk()}
        indicators = frozenset(i.code for i in fw.indicators)
    frame = out.nodes
    floats = {
        c: [None if v != v else v for v in frame[c].to_numpy(dtype=float).tolist()]
        for c in ("score", "new_score", "score_difference", "change", "new_change")
    }  # NaN → None, column by column (far cheaper than a row's dict from pandas)
    ranks = {
        c: [None if v != v else int(v) for v in frame[c].to_numpy(float, na_value=math.nan)]
        for c in ("rank", "new_rank", "rank_difference")
    }
    decimals = reading.decimals
    band_label = {code: label for code, (label, _c) in reading.bands.items()}
    rows = []
    fixed = (frame[c].tolist() for c in ("node", "level", "parent", "band", "new_band"))
    for k, (code, level, parent, band, new_band) in enumerate(zip(*fixed, strict=True)):
        code, band, new_band = str(code), str(band), str(new_band)
        difference = floats["score_difference"][k]
        rank_difference = ranks["rank_difference"][k]
        shown_difference = difference is not None and round(difference, decimals) != 0
        rows.append(
            {
                "node": code,
                "label": names.get(code, code),
                "level": str(level),
                "parent": str(parent),
                "is_indicator": code in indicators,
                "indent": min(depth.get(code, 0), MAX_INDENT),
                "score": floats["score"][k],
                "rank": ranks["rank"][k],
                "band": band,
                "band_label": band_label.get(band, ""),
                "change": floats["change"][k],
                "new_score": floats["new_score"][k],
                "new_rank": ranks["new_rank"][k],
                "new_band": new_band,
                "new_band_label": band_label.get(new_band, ""),
                "new_change": floats["new_change"][k],
                "score_difference": difference,
                "rank_difference": rank_difference,
                "better": fw.better(difference)
                if difference is not None and shown_difference
                else None,
                "rank_better": None if not rank_difference else rank_difference > 0,
                "places": abs(rank_difference) if rank_difference else 0,
                "moved": shown_difference or bool(rank_difference) or band != new_band,
            }
        )
    return rows


def changed_answers(out: WhatIf, sim: Simulator, lang: str | None) -> list[dict[str, Any]]:
    """Each answer that moved (asked for, or as a consequence): the question's label, the
    official and new answers as read, and their indicator scores."""
    fw = sim.framework
    by_code = {i.code: i for i in sim.indicators}
    rows = []
    for before, after in out.changes:
        ind = by_code[after.indicator]
        rows.append(
            {
                "indicator": ind.code,
                "label": question_name(fw, ind, lang),
                "asked": ind.code in out.asked,
                "before": before.text,
                "after": after.text,
                "before_label": answer_label(fw, ind, before, lang),
                "after_label": answer_label(fw, ind, after, lang),
                "before_score": _number(before.score),
                "after_score": _number(after.score),
            }
        )
    return rows


def official_interval(release: Release, unit: str) -> dict[str, Any] | None:
    """The unit's rank interval as the release froze it (``None``: the release has none)."""
    uncertainty = (release.robustness or {}).get("uncertainty") or {}
    found = next((u for u in uncertainty.get("summary") or [] if u.get("unit") == unit), None)
    if found is None:
        return None
    return {
        "node": uncertainty.get("target"),
        "period": uncertainty.get("period"),
        "low": _number(found.get("rank_q05")),
        "high": _number(found.get("rank_q95")),
        "rank": _number(found.get("rank_nominal")),
    }


INTERVAL = "interval"
"""The address parameter asking a what-if to recompute the rank interval (``?interval=1``):
not a question's code (decision 050)."""


def wants_interval(query: QueryDict | Mapping[str, str]) -> bool:
    """Whether an address asks for the rank interval to be recomputed (``interval=1``)."""
    return (query.get(INTERVAL) or "").strip() in ("1", "true", "yes")


def replays_interval(release: Release, sim: Simulator) -> bool:
    """Whether a what-if of ``release`` can recompute the rank interval: it froze its
    uncertainty design whole (decision 050) and publishes an interval."""
    return sim.uncertainty is not None and bool(
        ((release.robustness or {}).get("uncertainty") or {}).get("summary")
    )


def interval_figures(release: Release, out: WhatIf) -> dict[str, Any] | None:
    """The unit's rank interval as published and, when ``out`` recomputed it, as recomputed
    (``new_low``, ``new_high``; ``None`` where not), with the design's number of runs."""
    found = official_interval(release, out.unit)
    if found is None:
        return None
    new = out.new_interval
    design = release.uncertainty_design or {}
    return {
        **found,
        "recomputed": new is not None,
        "new_low": new[0] if new else None,
        "new_high": new[1] if new else None,
        "runs": design.get("runs"),
    }


__all__ = [
    "INTERVAL",
    "CannotSimulateError",
    "Problems",
    "Question",
    "TooLongError",
    "Tree",
    "answer_label",
    "areas_of",
    "by_area",
    "changed_answers",
    "changes_from",
    "check_changes",
    "interval_figures",
    "node_rows",
    "official_interval",
    "query_pairs",
    "question",
    "question_name",
    "questions",
    "release_of",
    "replays_interval",
    "simulable",
    "simulation",
    "tree",
    "wants_interval",
]
