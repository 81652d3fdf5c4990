"""`polindex score`: the ranking printed, every score written, bad data reported by row."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from polindex.cli import app

runner = CliRunner()
WIDE = "unit,period,q1,q2,q3,q4\nX,2024,a,yes,6,1\nY,2024,c,no,30,n/a\n"
ROWS = 2 * 1 * 7  # units × periods × nodes


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE, encoding="utf-8")
    return path


def test_score_prints_the_ranking(tiny_yaml: Path, data: Path) -> None:
    result = runner.invoke(app, ["score", str(tiny_yaml), str(data)])
    assert result.exit_code == 0
    out = result.stdout
    assert "Tiny index — 2024" in out
    # X: (100 + 2 · 87.5) / 3 = 91.7, favourable; Y: 0, critically unfavourable
    assert "│    1 │ X    │  91.7 │ Favourable" in out
    assert "│    2 │ Y    │   0.0 │ Critically unfavourable │" in out
    assert out.index("│ X ") < out.index("│ Y ")


def test_score_writes_csv(tiny_yaml: Path, data: Path, tmp_path: Path) -> None:
    folder = tmp_path / ("a-folder-with-a-long-name-" * 4)  # the message longer than 80 columns
    folder.mkdir()
    target = folder / "out.csv"
    result = runner.invoke(app, ["score", str(tiny_yaml), str(data), "-o", str(target)])
    assert result.exit_code == 0
    assert f"Wrote {ROWS} scores to {target}\n" in result.stdout  # one line: the path whole
    table = pd.read_csv(target)
    assert len(table) == ROWS
    index = table[table.node == "TINY"].set_index("unit")["score"]
    assert index["X"] == pytest.approx(275 / 3, abs=1e-12)
    assert index["Y"] == 0.0


def test_score_writes_xlsx(tiny_yaml: Path, data: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["score", str(tiny_yaml), str(data), "--output", str(target)])
    assert result.exit_code == 0
    sheet = openpyxl.load_workbook(target)["scores"]
    assert sheet.max_row == 1 + ROWS


def test_score_writes_json(tiny_yaml: Path, data: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = runner.invoke(app, ["score", str(tiny_yaml), str(data), "-o", str(target)])
    assert result.exit_code == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert len(doc["scores"]) == ROWS
    assert doc["metadata"]["spec"]["source"] == str(data)


def test_score_with_an_unknown_output_format(tiny_yaml: Path, data: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    result = runner.invoke(app, ["score", str(tiny_yaml), str(data), "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr == (
        "cannot write the output:\n"
        "  cannot write 'out.txt': unknown format '.txt'; use .csv, .xlsx, .json\n"
    )
    assert not target.exists()


def test_score_bad_data_lists_every_row(tiny_yaml: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("unit,period,q1,q2,q3\nX,2024,d,yes,6\nY,2024,c,perhaps,lots\n", "utf-8")
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", str(tiny_yaml), str(path), "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "3 problems in the input data; nothing was computed:",
        f"  {path} row 2, column 'q1': 'd': not an answer option of q1 (options: a, b, c)",
        f"  {path} row 3, column 'q2': 'perhaps': q2 is yes/no: give true/false, yes/no or 1/0",
        f"  {path} row 3, column 'q3': 'lots': not a number (q3 is numeric)",
    ]
    assert not target.exists()


def test_score_with_read_options(tiny_yaml: Path, tmp_path: Path) -> None:
    path = tmp_path / "impic-like.csv"
    path.write_text("cntry,year,name,AvgS_q1\nX,2010,Exland,a\nY,2010,Whyland,b\n", "utf-8")
    args = ["score", str(tiny_yaml), str(path), "--unit-column", "cntry", "--period-column"]
    args += ["year", "--column-prefix", "AvgS_", "--ignore-extra-columns"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    # A = q1 alone; B has no data; TINY = A
    assert "│    1 │ X    │ 100.0 │" in result.stdout
    assert "│    2 │ Y    │  50.0 │" in result.stdout


def test_score_with_a_missing_data_file(tiny_yaml: Path, tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    result = runner.invoke(app, ["score", str(tiny_yaml), str(path)])
    assert result.exit_code == 1
    assert f"{path}: file not found" in result.stderr


def test_ranking_shows_the_change_since_the_previous_period(
    tiny_yaml: Path, tmp_path: Path
) -> None:
    path = tmp_path / "two-periods.csv"
    path.write_text("unit,period,q1\nX,2023,c\nX,2024,b\nY,2023,a\nY,2024,a\n", "utf-8")
    result = runner.invoke(app, ["score", str(tiny_yaml), str(path)])
    assert result.exit_code == 0
    assert "Change" in result.stdout
    assert "│    2 │ X    │  50.0 │ Halfway favourable │  +50.0 │" in result.stdout
    assert "│    1 │ Y    │ 100.0 │ Favourable         │    0.0 │" in result.stdout  # no sign
    earlier = runner.invoke(app, ["score", str(tiny_yaml), str(path), "--period", "2023"])
    assert "│    2 │ X    │   0.0 │ Critically unfavourable │" in earlier.stdout
    assert "Change" not in earlier.stdout


def test_no_band_column_without_bands(tiny_spec: dict[str, object], tmp_path: Path) -> None:
    del tiny_spec["bands"]
    fw = tmp_path / "no-bands.yaml"
    fw.write_text(yaml.safe_dump(tiny_spec), encoding="utf-8")
    path = tmp_path / "d.csv"
    path.write_text("unit,period,q1\nX,2024,b\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(fw), str(path)])
    assert result.exit_code == 0
    assert "Band" not in result.stdout
    assert "│    1 │ X    │  50.0 │" in result.stdout


def test_single_period_for_a_file_without_period_column(tiny_yaml: Path, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("unit,q1\nX,a\nY,c\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    args = ["score", str(tiny_yaml), str(path), "--single-period", "2030", "-o", str(target)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "Tiny index — 2030" in result.stdout
    assert set(pd.read_csv(target)["period"]) == {2030}


def test_scores_the_aggregation_cannot_take_are_reported(tmp_path: Path) -> None:
    # regression: a harmonic mean over a zero score was an AggregationError traceback, and a
    # 500 where a release was published from such data (found by fuzzing odd frameworks)
    fw = tmp_path / "fw.yaml"
    fw.write_text(
        "code: H\nname: Harmonic\naggregation: harmonic\nindicators:\n"
        "  - {code: p, type: numeric}\n  - {code: q, type: numeric}\n",
        encoding="utf-8",
    )
    data = tmp_path / "d.csv"
    data.write_text("unit,period,p,q\nAT,2024,0,50\nBE,2024,20,40\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(fw), str(data)])
    assert result.exit_code == 1
    assert "2 problems scoring the index; nothing was computed:" in result.output
    assert "H (harmonic) of AT, 2024: needs non-zero values; children p=0, q=50" in result.output
