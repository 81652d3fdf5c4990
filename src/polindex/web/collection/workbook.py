"""A country's questionnaire as an XLSX workbook, to answer offline and upload back.

The ``Questionnaire`` sheet has a row per question: the question, last edition's answer, and the
cells to fill — the answer (a drop-down of the question's option codes and ``n/a``), the reason
when not applicable, the justification, up to three legal sources, the confidence. The
``Guidance`` sheet holds the guidance notes of the questions that have them, in the download's
language (a sheet of its own, so that the questionnaire's columns, read back on upload, stay
as they were). Hidden columns
hold each answer's version, so an upload made from an old download is reported as a conflict.
Reading a workbook checks every cell and either returns the changes or every problem (sheet, cell,
what is wrong); nothing is saved here.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from polindex.framework.guidance import as_text
from polindex.io.xlsx import FORM, WorkbookError, open_workbook
from polindex.web.collection.models import Answer, Edition
from polindex.web.collection.questions import notes, option_labels, questions
from polindex.web.collection.questions import text as question_text
from polindex.web.collection.workflow import Content, changed_parts, indicators

SHEET = "Questionnaire"
SOURCES = 3
FIXED = ["indicator", "question", "previous answer", "previous justification"]
FILLED = [
    "answer", "not applicable because", "justification",
    *[f"source {k} {part}" for k in range(1, SOURCES + 1)
      for part in ("instrument", "article", "url", "in force")],
    "confidence",
]  # fmt: skip
HIDDEN = ["version"]
COLUMNS = FIXED + FILLED + HIDDEN
CONFIDENCE = tuple(Answer.Confidence.values)


@dataclass(frozen=True)
class Change:
    """One answer whose content the upload changes."""

    answer: Answer
    content: Content
    version: int


def export(edition: Edition, unit: str, answers: list[Answer]) -> bytes:
    """The questionnaire of ``unit`` with the current answers, as XLSX bytes: one row per
    answer given (an area expert's workbook holds that area's questions only); with no answer
    at all (nothing submitted yet, as a government contact sees it), every question with its
    cells to fill empty."""
    by_code = {a.indicator: a for a in answers}
    asked = [item for item in indicators(edition) if item.code in by_code or not by_code]
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    options = book.create_sheet("Options")
    options.append(["indicator", "option", "score", "meaning"])
    guidance = book.create_sheet("Guidance")
    guidance.append(["indicator", "question", "how to answer", "examples and definitions"])
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row, item in enumerate(asked, start=2):
        a = by_code.get(item.code)
        c = Content.of(a) if a else Content()
        codes = [o.code for o in item.options]
        labels = option_labels(edition, item)
        for o in item.options:
            options.append([item.code, o.code, o.score, labels[o.code]])
        if (found := notes(edition, item)) is not None:
            guidance.append(
                [item.code, question_text(edition, item), found.how_to_answer,
                 as_text(found, get_language(), how=False)]
            )  # fmt: skip
        sources = [
            [s.get(k, "") for k in ("instrument", "article", "url", "in_force")] for s in c.sources
        ]
        sources = (sources + [["", "", "", ""]] * SOURCES)[:SOURCES]
        answer = "n/a" if c.not_applicable else c.option
        previous = [a.previous_option, a.previous_justification] if a else ["", ""]
        sheet.append(
            [item.code, question_text(edition, item), *previous, answer, c.na_reason,
             c.justification, *[v for s in sources for v in s], c.confidence,
             a.version if a else None]
        )  # fmt: skip
        for cell in sheet[row]:  # experts' text is text, never a formula
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
        if codes:
            choice = DataValidation(type="list", formula1='"' + ",".join([*codes, "n/a"]) + '"')
            choice.error = f"{item.code}: choose one of {', '.join(codes)} or n/a"
            sheet.add_data_validation(choice)
            choice.add(f"E{row}")
    first, last = len(FIXED) + 1, len(FIXED) + len(FILLED)
    _style(
        (c for r in sheet.iter_rows(min_row=2, min_col=first, max_col=last) for c in r), fill=fill
    )
    confidence = DataValidation(type="list", formula1='"' + ",".join(CONFIDENCE) + '"')
    sheet.add_data_validation(confidence)
    column = get_column_letter(COLUMNS.index("confidence") + 1)
    if sheet.max_row > 1:  # (a workbook without answers has no row to check)
        confidence.add(f"{column}2:{column}{sheet.max_row}")
    sheet.column_dimensions[get_column_letter(COLUMNS.index("version") + 1)].hidden = True
    for letter, width in (("B", 60), ("D", 40), ("G", 50)):
        sheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    _style((cells[0] for cells in sheet.iter_rows(min_row=2, max_col=2, min_col=2)), alignment=wrap)
    sheet.freeze_panes = "C2"
    for cell in guidance[1]:
        cell.font = Font(bold=True)
    for letter, width in (("B", 50), ("C", 60), ("D", 60)):
        guidance.column_dimensions[letter].width = width
    _style((c for cells in guidance.iter_rows(min_row=2, min_col=2, max_col=4) for c in cells),
           alignment=wrap)  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _style(cells: Iterable[Any], **style: Any) -> None:
    """Give ``cells`` (none styled yet) the same ``style`` (``fill=…``, ``alignment=…``): set on
    the first, the others take a copy of its style's indices — openpyxl would otherwise look the
    style up in the workbook's list, hashing it, for every cell (most of an export's time)."""
    made = None
    for cell in cells:
        if made is None:
            for name, value in style.items():
                setattr(cell, name, value)
            made = cell._style
        else:
            cell._style = copy(made)


def read(edition: Edition, unit: str, answers: list[Answer], data: bytes
         ) -> tuple[list[Change], list[str]]:  # fmt: skip
    """The changes an uploaded workbook makes, or every problem found (then no change)."""
    problems: list[str] = []
    try:
        book = open_workbook(data, FORM)
        if SHEET not in book.names:
            return [], [f"no sheet named {SHEET!r}"]
        rows = book.rows(SHEET)
    except WorkbookError as exc:
        return [], exc.problems
    if not rows or [str(h or "").strip() for h in rows[0][: len(COLUMNS)]] != COLUMNS:
        return [], [f"{SHEET}!1: the header row is not that of a downloaded questionnaire"]
    by_code = {a.indicator: a for a in answers}
    asked = questions(edition)
    seen: set[str] = set()
    changes = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {column: _cell(v) for column, v in zip_longest(COLUMNS, values[: len(COLUMNS)])}
        code = cells["indicator"]
        if not any(cells.values()):
            continue
        where = f"{SHEET}!{number}"
        if code not in by_code:
            problems.append(f"{where}: {code!r} is not a question of {unit} in {edition.code}")
            continue
        if code in seen:
            problems.append(f"{where}: {code} appears twice")
            continue
        seen.add(code)
        answer = by_code[code]
        chosen = cells["answer"]
        if chosen and chosen.lower() != "n/a" and (wrong := asked[code].problem(chosen)):
            problems.append(f"{where} (answer): {wrong}{', n/a' if asked[code].options else ''}")
        if cells["confidence"] and cells["confidence"] not in CONFIDENCE:
            problems.append(
                f"{where} (confidence): {cells['confidence']!r}: use high, medium or low"
            )
        sources = []
        for k in range(1, SOURCES + 1):
            source = {
                part.replace(" ", "_"): cells[f"source {k} {part}"]
                for part in ("instrument", "article", "url", "in force")
            }
            if not any(source.values()):
                continue
            if not source["instrument"]:
                problems.append(f"{where} (source {k}): give the instrument")
            if source["url"] and not source["url"].lower().startswith(("https://", "http://")):
                problems.append(f"{where} (source {k} url): must start with https://")
            if source["in_force"]:
                try:
                    source["in_force"] = dt.date.fromisoformat(source["in_force"][:10]).isoformat()
                except ValueError:
                    problems.append(f"{where} (source {k} in force): not a date (YYYY-MM-DD)")
            sources.append(source)
        version = _version(cells["version"])
        if version is None:
            problems.append(
                f"{where} (version): {cells['version']!r} is not a version of this answer; "
                "download the questionnaire again and keep its hidden version column"
            )
            continue
        content = Content(
            option="" if chosen.lower() == "n/a" else chosen,
            not_applicable=chosen.lower() == "n/a",
            na_reason=cells["not applicable because"],
            justification=cells["justification"],
            confidence=cells["confidence"],
            sources=sources,
        )
        if changed_parts(Content.of(answer), content):
            if version != answer.version:
                problems.append(
                    f"{where}: {code} was changed in the workspace after this file was downloaded "
                    f"(version {version}, now {answer.version}); download it again"
                )
            changes.append(Change(answer, content, version))
    return ([] if problems else changes), problems


MAX_VERSION = 2**31 - 1
"""An answer's version is a database integer."""


def _version(text: str) -> int | None:
    """The hidden version cell as a whole number (a spreadsheet may have made 3 into 3.0), or
    None when it is not one: empty, text, a fraction, a negative or huge number (``1e400`` is
    infinite as a float).

    Examples
    --------
    >>> [_version(t) for t in ("3", "3.0", "", "1e400", "-1", "2.5", "abc", "nan")]
    [3, 3, None, None, None, None, None, None]
    """
    try:
        number = float(text)
    except ValueError:
        return None
    if not number.is_integer() or not 0 <= number <= MAX_VERSION:
        return None
    return int(number)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()
