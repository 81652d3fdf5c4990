"""Reading long and wide CSV and XLSX files into the long table, and scoring what was read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from polindex.engine import Dataset
from polindex.framework.models import Framework
from polindex.io import ReadOptions, encode, read_table
from polindex.io.tables import TABLE_COLUMNS

WIDE = "unit,period,q1,q2,q3,q4\nX,2024,a,yes,6,1\nY,2024,c,no,30,n/a\n"
LONG = (
    "unit,period,indicator,value\n"
    "X,2024,q1,a\nX,2024,q2,yes\nX,2024,q3,6\nX,2024,q4,1\n"
    "Y,2024,q1,c\nY,2024,q2,no\nY,2024,q3,30\nY,2024,q4,n/a\n"
)


def assert_example_dataset(ds: Dataset) -> None:
    """X: a, yes, 6 months, option 1; Y: c, no, 30 months (truncated), n/a."""
    assert ds.units == ("X", "Y")
    assert ds.periods == (2024,)
    assert ds.indicators == ("q1", "q2", "q3", "q4")
    # q3: goalposts 0→24 reversed: 6 → 100·(1 − 6/24) = 75; 30 → past the goalpost → 0
    np.testing.assert_array_equal(ds.values[:, 0], [[100, 100, 75, 100], [0, 0, 0, np.nan]])
    np.testing.assert_array_equal(ds.raw[:, 0], [[100, 1, 6, 100], [0, 0, 30, np.nan]])
    assert ds.not_applicable[:, 0].tolist() == [[False] * 4, [False, False, False, True]]
    assert ds.present.tolist() == [[True], [True]]


def test_wide_csv(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE, encoding="utf-8")
    table = read_table(path, tiny_fw)
    assert list(table.columns) == TABLE_COLUMNS
    assert len(table) == 8
    first = table.iloc[0].to_dict()
    assert first == {
        "unit": "X", "period": "2024", "indicator": "q1", "value": "a", "row": 2, "column": "q1"
    }  # fmt: skip
    y_q4 = table[(table.unit == "Y") & (table.indicator == "q4")].iloc[0]
    assert (y_q4["value"], y_q4["row"], y_q4["column"]) == ("n/a", 3, "q4")
    assert_example_dataset(encode(tiny_fw, table, str(path)))


def test_long_csv(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "long.csv"
    path.write_text(LONG, encoding="utf-8")
    table = read_table(path, tiny_fw)
    assert len(table) == 8
    assert table["row"].tolist() == list(range(2, 10))
    assert set(table["column"]) == {"value"}
    assert_example_dataset(encode(tiny_fw, table, str(path)))


def test_long_header_is_case_insensitive_and_bom_is_ignored(
    tmp_path: Path, tiny_fw: Framework
) -> None:
    path = tmp_path / "long.csv"
    path.write_text("Unit,Period,Indicator,Value\n" + LONG.split("\n", 1)[1], encoding="utf-8-sig")
    assert_example_dataset(encode(tiny_fw, read_table(path, tiny_fw)))


def test_tab_separated_file(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "wide.tsv"
    path.write_text(WIDE.replace(",", "\t"), encoding="utf-8")
    assert_example_dataset(encode(tiny_fw, read_table(path, tiny_fw)))


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)


def test_wide_xlsx_with_numeric_cells(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "wide.xlsx"
    write_xlsx(
        path,
        [
            ["unit", "period", "q1", "q2", "q3", "q4"],
            ["X", 2024, "a", True, 6, 1],  # option code 1 stored as a number
            ["Y", 2024, "c", False, 30, "n/a"],
        ],
    )
    table = read_table(path, tiny_fw)
    values = dict(zip(table["unit"] + "." + table["indicator"], table["value"], strict=True))
    assert values["X.q4"] == "1"
    assert values["X.q2"] == "true"
    assert values["X.q3"] == "6"
    assert set(table["period"]) == {"2024"}
    assert_example_dataset(encode(tiny_fw, table, str(path)))


def test_long_xlsx_with_float_cells(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "long.xlsx"
    write_xlsx(
        path,
        [
            ["unit", "period", "indicator", "value"],
            ["X", 2024.0, "q4", 1.0],  # a whole float loses its ".0"
            ["X", 2024.0, "q3", 7.5],
            ["X", 2024.0, "q2", 1],
        ],
    )
    table = read_table(path, tiny_fw)
    assert table["value"].tolist() == ["1", "7.5", "1"]
    assert table["period"].tolist() == ["2024"] * 3
    assert table["row"].tolist() == [2, 3, 4]
    ds = encode(tiny_fw, table, str(path))
    # q3: 100·(1 − 7.5/24) = 68.75
    np.testing.assert_array_equal(ds.values[0, 0], [np.nan, 100, 68.75, 100])


def test_xlsx_sheet_option(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["nothing here"])
    ws = wb.create_sheet("data")
    for row in (["unit", "period", "q1"], ["X", 2024, "b"]):
        ws.append(row)
    wb.save(path)
    table = read_table(path, tiny_fw, ReadOptions(sheet="data"))
    assert table[["unit", "indicator", "value"]].values.tolist() == [["X", "q1", "b"]]


def test_column_prefix_is_stripped_and_reported_with_it(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "impic-like.csv"
    path.write_text("unit,period,AvgS_q1,AvgS_q3\nX,2024,b,12\n", encoding="utf-8")
    table = read_table(path, tiny_fw, ReadOptions(column_prefix="AvgS_"))
    assert table["indicator"].tolist() == ["q1", "q3"]
    assert table["column"].tolist() == ["AvgS_q1", "AvgS_q3"]
    ds = encode(tiny_fw, table)
    np.testing.assert_array_equal(ds.values[0, 0], [50, np.nan, 50, np.nan])


def test_extra_columns_can_be_ignored(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("unit,period,name,q1,A,TINY\nX,2024,Exland,c,0,0\n", encoding="utf-8")
    table = read_table(path, tiny_fw, ReadOptions(extra_columns="ignore"))
    assert table[["indicator", "value"]].values.tolist() == [["q1", "c"]]


def test_unit_and_period_columns_can_be_named(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "named.csv"
    path.write_text("cntry,year,q1\nX,2010,a\nX,2011,b\n", encoding="utf-8")
    table = read_table(path, tiny_fw, ReadOptions(unit_column="cntry", period_column="year"))
    assert table[["unit", "period", "value"]].values.tolist() == [
        ["X", "2010", "a"],
        ["X", "2011", "b"],
    ]


def test_one_period_for_a_file_without_period_column(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "one-period.csv"
    path.write_text("unit,q1\nX,a\n", encoding="utf-8")
    table = read_table(path, tiny_fw, ReadOptions(period="2030"))
    assert table[["unit", "period", "value"]].values.tolist() == [["X", "2030", "a"]]


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        (["2009", "2010", "1999"], [1999, 2009, 2010]),  # all whole numbers: numeric order
        (["2020-Q2", "2020-Q1"], ["2020-Q1", "2020-Q2"]),
    ],
)
def test_periods_are_sorted(
    tmp_path: Path, tiny_fw: Framework, periods: list[str], expected: list[object]
) -> None:
    path = tmp_path / "periods.csv"
    path.write_text("unit,period,q1\n" + "".join(f"X,{p},a\n" for p in periods), encoding="utf-8")
    ds = encode(tiny_fw, read_table(path, tiny_fw))
    assert list(ds.periods) == expected


def test_xlsx_cells_read_as_csv_cells_do(tmp_path: Path, tiny_fw: Framework) -> None:
    # regression: pandas' reader turned the text "n/a" (not applicable) and "NA" into empty
    # cells (missing) in workbooks, never in CSV files
    path = tmp_path / "wide.xlsx"
    write_xlsx(path, [["unit", "period", "q1", "q2"], ["X", 2024, "n/a", "NA"]])
    table = read_table(path, tiny_fw)
    assert table["value"].tolist() == ["n/a", "NA"]
    ds = encode(tiny_fw, table)
    assert ds.not_applicable[0, 0, 0]
    assert np.isnan(ds.values[0, 0, 1])
    assert not ds.not_applicable[0, 0, 1]


def test_xlsx_formula_errors_are_empty_cells(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "wide.xlsx"
    write_xlsx(path, [["unit", "period", "q3"], ["X", 2024, "#DIV/0!"], ["Y", 2024, "#N/A"]])
    assert read_table(path, tiny_fw)["value"].tolist() == ["", ""]
