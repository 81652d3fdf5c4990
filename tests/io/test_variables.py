"""Variables (denominators, groups) read beside the indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from polindex.engine.dataset import Dataset
from polindex.framework.pipeline import Pipeline
from polindex.io.problems import DataError
from polindex.io.tables import ReadOptions
from polindex.io.variables import align_variables, split_variables

PIPE = Pipeline.model_validate(
    {"variables": [{"code": "pop", "role": "denominator"}, {"code": "region", "role": "group"}]}
)
DS = Dataset.from_arrays(["A", "B"], [2023, 2024], ["q1"], np.zeros((2, 2, 1)))


def test_wide_columns_are_split_off_and_aligned() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["B", "A", "A"],
            "period": ["2024", "2023", "2024"],
            "pop": ["20", "10", "NA"],
            "region": ["south", "north", "north"],
            "q1": ["1", "2", "3"],
        }
    )
    rest, table = split_variables(frame, PIPE, "d.csv", ReadOptions())
    assert rest.columns.tolist() == ["unit", "period", "q1"]
    v = align_variables(table, PIPE, DS, "d.csv")
    np.testing.assert_array_equal(v.numbers["pop"], [[10.0, np.nan], [np.nan, 20.0]])
    assert v.labels["region"].tolist() == [["north", "north"], ["", "south"]]


def test_long_rows_with_variable_codes() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["A", "A", "A"],
            "period": ["2023", "2023", "2023"],
            "indicator": ["q1", "pop", "region"],
            "value": ["5", "12.5", "north"],
        }
    )
    rest, table = split_variables(frame, PIPE, "d.csv", ReadOptions())
    assert rest["indicator"].tolist() == ["q1"]
    v = align_variables(table, PIPE, DS, "d.csv")
    assert v.numbers["pop"][0, 0] == 12.5
    assert v.labels["region"][0, 0] == "north"


def test_declared_variable_missing_from_the_file() -> None:
    frame = pd.DataFrame({"unit": ["A"], "period": ["2023"], "pop": ["1"], "q1": ["1"]})
    with pytest.raises(DataError) as info:
        split_variables(frame, PIPE, "d.csv", ReadOptions())
    assert [(p.row, p.column, p.reason) for p in info.value.problems] == [
        (1, "region", "variable declared by the pipeline is not in the data")
    ]


def test_non_numeric_denominator_names_row_and_column() -> None:
    frame = pd.DataFrame(
        {"unit": ["A", "B"], "period": ["2023", "2023"], "pop": ["1", "many"], "region": ["x", "y"]}
    )
    _, table = split_variables(frame, PIPE, "d.csv", ReadOptions())
    with pytest.raises(DataError) as info:
        align_variables(table, PIPE, DS, "d.csv")
    assert [(p.row, p.column, p.value, p.reason) for p in info.value.problems] == [
        (3, "pop", "many", "not a number")
    ]
