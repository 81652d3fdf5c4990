"""The questionnaire as an XLSForm (for KoboToolbox, ODK and other XForm tools), and back.

Export: each categorical indicator becomes a ``select_one`` question (its choices carry their
score in an extra ``score`` column, which XForm tools keep), each group a ``begin_group`` …
``end_group``, with labels in every language of the framework (``label::English (en)``). Boolean
indicators are ``select_one yes_no``; numeric ones ``decimal`` questions with their bounds as a
constraint. A question's guidance notes go in the ``hint`` columns (how to answer) and the
``guidance_hint`` columns (examples and definitions), per language. Import reads such a form
back into a framework document (a dict in the framework format), so a questionnaire designed
in an XLSForm tool can be scored by Polindex.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from polindex.errors import PolindexError
from polindex.framework.guidance import as_text, notes_in
from polindex.framework.models import Framework, Indicator, Node
from polindex.io.xlsx import FORM, WorkbookError, open_workbook

MAX_GROUP_DEPTH = 40
"""Groups within groups a form may nest (a questionnaire has a handful of levels): the
framework document it becomes then nests less deep than a framework may (two levels a group,
seven more for a question's options and their labels, within 100)."""
LANGUAGE_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish"}


def _column(lang: str, kind: str = "label") -> str:
    return f"{kind}::{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def to_xlsform(framework: Framework) -> bytes:
    """The framework's questionnaire as XLSForm workbook bytes (sheets survey, choices,
    settings).

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "X", "name": "X", "indicators": [
    ...     {"code": "q1", "type": "categorical", "question": {"en": "Allowed?"},
    ...      "options": [{"code": "a", "score": 100}, {"code": "b", "score": 0}]}]})
    >>> from openpyxl import load_workbook
    >>> book = load_workbook(io.BytesIO(to_xlsform(fw)))
    >>> [cell.value for cell in book["survey"][2][:3]]
    ['select_one q1', 'q1', 'Allowed?']
    """
    langs = list(framework.languages)
    labels = [_column(lang) for lang in langs]
    noted = any(i.guidance is not None for i in framework.indicators)
    hints = [_column(lang, kind) for kind in ("hint", "guidance_hint") for lang in langs]
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", *labels, "required", "constraint", *(hints if noted else [])])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *labels, "score"])
    yes_no = False

    def text(label: dict[str, str], fallback: str) -> list[str]:
        return [label.get(lang) or label.get(langs[0]) or fallback for lang in langs]

    def visit(item: Node | Indicator) -> None:
        nonlocal yes_no
        if isinstance(item, Node):
            survey.append(["begin_group", item.code, *text(dict(item.label), item.code)])
            for child in item.children:
                visit(child)
            survey.append(["end_group", item.code])
            return
        words = text(dict(item.question) or dict(item.label), item.code)
        notes = _notes(framework, item, langs) if noted else []
        if item.type == "categorical":
            survey.append([f"select_one {item.code}", item.code, *words, "yes", "", *notes])
            for option in item.options:
                choices.append(
                    [item.code, option.code, *text(dict(option.label), option.code), option.score]
                )
        elif item.type == "boolean":
            survey.append(["select_one yes_no", item.code, *words, "yes", "", *notes])
            yes_no = True
        else:
            constraint = ""
            if item.bounds is not None:
                constraint = f". >= {item.bounds[0]:g} and . <= {item.bounds[1]:g}"
            survey.append(["decimal", item.code, *words, "yes", constraint, *notes])

    for child in framework.root.children:
        visit(child)
    if yes_no:
        choices.append(["yes_no", "yes", *(["Yes"] * len(langs)), ""])
        choices.append(["yes_no", "no", *(["No"] * len(langs)), ""])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    title = framework.name.get(langs[0]) or framework.code
    settings.append([title, framework.code, framework.version, _column(langs[0])[7:]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _notes(framework: Framework, item: Indicator, langs: list[str]) -> list[str]:
    """The question's guidance for its ``hint`` columns (how to answer, shown under the
    question) and ``guidance_hint`` columns (examples and definitions, shown on request), one
    per language; empty cells for a question without guidance."""
    found = [notes_in(framework, item, lang) for lang in langs]
    return [n.how_to_answer if n else "" for n in found] + [
        as_text(n, lang, how=False) if n else "" for n, lang in zip(found, langs, strict=True)
    ]


class XLSFormError(PolindexError):
    """The workbook is not an XLSForm Polindex can read; the message says where."""

    def __init__(self, message: str) -> None:
        super().__init__([message])

    def headline(self) -> str:
        return "not an XLSForm Polindex can read:"


def from_xlsform(source: str | Path | bytes) -> dict[str, Any]:
    """A framework document (the framework format, as a dict) from an XLSForm: groups become
    nodes, ``select_one`` questions categorical indicators scored by the choices' ``score``
    column (``yes_no`` lists become boolean indicators), ``integer``/``decimal`` numeric ones;
    a question's ``hint`` becomes its guidance's ``how_to_answer`` (``guidance_hint`` is not
    read: it holds examples and definitions together)."""
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        raise XLSFormError(f"cannot read {source!s}: {exc.strerror}") from exc
    try:
        book = open_workbook(data, FORM)
        for sheet in ("survey", "choices"):
            if sheet not in book.names:
                raise XLSFormError(f"no {sheet!r} sheet")
        columns, survey = _table(book.rows("survey"))
        choice_columns, choice_rows = _table(book.rows("choices"))
        settings = _table(book.rows("settings"))[1] if "settings" in book.names else []
    except WorkbookError as exc:
        raise XLSFormError("; ".join(exc.problems)) from exc
    for sheet, have, needed in (("survey", columns, ("type", "name")),
                                ("choices", choice_columns, ("list_name", "name"))):  # fmt: skip
        if missing := [c for c in needed if c not in have]:
            raise XLSFormError(f"{sheet}!1: no {' or '.join(map(repr, missing))} column")
    labels = _label_columns(columns)
    langs = list(dict.fromkeys(lang for _, lang in labels)) or ["en"]
    # a question's hint is how to answer it (a plain ``hint`` column: the form's first language)
    hints = [(c, langs[0] if c == "hint" else lang) for c, lang in _label_columns(columns, "hint")]
    lists: dict[str, list[dict[str, Any]]] = {}
    for number, row in choice_rows:
        if not row.get("list_name"):
            continue
        score = row.get("score")
        if row["list_name"] != "yes_no" and (score is None or score == ""):
            raise XLSFormError(f"choices!{number}: choice {row.get('name')!r} has no score")
        lists.setdefault(str(row["list_name"]), []).append(
            {
                "code": str(row["name"]),
                "score": _score(score, number) if score not in (None, "") else None,
                "label": _labels(row, labels),
            }
        )
    meta = settings[0][1] if settings else {}
    code = str(meta.get("form_id") or "form")
    root: dict[str, Any] = {"children": []}
    stack = [root]
    for number, row in survey:
        kind = str(row.get("type") or "").strip()
        name = str(row.get("name") or "").strip()
        if not kind:
            continue
        label = _labels(row, labels)
        hint = _labels(row, hints)
        noted = {"guidance": {"how_to_answer": hint}} if hint else {}
        if kind == "begin_group" or kind == "begin group":
            if len(stack) > MAX_GROUP_DEPTH:
                raise XLSFormError(f"survey!{number}: groups nest deeper than {MAX_GROUP_DEPTH}")
            group = {"code": name, "label": label, "children": []}
            stack[-1]["children"].append(group)
            stack.append(group)
        elif kind in ("end_group", "end group"):
            if len(stack) == 1:
                raise XLSFormError(f"survey!{number}: end_group without begin_group")
            stack.pop()
        elif kind.startswith("select_one "):
            list_name = kind.split(" ", 1)[1].strip()
            if list_name not in lists:
                raise XLSFormError(f"survey!{number}: no choices list {list_name!r}")
            if list_name == "yes_no":
                stack[-1]["children"].append(
                    {"code": name, "type": "boolean", "question": label, **noted}
                )
            else:
                options = [o for o in lists[list_name] if o["score"] is not None]
                stack[-1]["children"].append(
                    {
                        "code": name,
                        "type": "categorical",
                        "question": label,
                        "options": options,
                        **noted,
                    }
                )
        elif kind in ("integer", "decimal"):
            stack[-1]["children"].append(
                {"code": name, "type": "numeric", "question": label, **noted}
            )
        elif kind in ("note", "calculate", "start", "end", "today", "deviceid"):
            continue
        else:
            raise XLSFormError(f"survey!{number}: question type {kind!r} cannot be scored")
    if len(stack) != 1:
        raise XLSFormError("survey: a begin_group has no end_group")
    return {
        "code": code,
        "name": {langs[0]: str(meta.get("form_title") or code)},
        "version": str(meta.get("version") or "1.0"),
        "languages": langs,
        **_tree(root["children"]),
    }


def _tree(children: list[dict[str, Any]]) -> dict[str, Any]:
    """Groups under ``children:``, questions under ``indicators:`` (the format without
    ``levels:``)."""
    out: dict[str, Any] = {}
    questions = [c for c in children if "type" in c]
    groups = [c for c in children if "type" not in c]
    if questions:
        out["indicators"] = questions
    if groups:
        out["children"] = [{"code": g["code"], "label": g["label"], **_tree(g["children"])}
                           for g in groups]  # fmt: skip
    return out


def _table(rows: list[tuple[Any, ...]]) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """A sheet's header, and each row that holds something with its number, by column."""
    if not rows:
        return [], []
    header = [str(h or "").strip() for h in rows[0]]
    blank = (None,) * len(header)  # rows end at their last value: pad them to the header
    return header, [
        (number, dict(zip(header, r + blank, strict=False)))
        for number, r in enumerate(rows[1:], start=2)
        if r
    ]


def _score(value: Any, number: int) -> float:
    """A choice's score as a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise XLSFormError(f"choices!{number}: score {value!r} is not a number") from None


LANGUAGE_CODE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*\)\s*$")


def _lang(column: str, kind: str = "label") -> str:
    """The language of a label column (or of a ``kind`` of text such as ``hint``): ``label``
    is English; ``label::Português (pt-BR)`` names its code in brackets (any BCP 47 tag);
    ``label::French`` a language known by name.

    >>> _lang("label"), _lang("label::Português (pt-BR)"), _lang("hint::french", "hint")
    ('en', 'pt-BR', 'fr')
    """
    if column == kind:
        return "en"
    name = column.removeprefix(f"{kind}::").strip()
    if match := LANGUAGE_CODE.search(name):
        return match.group(1).replace("_", "-")
    by_name = {n.casefold(): code for code, n in LANGUAGE_NAMES.items()}
    if found := by_name.get(name.casefold()):
        return found
    raise XLSFormError(
        f"survey!1: column {column!r}: name the language's code in brackets, as in "
        f"'{kind}::{name or 'Language'} (xx)'"
    )


def _label_columns(columns: list[str], kind: str = "label") -> list[tuple[str, str]]:
    """The label columns (``label``, ``label::…``; or those of another ``kind`` of text, such
    as ``hint``) and their languages, each language once."""
    found: dict[str, str] = {}
    for column in columns:
        if column != kind and not column.startswith(f"{kind}::"):
            continue
        lang = _lang(column, kind)
        if lang in found:
            raise XLSFormError(
                f"survey!1: columns {found[lang]!r} and {column!r} are both {kind}s in {lang!r}"
            )
        found[lang] = column
    return [(c, lang) for lang, c in found.items()]


def _labels(row: dict[str, Any], columns: list[tuple[str, str]]) -> dict[str, str]:
    """A row's label in each language (columns: column name → language)."""
    return {lang: str(row[c]) for c, lang in columns if row.get(c)}
