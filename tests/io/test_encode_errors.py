"""Row-level problems in the values: exact messages, rows and columns, all reported at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import polindex
from polindex.framework.models import Framework
from polindex.io import DataError, encode, read_table
from polindex.io.tables import long_from_records


def problems_in(path: Path, fw: Framework, scored: bool = False) -> list[str]:
    with pytest.raises(DataError) as info:
        encode(fw, read_table(path, fw), str(path), scored=scored)
    return [str(p) for p in info.value.problems]


def long_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("unit,period,indicator,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_unknown_indicator_code(tmp_path: Path, tiny_fw: Framework) -> None:
    path = long_csv(tmp_path, "X,2024,q1,a", "X,2024,q9,a")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 3, column 'indicator': 'q9': unknown indicator 'q9' (not in framework 'TINY')"
    ]


def test_a_group_code_in_a_long_file(tmp_path: Path, tiny_fw: Framework) -> None:
    path = long_csv(tmp_path, "X,2024,A,50")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 2, column 'indicator': 'A': "
        "'A' is a group of the framework; its score is computed, not read"
    ]


def test_unknown_option_code_lists_the_options(tmp_path: Path, tiny_fw: Framework) -> None:
    path = long_csv(tmp_path, "X,2024,q1,d", "X,2024,q4,3")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 2, column 'value': 'd': not an answer option of q1 (options: a, b, c)",
        f"{path} row 3, column 'value': '3': not an answer option of q4 (options: 1, 2)",
    ]


def test_option_codes_are_case_sensitive(tmp_path: Path, tiny_fw: Framework) -> None:
    path = long_csv(tmp_path, "X,2024,q1,A")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 2, column 'value': 'A': not an answer option of q1 (options: a, b, c); "
        "codes are case-sensitive: 'a'?"
    ]


@pytest.mark.parametrize("value", ["49", "-1", "48.5"])
def test_number_outside_the_bounds(tmp_path: Path, tiny_fw: Framework, value: str) -> None:
    path = long_csv(tmp_path, f"X,2024,q3,{value}")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 2, column 'value': '{value}': outside the bounds of q3 (0 to 48)"
    ]


def test_bounds_are_inclusive(tmp_path: Path, tiny_fw: Framework) -> None:
    path = long_csv(tmp_path, "X,2024,q3,0", "Y,2024,q3,48")
    ds = encode(tiny_fw, read_table(path, tiny_fw))
    assert ds.values[:, 0, 2].tolist() == [100.0, 0.0]


@pytest.mark.parametrize("value", ["lots", "1,5", "inf"])
def test_text_where_a_number_belongs(tmp_path: Path, tiny_fw: Framework, value: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(f'unit,period,indicator,value\nX,2024,q3,"{value}"\n', encoding="utf-8")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 2, column 'value': '{value}': not a number (q3 is numeric)"
    ]


def test_a_bad_boolean(tmp_path: Path, tiny_fw: Framework) -> None:
    path = long_csv(tmp_path, "X,2024,q2,maybe")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 2, column 'value': 'maybe': q2 is yes/no: give true/false, yes/no or 1/0"
    ]


def test_duplicate_rows_report_the_later_mentioning_the_first(
    tmp_path: Path, tiny_fw: Framework
) -> None:
    path = long_csv(tmp_path, "X,2024,q1,a", "Y,2024,q1,b", "X,2024,q1,b", "X,2024,q1,c")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 4, column 'value': 'b': duplicate of row 2 (same unit, period and indicator)",
        f"{path} row 5, column 'value': 'c': duplicate of row 2 (same unit, period and indicator)",
    ]


def test_duplicate_rows_in_a_wide_file(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("unit,period,q1\nX,2024,a\nX,2024,a\n", encoding="utf-8")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 3, column 'q1': 'a': duplicate of row 2 (same unit, period and indicator)"
    ]


def test_empty_unit_or_period(tmp_path: Path, tiny_fw: Framework) -> None:
    path = long_csv(tmp_path, ",2024,q1,a", "X,,q1,a")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 2, column 'unit': '': empty unit",
        f"{path} row 3, column 'period': '': empty period",
    ]


def test_a_value_where_the_indicator_does_not_apply(tmp_path: Path, tiny_fw: Framework) -> None:
    path = long_csv(tmp_path, "X,2024,q2,no", "X,2024,q4,1", "Y,2024,q2,NO", "Y,2024,q4,2")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 3, column 'value': '1': q4 does not apply where q2 is 'no'; "
        "leave it empty or write n/a",
        f"{path} row 5, column 'value': '2': q4 does not apply where q2 is 'NO'; "
        "leave it empty or write n/a",
    ]


def test_direction_minus_one_without_goalposts(tiny_spec: dict[str, Any]) -> None:
    tiny_spec["areas"][1]["indicators"][0] = {"code": "q3", "type": "numeric", "direction": -1}
    fw = polindex.load_framework(tiny_spec)
    with pytest.raises(DataError) as info:
        encode(fw, long_from_records([("X", 2024, "q3", 5)]), "<records>")
    assert [str(p) for p in info.value.problems] == [
        "<records>: q3 has direction -1 but no goalposts, so its raw values cannot be scored; "
        "add goalposts, or pass values that are already scores (scored)"
    ]


def test_numeric_without_goalposts_must_lie_on_the_scale(tiny_spec: dict[str, Any]) -> None:
    tiny_spec["areas"][1]["indicators"][0] = {"code": "q3", "type": "numeric"}
    fw = polindex.load_framework(tiny_spec)
    table = long_from_records([("X", 2024, "q3", 150), ("Y", 2024, "q3", 42.5)])
    with pytest.raises(DataError) as info:
        encode(fw, table, "<records>")
    assert [str(p) for p in info.value.problems] == [
        "<records> row 1, column 'value': '150': q3 has no goalposts, so values are scores "
        "and must lie within the index scale 0–100"
    ]
    ok = encode(fw, table.iloc[1:], "<records>")
    assert ok.values[0, 0, 2] == 42.5


def test_several_problems_are_all_listed(tmp_path: Path, tiny_fw: Framework) -> None:
    path = long_csv(
        tmp_path,
        "X,2024,q1,a",  # 2 fine
        "X,2024,q9,a",  # 3 unknown indicator
        "X,2024,q2,maybe",  # 4 bad boolean
        "X,2024,q3,50",  # 5 out of bounds
        "Y,2024,q3,lots",  # 6 not a number
        "Y,2024,q1,d",  # 7 unknown option
        "X,2024,q1,b",  # 8 duplicate of row 2
    )
    with pytest.raises(DataError) as info:
        encode(tiny_fw, read_table(path, tiny_fw), str(path))
    err = info.value
    assert [(p.row, p.column, p.value) for p in err.problems] == [
        (3, "indicator", "q9"),
        (4, "value", "maybe"),
        (5, "value", "50"),
        (6, "value", "lots"),
        (7, "value", "d"),
        (8, "value", "b"),
    ]
    assert all(p.file == str(path) for p in err.problems)
    lines = str(err).splitlines()
    assert lines[0] == "6 problems in the input data; nothing was computed:"
    assert lines[1:] == [f"  {p}" for p in err.problems]


def test_applicability_problems_are_listed_with_the_other_problems(
    tmp_path: Path, tiny_fw: Framework
) -> None:
    # the module promises every problem at once: a value given where it does not apply is
    # one of them, and must not wait until the other problems are fixed
    path = long_csv(tmp_path, "X,2024,q1,d", "X,2024,q2,no", "X,2024,q4,1")
    assert problems_in(path, tiny_fw) == [
        f"{path} row 2, column 'value': 'd': not an answer option of q1 (options: a, b, c)",
        f"{path} row 4, column 'value': '1': q4 does not apply where q2 is 'no'; "
        "leave it empty or write n/a",
    ]


def test_more_than_fifty_problems_are_summarised(tiny_fw: Framework) -> None:
    records = [(f"U{k:02d}", 2024, "q1", "z") for k in range(53)]
    with pytest.raises(DataError) as info:
        encode(tiny_fw, long_from_records(records), "<records>")
    assert len(info.value.problems) == 53
    lines = str(info.value).splitlines()
    assert lines[0] == "53 problems in the input data; nothing was computed:"
    assert len(lines) == 1 + 50 + 1
    assert lines[-1] == "  … and 3 more"


def test_empty_data(tiny_fw: Framework) -> None:
    with pytest.raises(DataError) as info:
        encode(tiny_fw, long_from_records([]), "<records>")
    assert [str(p) for p in info.value.problems] == ["<records>: the data have no values"]


def test_unit_and_period_names_that_would_break_pages_or_charts_are_refused() -> None:
    # regression: a control character in a unit name made the chart renderer abort the server
    # process; a '/' broke the unit page; a long name overflowed the database column
    from polindex.framework import load_framework

    fw = load_framework(
        {"code": "T", "name": "T", "indicators": [{"code": "q", "type": "boolean"}]}
    )
    rows = [
        ("A\x01B", 2024, "q", "yes"),
        ("C/D", 2024, "q", "yes"),
        ("E" * 65, 2024, "q", "yes"),
        ("F", "20\x0024", "q", "yes"),
        ("G", 2024, "q", "yes"),
    ]
    with pytest.raises(DataError) as info:
        encode(fw, long_from_records(rows))
    assert [str(p) for p in info.value.problems] == [
        "<data> row 1, column 'unit': 'A\\x01B': the unit holds a control character",
        "<data> row 2, column 'unit': 'C/D': a unit is at most 64 characters, without '/'",
        f"<data> row 3, column 'unit': '{'E' * 65}': a unit is at most 64 characters, without '/'",
        "<data> row 4, column 'period': '20\\x0024': the period holds a control character",
    ]
