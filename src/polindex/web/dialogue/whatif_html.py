"""The what-if page's two long parts — the form of every question and the table of every group —
made in Python rather than by template loops (decision 060).

A template loop resolves each ``{{ … }}`` through Django's variable lookup; the MIPEX-style
form (61 questions, ten tags each) and table (40 groups, a dozen each) made four fifths of the
page's time that way. Here every text still goes through :func:`~django.utils.html.format_html`
(escaped) and every number through the same filters as the templates (``score``, ``change``).
What does not depend on the changes is made once per release, country and language and kept:
the questions in their published state and their HTML (and, in :func:`whatif_figures.tree`,
the nodes' labels, depths and addresses).
A request makes afresh only the questions it changed (or got wrong) and the table's rows.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from polindex.analysis.answers import Answer
from polindex.analysis.whatif import Simulator
from polindex.framework.models import Indicator
from polindex.web.dialogue import whatif_figures as figures
from polindex.web.dialogue.simulators import simulator_of
from polindex.web.explorer.templatetags.scores import MINUS
from polindex.web.explorer.templatetags.scores import score as score_text
from polindex.web.releases.models import Release

_lock = threading.Lock()
DASH = "–"


@dataclass(frozen=True)
class Published:
    """A country's questions in their published state, in one language, and their HTML."""

    questions: dict[str, figures.Question]
    html: dict[str, SafeString]
    official: dict[str, Answer]
    indicators: dict[str, Indicator]
    areas: list[tuple[str, list[str]]]
    """Each area's label and its questions' codes, in the framework's order."""


def published(release: Release, unit: str, lang: str | None) -> Published:
    """``unit``'s questions as published, in ``lang`` (made once per release, unit and language
    in the process: a release never changes)."""
    with _lock:
        return _published(release.pk, release.checksum, unit, lang, release)


@functools.lru_cache(maxsize=512)
def _published(pk: int, checksum: str, unit: str, lang: str | None, release: Release) -> Published:
    sim = simulator_of(release)
    official = sim.answers(unit)
    made = figures.questions(sim, unit, official, lang)
    areas: dict[str, list[str]] = {}
    for q in made:
        areas.setdefault(q.area, []).append(q.code)
    return Published(
        questions={q.code: q for q in made},
        html={q.code: question_html(q) for q in made},
        official=official,
        indicators={i.code: i for i in sim.indicators},
        areas=list(areas.items()),
    )


def question_html(q: figures.Question) -> SafeString:
    """One question of the form: its label, its field (a list of answers or a number, the
    answer shown selected), its problem if any, and the published answer under it.

    Example (with Django set up)::

        q = Question(code="q1", label="<b>Work</b>", area="", choices=[("a", "Yes")],
                     value="a", official="a", official_label="Yes", numeric=False, hint="")
        question_html(q)  # '<p class="question">\\n<label for="q-q1">&lt;b&gt;Work…'
    """
    state = " invalid" if q.problem else " changed" if q.changed else ""
    described = f"o-{q.code} e-{q.code}" if q.problem else f"o-{q.code}"
    invalid = mark_safe(' aria-invalid="true"') if q.problem else ""
    problem = (
        format_html('<span class="field-error" id="e-{}">{}</span>\n', q.code, q.problem)
        if q.problem
        else ""
    )
    if q.numeric:
        control = format_html(
            '<input id="q-{}" name="{}" type="text" inputmode="decimal" value="{}" '
            'aria-describedby="{}"{}>\n',
            q.code, q.code, q.value, described, invalid,
        )  # fmt: skip
    else:
        control = format_html(
            '<select id="q-{}" name="{}" aria-describedby="{}"{}>{}</select>',
            q.code, q.code, described, invalid, q.options_html,
        )  # fmt: skip
    hint = format_html(" · {}", q.hint) if q.numeric and q.hint else ""
    return format_html(
        '<p class="question{}">\n<label for="q-{}">{}</label>\n{}{}\n'
        '<span class="official" id="o-{}">{} {}{}</span></p>\n',
        state, q.code, q.label, problem, control,
        q.code, gettext("Published:"), q.official_label, hint,
    )  # fmt: skip


def form(
    release: Release,
    sim: Simulator,
    unit: str,
    lang: str | None,
    shown: Mapping[str, Answer],
    problems: figures.Problems,
    given: Mapping[str, str],
) -> list[tuple[str, SafeString, bool]]:
    """Each area of the form: its label, its questions' HTML and whether to show it open (a
    question in it changed or has a problem). Questions as published come from the kept
    HTML; the others are made now."""
    kept = published(release, unit, lang)
    out = []
    for area, codes in kept.areas:
        parts: list[str] = []
        opened = False
        for code in codes:
            q = kept.questions[code]
            if shown[code].text == q.official and code not in problems.fields:
                parts.append(kept.html[code])
                continue
            opened = True
            made = figures.question(
                sim, kept.indicators[code], kept.official[code], shown[code], lang, problems,
                given, area,
            )  # fmt: skip
            parts.append(question_html(made))
        out.append((area, mark_safe("".join(parts)), opened))  # each part escaped above
    return out


class Numbers:
    """Scores and changes with ``decimals`` decimals in the active language's notation — the
    same text as the ``score`` and ``change`` filters (a test compares them), made without
    Django's general number formatting, which a table of 40 rows calls 400 times."""

    def __init__(self, decimals: int) -> None:
        self.decimals = int(decimals)
        self.separator = str(get_format("DECIMAL_SEPARATOR"))

    def _text(self, number: float) -> str:
        rounded = round(number, self.decimals)
        if abs(rounded) >= 1e15:  # (never a score; the general way keeps its notation)
            return score_text(number, self.decimals)
        text = f"{rounded:.{self.decimals}f}"
        if self.separator != ".":
            text = text.replace(".", self.separator)
        return text.replace("-", MINUS)

    def score(self, value: float | None) -> str:
        """Like ``{{ value|score:decimals }}``.

        Example (with Django set up)::

            Numbers(2).score(0.30512), Numbers(2).score(None)  # ('0.31', '–')
        """
        if value is None or math.isnan(value):
            return DASH
        return self._text(value)

    def change(self, value: float | None) -> str:
        """Like ``{{ value|change:decimals }}``: signed, and 0 without a sign.

        Example (with Django set up)::

            Numbers(2).change(-0.0512), Numbers(1).change(3.0)  # ('−0.05', '+3.0')
        """
        if value is None or math.isnan(value):
            return DASH
        if round(value, self.decimals) == 0:
            return self._text(0.0)
        text = self._text(value)
        return text if value < 0 else "+" + text


def _change_cell(value: float | None, better: bool | None, numbers: Numbers) -> str:
    """A signed change marked better or worse (``explorer/change.html`` in Python)."""
    if value is None:
        return DASH
    shown = numbers.change(value)
    arrow = "▲ " if shown.startswith("+") else "▼ " if shown.startswith(MINUS) else ""
    if better is None:
        return f"<span>{arrow}{shown}</span>"
    css, said = ("better", gettext("better")) if better else ("worse", gettext("worse"))
    return f'<span class="{css}">{arrow}{shown}</span><span class="sr"> ({escape(said)})</span>'


def _or_dash(value: Any) -> str:
    return DASH if value is None or value == "" else escape(value)


def rows_html(
    rows: list[dict[str, Any]],
    changed: bool,
    has_bands: bool,
    decimals: int,
    urls: Mapping[str, str],
    has_change: bool = True,
) -> SafeString:
    """The body of the table of groups: published figures, and with ``changed`` the new ones
    beside them (the columns of ``dialogue/whatif.html``'s head); the change since the period
    before only ``has_change`` (a release of one period has none). Every text is escaped; the
    numbers are made here (digits, a sign and the decimal mark)."""
    numbers = Numbers(decimals)
    out = []
    for r in rows:
        moved = ' class="moved"' if r["moved"] else ""
        cells = [
            f'<tr{moved}><th scope="row" class="indent-{int(r["indent"])} group">'
            f'<a href="{escape(urls.get(r["node"], ""))}">{escape(r["label"])}</a></th>'
            f'<td class="num">{numbers.score(r["score"])}</td>'
        ]
        if changed:
            cells.append(
                f'<td class="num">{numbers.score(r["new_score"])}</td>'
                f'<td class="num">{_change_cell(r["score_difference"], r["better"], numbers)}</td>'
            )
        cells.append(f'<td class="num">{_or_dash(r["rank"])}</td>')
        if changed:
            places = ""
            if r["rank_difference"]:
                up = r["rank_better"]
                css, arrow = ("better", "▲") if up else ("worse", "▼")
                places = f' <span class="{css}">({arrow} {int(r["places"])})</span>'
            cells.append(f'<td class="num">{_or_dash(r["new_rank"])}{places}</td>')
        if has_bands:
            cells.append(f"<td>{_or_dash(r['band_label'])}</td>")
            if changed:
                band = _or_dash(r["new_band_label"])
                if r["band"] != r["new_band"]:
                    band = f"<strong>{band}</strong>"
                cells.append(f"<td>{band}</td>")
        if has_change:
            cells.append(f'<td class="num">{numbers.change(r["change"])}</td>')
        if has_change and changed:
            cells.append(f'<td class="num">{numbers.change(r["new_change"])}</td>')
        cells.append("</tr>\n")
        out.append("".join(cells))
    return mark_safe("".join(out))  # every text escaped above, numbers made here


__all__ = ["Numbers", "Published", "form", "published", "question_html", "rows_html"]
