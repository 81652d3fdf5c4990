"""Fuzzing the XLSForm reader: whatever the workbook, ``from_xlsform`` gives a framework
document or an :class:`~polindex.io.xlsform.XLSFormError`, and loading that document gives a
framework or a :class:`~polindex.errors.PolindexError` — never another exception (issue 13)."""

from __future__ import annotations

import contextlib
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from polindex.errors import PolindexError
from polindex.framework import load_framework
from polindex.io.sheets import cell_safe
from polindex.io.xlsform import XLSFormError, from_xlsform

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TYPES = [
    "select_one yes_no", "select_one x", "select_one", "select_one  ", "integer", "decimal",
    "begin_group", "end_group", "begin group", "end group", "note", "text", "geopoint", "",
]  # fmt: skip
HEADERS = [
    "type", "name", "label", "label::English (en)", "label::French (fr)", "list_name", "score",
    "form_id", "form_title", "version", "", "required",
]  # fmt: skip
cells = st.one_of(
    st.none(),
    st.sampled_from([*TYPES, "x", "yes_no", "a", "b", "q1", "g", "1", "-1", "1e400", "abc"]),
    st.text(max_size=6).map(cell_safe),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.booleans(),
)


SHEETS = {  # each sheet's usual columns: a generated header keeps most, in any order
    "survey": ["type", "name", "label::English (en)", "label::French (fr)", "required"],
    "choices": ["list_name", "name", "label", "score"],
    "settings": ["form_id", "form_title", "version"],
}


@st.composite
def header(draw: st.DrawFn, usual: list[str]) -> list[str]:
    kept = draw(st.lists(st.sampled_from(usual), min_size=len(usual) - 1, unique=True))
    return kept + draw(st.lists(st.sampled_from(HEADERS), max_size=2))


@st.composite
def forms(draw: st.DrawFn) -> bytes:
    book = Workbook()
    book.remove(book.active)
    others = draw(st.lists(st.sampled_from(["settings", "other"]), max_size=2, unique=True))
    names = ["survey", "choices", *others]
    for name in draw(st.permutations(names)):
        columns = draw(header(SHEETS.get(name, HEADERS[:3])))
        ws = book.create_sheet(name)
        ws.append(columns)
        for row in draw(st.lists(st.lists(cells, max_size=len(columns) + 1), max_size=8)):
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reads_or_refuses(data: bytes) -> None:
    try:
        document = from_xlsform(data)
    except XLSFormError:
        return
    with contextlib.suppress(PolindexError):
        load_framework(document)


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes(data: bytes) -> None:
    reads_or_refuses(data)


@FUZZ
@given(forms())
def test_form_shaped_workbooks(data: bytes) -> None:
    reads_or_refuses(data)
