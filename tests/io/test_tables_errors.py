"""Problems with a whole file or its header: each reported with the file, row 1 and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from polindex.framework.models import Framework
from polindex.io import DataError, DataProblem, ReadOptions, encode, read_table

from ..corpus.make import empty_rows_bomb, rows, xlsx


def problems_of(path: Path, fw: Framework, options: ReadOptions | None = None) -> list[str]:
    with pytest.raises(DataError) as info:
        read_table(path, fw, options)
    return [str(p) for p in info.value.problems]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_group_column_in_a_wide_file(tmp_path: Path, tiny_fw: Framework) -> None:
    path = write(tmp_path, "d.csv", "unit,period,q1,A\nX,2024,a,100\n")
    assert problems_of(path, tiny_fw) == [
        f"{path} row 1, column 'A': 'A' is a group of the framework (scores are computed, "
        "not read); to skip such columns, read with extra columns: ignore"
    ]


def test_an_unknown_column_in_a_wide_file(tmp_path: Path, tiny_fw: Framework) -> None:
    path = write(tmp_path, "d.csv", "unit,period,q1,name\nX,2024,a,Exland\n")
    assert problems_of(path, tiny_fw) == [
        f"{path} row 1, column 'name': 'name' is not an indicator of framework 'TINY'; "
        "to skip such columns, read with extra columns: ignore"
    ]


def test_every_bad_header_column_is_listed(tmp_path: Path, tiny_fw: Framework) -> None:
    path = write(tmp_path, "d.csv", "unit,period,B,q1,notes\nX,2024,1,a,x\n")
    found = problems_of(path, tiny_fw)
    assert len(found) == 2
    assert found[0].startswith(f"{path} row 1, column 'B': 'B' is a group")
    assert found[1].startswith(f"{path} row 1, column 'notes': 'notes' is not an indicator")


def test_a_long_file_missing_a_column(tmp_path: Path, tiny_fw: Framework) -> None:
    path = write(tmp_path, "d.csv", "unit,indicator,value\nX,q1,a\n")
    assert problems_of(path, tiny_fw) == [f"{path} row 1: missing column 'period' (long layout)"]


def test_a_wide_file_without_unit_or_period_column(tmp_path: Path, tiny_fw: Framework) -> None:
    path = write(tmp_path, "d.csv", "country,year,q1\nX,2024,a\n")
    assert problems_of(path, tiny_fw) == [
        f"{path} row 1: no unit column 'unit' (name the unit column in the read options)",
        f"{path} row 1: no period column 'period' (name the period column in the read options)",
    ]


def test_a_wide_file_without_any_indicator_column(tmp_path: Path, tiny_fw: Framework) -> None:
    path = write(tmp_path, "d.csv", "unit,period,notes\nX,2024,x\n")
    found = problems_of(path, tiny_fw, ReadOptions(extra_columns="ignore"))
    assert found == [f"{path} row 1: no column is an indicator of the framework"]


def test_a_column_twice_in_the_header(tmp_path: Path, tiny_fw: Framework) -> None:
    path = write(tmp_path, "d.csv", "unit,period,q1,q1\nX,2024,a,b\n")
    assert problems_of(path, tiny_fw) == [
        f"{path} row 1, column 'q1': column appears twice in the header"
    ]


def test_a_column_twice_is_reported_even_when_extra_columns_are_ignored(
    tmp_path: Path, tiny_fw: Framework
) -> None:
    # the second q1 holds data: it must not be silently dropped as an "extra" column
    path = write(tmp_path, "d.csv", "unit,period,q1,q1\nX,2024,a,b\n")
    assert problems_of(path, tiny_fw, ReadOptions(extra_columns="ignore")) == [
        f"{path} row 1, column 'q1': column appears twice in the header"
    ]


def test_an_unknown_file_type(tmp_path: Path, tiny_fw: Framework) -> None:
    path = write(tmp_path, "data.json", "{}")
    assert problems_of(path, tiny_fw) == [f"{path}: unknown file type '.json'; use .csv or .xlsx"]


def test_a_file_that_does_not_exist(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "absent.csv"
    assert problems_of(path, tiny_fw) == [f"{path}: file not found"]


def test_an_unreadable_spreadsheet(tmp_path: Path, tiny_fw: Framework) -> None:
    path = write(tmp_path, "broken.xlsx", "not a zip file")
    found = problems_of(path, tiny_fw)
    assert len(found) == 1
    assert found[0].startswith(f"{path}: cannot read the file: ")


def test_a_workbook_bomb_is_refused_before_it_is_read(tmp_path: Path, tiny_fw: Framework) -> None:
    # regression: pandas read every one of two million empty rows (96 s, 300 MB in issue 13)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(empty_rows_bomb())
    assert problems_of(path, tiny_fw) == [
        f"{path}: cannot read the file: its part xl/worksheets/sheet1.xml is compressed 670 to "
        "1 (at most 100 to 1): refused as a ZIP bomb would be"
    ]


def test_a_sheet_that_is_not_there(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "d.xlsx"
    path.write_bytes(xlsx({"data": rows([["unit", "period", "q1"]])}))
    assert problems_of(path, tiny_fw, ReadOptions(sheet="values")) == [
        f"{path}: cannot read the file: no sheet named 'values' (sheets: data)"
    ]


def test_data_error_message_counts_and_lists_problems() -> None:
    err = DataError(
        [
            DataProblem("d.csv", 4, "value", "x", "not a number"),
            DataProblem("d.csv", None, None, None, "whole-file problem"),
        ]
    )
    assert str(err) == (
        "2 problems in the input data; nothing was computed:\n"
        "  d.csv: whole-file problem\n"
        "  d.csv row 4, column 'value': 'x': not a number"
    )
    assert isinstance(err, ValueError)


def test_text_that_is_not_utf8(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes("unit,period,q1\nMarché,2024,a\n".encode("latin-1"))
    assert problems_of(path, tiny_fw) == [
        f"{path}: not UTF-8 text (byte 20 cannot be read); save it as UTF-8"
    ]


def test_columns_without_a_name(tmp_path: Path, tiny_fw: Framework) -> None:
    # a trailing comma, or a spreadsheet's empty columns, are no column; regression: a value
    # in column XFD gave 16,379 times "column appears twice in the header"
    trailing = write(tmp_path, "d.csv", "unit,period,q1,\nX,2024,a,\n")
    assert read_table(trailing, tiny_fw)["indicator"].tolist() == ["q1"]
    stray = tmp_path / "d.xlsx"
    stray.write_bytes(
        xlsx({"data": rows([["unit", "period", "q1"], ["X", 2024, "a"]])
              + '<row r="3"><c r="XFD3"><v>1</v></c></row>'})
    )  # fmt: skip
    assert problems_of(stray, tiny_fw) == [
        f"{stray} row 1, column '': a column without a name holds values; to skip such "
        "columns, read with extra columns: ignore"
    ]


def test_a_problem_of_a_unit_is_listed_once(tmp_path: Path, tiny_fw: Framework) -> None:
    # the long table repeats a wide file's unit for every indicator column
    path = write(tmp_path, "d.csv", "unit,period,q1,q2\nAT/BE,2024,a,yes\n")
    with pytest.raises(DataError) as caught:
        encode(tiny_fw, read_table(path, tiny_fw), str(path))
    assert [str(p) for p in caught.value.problems] == [
        f"{path} row 2, column 'unit': 'AT/BE': a unit is at most 64 characters, without '/'"
    ]
