"""Workbooks are read within bounds (issue 13: a 290 kB workbook with two million empty rows
held one expert upload for 96 s and 300 MB)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from polindex.errors import PolindexError
from polindex.io.xlsx import DATA, FORM, Bounds, WorkbookError, open_workbook

from ..corpus.make import (
    ENTITY_BOMB,
    empty_rows_bomb,
    numbered_empty_rows,
    row,
    rows,
    xlsx,
    zip_version,
)


def problem(data: bytes, bounds: Bounds = FORM, sheet: str | int = 0) -> str:
    with pytest.raises(WorkbookError) as caught:
        open_workbook(data, bounds, "q.xlsx").rows(sheet)
    assert isinstance(caught.value, PolindexError)
    assert str(caught.value).startswith("cannot read the workbook q.xlsx:\n")
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


@pytest.mark.parametrize("bounds", [FORM, DATA], ids=["form", "data"])
def test_two_million_empty_rows_are_refused_from_the_archive(bounds: Bounds) -> None:
    bomb = empty_rows_bomb(2_000_000)
    assert len(bomb) < 30_000  # 22 kB that unpack to 12 MB of rows
    assert problem(bomb, bounds) == (
        "its part xl/worksheets/sheet1.xml is compressed 670 to 1 (at most 100 to 1): "
        "refused as a ZIP bomb would be"
    )


def test_numbered_empty_rows_are_counted_before_openpyxl_reads_them() -> None:
    # numbered rows compress only 7 to 1: their count refuses them
    many = numbered_empty_rows(120_000)
    assert problem(many, FORM) == (
        "it lists more than 50,000 rows (empty rows count too: delete the rows below the data)"
    )
    assert problem(many, DATA) == (
        "it lists more than 100,000 rows and cells that hold no value (delete the empty rows "
        "and columns around the data)"
    )


def test_a_workbook_that_unpacks_past_the_limit_is_refused() -> None:
    small = Bounds(unpacked=10_000, rows=10, columns=5, cells=50, idle=10)
    text = rows([["x" * 20_000]])
    assert problem(xlsx({"s": text}), small) == (
        "it unpacks to 21,590 bytes, over the limit of 10,000 bytes"
    )


def test_a_lying_dimension_pads_nothing() -> None:
    data = xlsx({"s": rows([["unit", "q1"], ["AT", 1.5], []])}, dimension="A1:XFD1048576")
    assert open_workbook(data, FORM).rows("s") == [("unit", "q1"), ("AT", 1.5)]


def test_rows_end_at_their_last_value_and_trailing_empty_rows_go() -> None:
    sheet = (
        row(1, ["a", None, "c"])
        + '<row r="2"><c r="A2"><v>1</v></c><c r="F2" s="0"/></row>'  # a styled empty cell
        + row(4, ["d"])
        + "".join(f'<row r="{k}"/>' for k in range(5, 2_000))
    )
    assert open_workbook(xlsx({"s": sheet}), FORM).rows(0) == [
        ("a", None, "c"), (1,), (), ("d",)
    ]  # fmt: skip


def test_a_row_far_below_or_far_right_is_refused() -> None:
    far_below = xlsx({"s": row(1, ["a"]) + '<row r="99999999999"><c r="A5"><v>1</v></c></row>'})
    assert problem(far_below) == (
        "sheet 's' lists more than 50,000 rows (empty rows count too: delete the rows below "
        "the data)"
    )
    far_right = xlsx({"s": '<row r="1"><c r="XFD1"><v>1</v></c></row>'})
    assert problem(far_right) == "sheet 's' row 1 has a value in column 16,384; at most 200 columns"
    assert open_workbook(far_right, DATA).rows(0)[0][-1] == 1  # Excel's last column is data's


def test_padded_rows_count_against_the_cells() -> None:
    # every row reaching column XFD costs 16,384 cells however few values it holds
    wide = "".join(f'<row r="{k}"><c r="XFD{k}"><v>1</v></c></row>' for k in range(1, 10))
    bounds = Bounds(unpacked=DATA.unpacked, rows=100, columns=20_000, cells=100_000, idle=100)
    assert problem(xlsx({"s": wide}), bounds) == "sheet 's' holds more than 100,000 cells"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "not an XLSX workbook (not a ZIP archive)"),
        (b"PK\x03\x04" + bytes(200), "not an XLSX workbook (not a ZIP archive)"),
        (
            xlsx({"s": rows([["a"]])}, prologue=ENTITY_BOMB),
            "not an XLSX workbook (its XML declares entities, which can expand to gigabytes)",
        ),
        (xlsx({"s": "<row><c><v>1</c></row>"}), "sheet 's' cannot be read (ExpatError: mismatched"),
    ],
    ids=["text", "zip-header-only", "entity-bomb", "broken-xml"],
)
def test_what_is_not_a_workbook_is_a_workbook_error(data: bytes, message: str) -> None:
    assert problem(data).startswith(message)


def test_a_damaged_archive_is_a_workbook_error() -> None:
    good = io.BytesIO()
    Workbook().save(good)
    damaged = bytearray(good.getvalue())
    with zipfile.ZipFile(good) as archive:  # flip a byte inside the sheet's compressed data
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged[start + 5] ^= 0xFF
    assert problem(bytes(damaged)).startswith("not an XLSX workbook (a damaged ZIP archive: ")


def test_a_zip_version_zipfile_cannot_read_is_a_workbook_error() -> None:
    # found by fuzzing: "zip file version 6.4" was a NotImplementedError, a 500 on upload
    data = zip_version(xlsx({"s": rows([["a"]])}))
    assert problem(data) == (
        "not an XLSX workbook Polindex can read (NotImplementedError: zip file version 6.4)"
    )


def test_a_sheet_that_is_not_there() -> None:
    data = xlsx({"survey": rows([["a"]])})
    assert problem(data, sheet="choices") == "no sheet named 'choices' (sheets: survey)"
    assert problem(data, sheet=3) == "no sheet 4 (it has 1 sheet)"
