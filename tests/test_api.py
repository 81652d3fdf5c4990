"""`polindex.score` takes a path, a data frame, records or a data set, with the same results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import polindex
from polindex.engine import Results
from polindex.framework.models import Framework
from polindex.io.tables import TABLE_COLUMNS

CODES = ["q1", "q2", "q3", "q4"]
WIDE = "unit,period,q1,q2,q3,q4\nX,2024,a,yes,6,1\nY,2024,c,no,30,n/a\n"
RECORDS = [
    *[("X", 2024, code, value) for code, value in zip(CODES, ["a", "yes", 6, 1], strict=True)],
    *[("Y", 2024, code, value) for code, value in zip(CODES, ["c", "no", 30, "n/a"], strict=True)],
]
# node order q1 q2 q3 q4 A B TINY; X: B = (75 + 100)/2, TINY = (100 + 2·87.5)/3
EXPECTED = np.array(
    [[100, 100, 75, 100, 100, 87.5, 275 / 3], [0, 0, 0, np.nan, 0, 0, 0]], dtype=float
)


def check(res: Results) -> None:
    assert res.units == ("X", "Y")
    assert res.periods == (2024,)
    np.testing.assert_allclose(res.scores[0, :, 0], EXPECTED, rtol=0, atol=1e-12)
    assert res.aggregation.not_applicable[1, 0, 3]


def test_score_a_path(tmp_path: Path, tiny_yaml: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE, encoding="utf-8")
    res = polindex.score(tiny_yaml, path)  # framework given as a path too
    check(res)
    assert res.spec["source"] == str(path)
    assert polindex.score(tiny_yaml, str(path)).spec["source"] == str(path)


def test_score_a_wide_data_frame(tiny_fw: Framework) -> None:
    frame = pd.DataFrame(
        {
            "unit": ["X", "Y"],
            "period": [2024, 2024],
            "q1": ["a", "c"],
            "q2": [True, False],
            "q3": [6, 30],
            "q4": ["1", "n/a"],
        }
    )
    res = polindex.score(tiny_fw, frame)
    check(res)
    assert res.spec["source"] == "<data frame>"


def test_score_a_data_frame_with_numeric_option_codes_and_gaps(tiny_fw: Framework) -> None:
    # a numeric column with a gap is float in pandas: option code 1 arrives as 1.0,
    # as it does from a spreadsheet, and must still be option "1"
    frame = pd.DataFrame(
        {"unit": ["X", "Y"], "period": [2024, 2024], "q2": ["yes", "yes"], "q4": [1, None]}
    )
    assert frame["q4"].dtype == np.float64
    res = polindex.score(tiny_fw, frame)
    assert res.score("q4", unit="X") == 100.0
    assert np.isnan(res.score("q4", unit="Y"))


def test_score_a_long_data_frame(tiny_fw: Framework) -> None:
    frame = pd.DataFrame(RECORDS, columns=["unit", "period", "indicator", "value"])
    frame["value"] = frame["value"].astype(str)
    check(polindex.score(tiny_fw, frame))


def test_score_records(tiny_fw: Framework) -> None:
    res = polindex.score(tiny_fw, RECORDS)
    check(res)
    assert res.spec["source"] == "<records>"


def test_score_a_dataset(tiny_fw: Framework) -> None:
    dataset = polindex.score(tiny_fw, RECORDS).dataset
    res = polindex.score(tiny_fw, dataset)
    check(res)
    assert res.spec["source"] == "<dataset>"
    assert res.inputs is None
    assert res.dataset is dataset


def test_every_kind_of_input_gives_identical_results(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE, encoding="utf-8")
    results = [
        polindex.score(tiny_fw, path),
        polindex.score(tiny_fw, pd.read_csv(path, dtype=str, keep_default_na=False)),
        polindex.score(tiny_fw, RECORDS),
    ]
    results.append(polindex.score(tiny_fw, results[0].dataset))
    first = results[0]
    for other in results[1:]:
        np.testing.assert_array_equal(other.scores, first.scores)
        np.testing.assert_array_equal(other.ranks, first.ranks)
        pd.testing.assert_frame_equal(other.table(), first.table())


def test_spec_records_how_the_results_were_made(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE, encoding="utf-8")
    spec = polindex.score(tiny_fw, path, column_prefix="", extra_columns="ignore").spec
    assert spec["engine"] == f"polindex {polindex.__version__}"
    assert spec["framework"] == {"code": "TINY", "version": "1.0"}
    assert spec["source"] == str(path)
    assert spec["scored"] is False
    assert spec["read_options"]["extra_columns"] == "ignore"
    assert spec["read_options"]["unit_column"] == "unit"


def test_inputs_keep_the_long_table(tmp_path: Path, tiny_fw: Framework) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE, encoding="utf-8")
    res = polindex.score(tiny_fw, path)
    assert res.inputs is not None
    assert list(res.inputs.columns) == TABLE_COLUMNS
    assert len(res.inputs) == 8
    cell = res.inputs[(res.inputs.unit == "Y") & (res.inputs.indicator == "q3")].iloc[0]
    assert (cell["value"], cell["row"], cell["column"]) == ("30", 3, "q3")
    from_records = polindex.score(tiny_fw, RECORDS).inputs
    assert from_records is not None
    assert from_records["row"].tolist() == list(range(1, 9))


def test_scored_values(tiny_fw: Framework) -> None:
    rows = [("X", 2024, "q1", 40), ("X", 2024, "q2", 80), ("X", 2024, "q3", 10)]
    res = polindex.score(tiny_fw, rows, scored=True)
    # A = 60; B = q3 = 10; TINY = (60 + 2·10) / 3
    assert res.score(unit="X") == pytest.approx(80 / 3, abs=1e-12)
    assert res.spec["scored"] is True


def test_bad_data_raise_data_error(tiny_fw: Framework) -> None:
    with pytest.raises(polindex.DataError, match=r"<records> row 1, column 'value': 'z'"):
        polindex.score(tiny_fw, [("X", 2024, "q1", "z")])


def test_scores_the_aggregation_cannot_take_are_a_score_error() -> None:
    # regression: an AggregationError (not a PolindexError) escaped score and release_results
    fw = polindex.load_framework(
        {
            "code": "G",
            "name": "Geometric",
            "children": [
                {"code": "A", "aggregation": "geometric", "indicators": [
                    {"code": "p", "type": "numeric"}, {"code": "q", "type": "numeric"}]},
            ],
        }
    )  # fmt: skip
    rows = [("AT", 2024, "p", 0), ("AT", 2024, "q", 50), ("BE", 2024, "p", 9), ("BE", 2024, "q", 1)]
    for run in (polindex.score, polindex.release_results):
        with pytest.raises(polindex.ScoreError) as caught:
            run(fw, rows)
        assert caught.value.problems == [
            "A (geometric) of AT, 2024: needs positive values; children p=0, q=50",
            "Fix (geometric): normalise onto a strictly positive range (e.g. minmax 1–100) or "
            "use arithmetic.",
        ]
