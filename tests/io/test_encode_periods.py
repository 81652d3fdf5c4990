"""Periods written in different ways are one period; whole-number periods sort as numbers."""

from __future__ import annotations

import pytest

import polindex
from polindex.io import DataError


@pytest.fixture
def fw() -> polindex.Framework:
    return polindex.load_framework(
        {
            "code": "T",
            "name": "T",
            "indicators": [{"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}],
        }
    )


def test_one_year_written_three_ways_is_one_period(fw: polindex.Framework) -> None:
    res = polindex.score(fw, [("A", "2019", "q1", "yes"), ("A", "2019.0", "q2", "no")])
    assert res.periods == (2019,)
    assert res.score(unit="A", period=2019) == 50.0


def test_the_same_cell_under_two_spellings_of_a_year_is_a_duplicate(
    fw: polindex.Framework,
) -> None:
    with pytest.raises(DataError) as info:
        polindex.score(fw, [("A", "2019", "q1", "yes"), ("A", "02019", "q1", "no")])
    assert [(p.row, p.reason) for p in info.value.problems] == [
        (2, "duplicate of row 1 (same unit, period and indicator)")
    ]


def test_years_sort_as_numbers_and_text_periods_as_text(fw: polindex.Framework) -> None:
    years = polindex.score(fw, [("A", str(y), "q1", "yes") for y in (2010, 999, 2009)])
    assert years.periods == (999, 2009, 2010)
    quarters = polindex.score(fw, [("A", q, "q1", "yes") for q in ("2020-Q2", "2020-Q1")])
    assert quarters.periods == ("2020-Q1", "2020-Q2")
