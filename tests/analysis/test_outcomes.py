"""Outcome files are checked row by row (every problem with its row and column, nothing read
on a failure), and a policy node is linked to an outcome with a correlation checked by hand."""

from __future__ import annotations

import io
import math

import openpyxl
import pytest

from polindex.analysis.outcomes import link, outcome_period, read_outcomes
from polindex.io.problems import DataError
from polindex.io.tables import Upload

GOOD = (
    "outcome,label,unit,period,value,measure,source\n"
    "emp_gap,Employment-rate gap,AT,2024,-7.5,percentage points,Synthetic survey\n"
    "emp_gap,Employment-rate gap,BE,2024,-9.25,percentage points,Synthetic survey\n"
    "emp_gap,,DE,2023,-5,,\n"
    "natur,Naturalisation rate,AT,2024,0.8,%,\n"
)


def test_a_good_file_is_read_outcome_by_outcome() -> None:
    read = read_outcomes(Upload("o.csv", GOOD.encode()), known_units={"AT", "BE", "DE"})
    gap, natur = read
    assert (gap.code, gap.label, gap.measure) == (
        "emp_gap",
        "Employment-rate gap",
        "percentage points",
    )
    assert [(v.unit, v.period, v.value, v.row) for v in gap.values] == [
        ("AT", "2024", -7.5, 2),
        ("BE", "2024", -9.25, 3),
        ("DE", "2023", -5.0, 4),
    ]
    assert gap.periods == ["2023", "2024"]
    assert (natur.label, natur.measure, natur.values[0].source) == ("Naturalisation rate", "%", "")


def test_the_same_file_as_xlsx() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append([float(c) if c.lstrip("-").replace(".", "").isdigit() else c
                      for c in line.split(",")])  # fmt: skip
    data = io.BytesIO()
    book.save(data)
    read = read_outcomes(Upload("o.xlsx", data.getvalue()))
    assert [v.value for v in read[0].values] == [-7.5, -9.25, -5.0]
    assert read[0].values[0].period == "2024"


def test_every_problem_is_reported_with_its_row_and_column() -> None:
    bad = (
        "outcome,unit,period,value,measure\n"
        "gap,AT,2024,high,pp\n"  # row 2: not a number
        "gap,,2024,1,pp\n"  # row 3: no unit
        "gap,AT,2024,2,pp\n"  # row 4: a second value for AT 2024 (row 2 claims it too)
        "gap,AT,2024,3,pp\n"  # row 5: a third
        "gap,XX,2024,inf,%\n"  # row 6: unknown unit, infinite, another measure
        "gap,BE,2024,,pp\n"  # row 7: empty value
    )
    with pytest.raises(DataError) as caught:
        read_outcomes(Upload("o.csv", bad.encode()), known_units={"AT", "BE"})
    assert [str(p) for p in caught.value.problems] == [
        "o.csv row 2, column 'value': 'high': not a number",
        "o.csv row 3, column 'unit': empty",
        "o.csv row 4: a second value for gap, AT, 2024 (first in row 2)",
        "o.csv row 5: a second value for gap, AT, 2024 (first in row 2)",
        "o.csv row 6, column 'value': 'inf': not a number",
        "o.csv row 6, column 'unit': 'XX': not a unit of the release",
        "o.csv row 6, column 'measure': '%': gap is 'pp' in row 2: one per outcome",
        "o.csv row 7, column 'value': empty: leave the row out for a missing value",
    ]


def test_a_file_without_the_columns_says_which() -> None:
    with pytest.raises(DataError) as caught:
        read_outcomes(Upload("o.csv", b"country,year,val,notes\nAT,2024,1,x\n"))
    messages = [str(p) for p in caught.value.problems]
    assert messages[0] == (
        "o.csv row 1: missing columns outcome, unit, period, value "
        "(need outcome, unit, period, value)"
    )
    assert "o.csv row 1, column 'notes': unknown column" in messages


def test_periods_align_on_the_same_year_else_the_next() -> None:
    assert outcome_period("2020", ["2020", "2021"]) == "2020"
    assert outcome_period("2020", ["2018", "2021", "2023"]) == "2021"
    assert outcome_period("2024", ["2019", "2022"]) == "2022"
    assert outcome_period("2024", []) is None


def test_the_correlation_and_its_interval_by_hand() -> None:
    # x = 10, 20, 30, 40 and y = 1, 3, 2, 5: sxy = 55, sxx = 500, syy = 8.75,
    # r = 55 / sqrt(4375) = 0.83152; z = atanh(r) = 1.19305, se = 1 / sqrt(4 - 3) = 1,
    # the interval tanh(z ± 1.95996) = (-0.6451, 0.9964)
    scores = {"A": 10.0, "B": 20.0, "C": 30.0, "D": 40.0, "E": None}
    lk = link(scores, {"A": 1, "B": 3, "C": 2, "D": 5, "F": 9}, "2023", "2024")
    assert lk.n == 4
    assert [p[0] for p in lk.pairs] == ["A", "B", "C", "D"]
    assert lk.r == pytest.approx(0.83152, abs=1e-5)
    assert lk.low == pytest.approx(-0.6451, abs=1e-4)
    assert lk.high == pytest.approx(0.9964, abs=1e-4)
    assert lk.lag == 1
    assert math.isclose(lk.r, 55 / math.sqrt(4375))


def test_too_few_pairs_or_no_spread_give_no_correlation() -> None:
    assert link({"A": 1.0, "B": 2.0}, {"A": 1, "B": 2}, "1", "1").r is None
    flat = link(
        {"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0}, {"A": 1, "B": 2, "C": 3, "D": 4}, "1", "1"
    )
    assert flat.r is None
    three = link({"A": 1.0, "B": 2.0, "C": 3.0}, {"A": 2, "B": 4, "C": 7}, "1", "1")
    assert three.r is not None
    assert three.low is None  # (an interval needs 4 pairs)
