"""Writing results: CSV, XLSX and JSON read back equal; bad suffixes and failed writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import polindex
from polindex.engine import Results
from polindex.errors import OutputError
from polindex.framework.models import Framework
from polindex.io import write_results, writers

NODES = ["q1", "q2", "q3", "q4", "A", "B", "TINY"]
# X: a, yes, 6 months, option 1 → B = (75 + 100) / 2 = 87.5, TINY = (100 + 2·87.5) / 3
# Y: c, no, 30 months, n/a       → every score 0, q4 not applicable
X_SCORES = [100.0, 100.0, 75.0, 100.0, 100.0, 87.5, 275 / 3]
Y_SCORES = [0.0, 0.0, 0.0, np.nan, 0.0, 0.0, 0.0]


@pytest.fixture
def results(tiny_fw: Framework) -> Results:
    rows = [("X", 2024, "q1", "a"), ("X", 2024, "q2", "yes"), ("X", 2024, "q3", 6)]
    rows += [("X", 2024, "q4", 1), ("Y", 2024, "q1", "c"), ("Y", 2024, "q2", "no")]
    rows += [("Y", 2024, "q3", 30), ("Y", 2024, "q4", "n/a")]
    return polindex.score(tiny_fw, rows)


def test_csv_round_trip(tmp_path: Path, results: Results) -> None:
    path = write_results(results, tmp_path / "out.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == list(results.table().columns)
    assert len(back) == 14
    assert back["node"].tolist() == NODES * 2
    np.testing.assert_array_equal(back["score"], X_SCORES + Y_SCORES)  # full precision
    assert back["status"].tolist()[7:] == ["ok"] * 3 + ["not applicable"] + ["ok"] * 3
    fav, slightly = "favourable", "slightly_favourable"
    assert back["band"].tolist()[:7] == [fav, fav, slightly, fav, fav, fav, fav]  # q3 is 75
    assert back["rank"].tolist()[-1] == 2


def test_xlsx_round_trip(tmp_path: Path, results: Results) -> None:
    path = write_results(results, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["scores", "TINY by period", "about"]
    rows = list(wb["scores"].values)
    assert list(rows[0]) == list(results.table().columns)
    assert len(rows) == 1 + 14
    scores = [r[6] for r in rows[1:]]
    assert scores[:7] == pytest.approx(X_SCORES, abs=1e-12)
    assert scores[7:10] + scores[11:] == [0, 0, 0, 0, 0, 0]
    assert scores[10] is None  # q4 of Y: not applicable
    by_period = list(wb["TINY by period"].values)
    assert by_period[1][0] == "X"
    assert by_period[1][1] == pytest.approx(275 / 3, abs=1e-12)
    about = dict(list(wb["about"].values)[1:])
    assert about["index"] == "TINY"
    assert json.loads(about["units"]) == ["X", "Y"]


def test_json_round_trip(tmp_path: Path, results: Results) -> None:
    path = write_results(results, tmp_path / "out.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    meta = doc["metadata"]
    assert meta["index"] == "TINY"
    assert meta["name"] == {"en": "Tiny index", "fr": "Indice minuscule"}
    assert meta["units"] == ["X", "Y"]
    assert meta["periods"] == [2024]
    assert meta["scale"] == {"min": 0.0, "max": 100.0}
    assert meta["spec"]["source"] == "<records>"
    assert meta["generated_by"] == f"polindex {polindex.__version__}"
    scores = doc["scores"]
    assert len(scores) == 14
    assert [s["score"] for s in scores[:7]] == X_SCORES
    y_q4 = scores[10]
    assert (y_q4["unit"], y_q4["node"], y_q4["score"], y_q4["rank"]) == ("Y", "q4", None, None)
    assert y_q4["status"] == "not applicable"
    assert scores[6]["rank"] == 1
    assert scores[6]["period"] == 2024


def test_unknown_suffix(tmp_path: Path, results: Results) -> None:
    with pytest.raises(OutputError) as info:
        write_results(results, tmp_path / "out.txt")
    assert info.value.problems == [
        "cannot write 'out.txt': unknown format '.txt'; use .csv, .xlsx, .json"
    ]
    assert not (tmp_path / "out.txt").exists()


def test_suffix_is_case_insensitive_and_folders_are_created(
    tmp_path: Path, results: Results
) -> None:
    path = write_results(results, tmp_path / "new" / "folder" / "OUT.CSV")
    assert len(pd.read_csv(path)) == 14


def test_a_failed_write_leaves_the_existing_file_untouched(
    tmp_path: Path, results: Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous results\n", encoding="utf-8")

    def half_then_fail(res: Results, path: Path) -> None:
        path.write_text("unit,period\nX,", encoding="utf-8")
        raise RuntimeError("disk full")

    monkeypatch.setitem(writers.WRITERS, ".csv", half_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        write_results(results, target)
    assert target.read_text(encoding="utf-8") == "previous results\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left


def test_overwriting_replaces_the_whole_file(tmp_path: Path, results: Results) -> None:
    target = tmp_path / "out.json"
    target.write_text("x" * 100_000, encoding="utf-8")
    write_results(results, target)
    assert json.loads(target.read_text(encoding="utf-8"))["metadata"]["index"] == "TINY"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    import csv

    import numpy as np
    from openpyxl import load_workbook

    from polindex.engine import Dataset, compute
    from polindex.framework import load_framework

    fw = load_framework(
        {"code": "T", "name": "T", "indicators": [{"code": "q", "type": "numeric"}]}
    )
    res = compute(
        fw, Dataset.from_arrays(["=1+1", "B"], [2024], ["q"], np.array([[[9.0]], [[1.0]]]))
    )
    write_results(res, tmp_path / "r.csv")
    write_results(res, tmp_path / "r.xlsx")
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8")))
    assert {r["unit"] for r in rows} == {"'=1+1", "B"}
    sheet = load_workbook(tmp_path / "r.xlsx")["scores"]
    assert [(c.value, c.data_type) for c in sheet["A"][1:3]] == [("=1+1", "s"), ("=1+1", "s")]
