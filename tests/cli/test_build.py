"""`polindex build` and `polindex import-coinr` on small files written here."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from polindex.cli import app

runner = CliRunner()

FRAMEWORK = textwrap.dedent(
    """\
    code: T
    name: Toy
    levels: [area]
    areas:
      - code: A
        indicators:
          - {code: gdp, type: numeric}
          - {code: co2, type: numeric, direction: -1}
      - code: B
        indicators:
          - {code: vote, type: numeric}
    pipeline:
      variables:
        - {code: pop, role: denominator}
        - {code: region, role: group}
      steps:
        - step: denominate
          by: {gdp: pop}
        - {step: screen, min_availability: 0.6}
        - {step: impute, method: mean_group, group: region}
        - {step: normalise, method: minmax, params: {low: 0, high: 100}}
        - {step: aggregate, method: arithmetic}
    """
)
DATA = textwrap.dedent(
    """\
    unit,period,pop,region,gdp,co2,vote
    N1,2024,10,north,100,2,50
    N2,2024,20,north,400,,70
    S1,2024,10,south,300,6,40
    S2,2024,5,south,,,
    """
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "fw.yaml").write_text(FRAMEWORK)
    (tmp_path / "data.csv").write_text(DATA)
    return tmp_path / "fw.yaml", tmp_path / "data.csv"


def test_build_prints_log_and_ranking_and_writes_every_stage(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    fw, data = files
    out = tmp_path / "build.xlsx"
    result = runner.invoke(app, ["build", str(fw), str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Imputed 1 values (0 still missing)" in result.stdout  # N2's co2 = N1's
    assert "Screened out 1 unit(s): S2" in result.stdout
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets)[:6] == [
        "raw",
        "denominated",
        "screened",
        "imputed",
        "normalised",
        "aggregated",
    ]
    assert sheets["denominated"]["gdp"].tolist()[:3] == [10.0, 20.0, 30.0]
    screening = sheets["screening"].set_index("unit")
    assert screening.loc["S2", "reason"] == "data availability 0 < 0.6"
    assert bool(screening.loc["N1", "kept"])
    agg = sheets["aggregated"].set_index("unit")
    # gdp/pop 10, 20, 30 → 0, 50, 100; co2 (−1): 2, 2 (imputed), 6 → 100, 100, 0; vote 50, 70, 40
    assert agg.loc["N2", "A"] == pytest.approx((50 + 100) / 2)
    assert agg.loc["S1", "B"] == 0.0


def test_build_to_a_folder_of_csv(files: tuple[Path, Path], tmp_path: Path) -> None:
    fw, data = files
    result = runner.invoke(app, ["build", str(fw), str(data), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(
        [
            "raw.csv",
            "denominated.csv",
            "imputed.csv",
            "screened.csv",
            "normalised.csv",
            "aggregated.csv",
            "scores.csv",
            "screening.csv",
            "imputation.csv",
            "weights.csv",
        ]
    )


def test_build_with_a_separate_pipeline_file(files: tuple[Path, Path], tmp_path: Path) -> None:
    fw, data = files
    pipe = tmp_path / "pipe.yaml"
    pipe.write_text(
        "variables: [{code: pop, role: denominator}, {code: region, role: group}]\n"
        "steps:\n  - {step: impute, method: median}\n  - {step: normalise, method: rank}\n"
    )
    result = runner.invoke(app, ["build", str(fw), str(data), "--pipeline", str(pipe)])
    assert result.exit_code == 0, result.output
    assert "Imputed 4 values" in result.stdout


def test_build_reports_bad_data_by_row_and_changes_nothing(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    fw, data = files
    data.write_text(DATA.replace("S1,2024,10,south,300", "S1,2024,ten,south,300"))
    out = tmp_path / "build.xlsx"
    result = runner.invoke(app, ["build", str(fw), str(data), "-o", str(out)])
    assert result.exit_code == 1
    assert "row 4, column 'pop': 'ten': not a number" in result.output
    assert not out.exists()


def test_build_reports_pipeline_errors_with_lines(files: tuple[Path, Path]) -> None:
    fw, data = files
    fw.write_text(FRAMEWORK.replace("method: minmax", "method: min_max"))
    result = runner.invoke(app, ["build", str(fw), str(data)])
    assert result.exit_code == 1
    assert "fw.yaml:21: pipeline.steps[3].method: unknown method 'min_max'" in result.output


def test_build_without_a_pipeline(tmp_path: Path, files: tuple[Path, Path]) -> None:
    fw, data = files
    fw.write_text(FRAMEWORK.split("pipeline:")[0])
    result = runner.invoke(app, ["build", str(fw), str(data)])
    assert result.exit_code == 1
    assert "pipeline: the index has no pipeline: section (construction steps)" in result.output
    assert result.output.endswith("\nTip: give one with --pipeline\n")


def test_validate_checks_the_pipeline_section(files: tuple[Path, Path]) -> None:
    fw, _ = files
    fw.write_text(FRAMEWORK.replace("group: region", "group: regio"))
    result = runner.invoke(app, ["validate", str(fw)])
    assert result.exit_code == 1
    assert "pipeline.steps[2].group: 'regio' is not a group listed under variables" in result.output


def test_import_coinr_errors_are_listed(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("Level,iCode,Parent\n1,a,P\n")
    (tmp_path / "d.csv").write_text("uCode,a\nX,1\n")
    result = runner.invoke(
        app,
        [
            "import-coinr",
            str(tmp_path / "d.csv"),
            str(tmp_path / "m.csv"),
            "-o",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1
    assert "m.csv row 1, column 'Type': required column is missing" in result.output
    assert not (tmp_path / "o").exists()
