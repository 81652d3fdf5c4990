"""`polindex audit`, `polindex uncertainty` and `polindex sensitivity` on a small index."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from tests.conftest import ROBUST_FRAMEWORK, ROBUST_ROWS
from typer.testing import CliRunner

from polindex.cli import app

runner = CliRunner()


def test_uncertainty_prints_intervals_and_writes_replications(
    robust_files: tuple[Path, Path], tmp_path: Path
) -> None:
    fw, data = robust_files
    out = tmp_path / "ua"
    result = runner.invoke(app, ["uncertainty", str(fw), str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Rank uncertainty of T (32 replications)" in result.stdout
    params = pd.read_csv(out / "parameters.csv")
    assert len(params) == 32
    assert set(params["aggregation"]) == {"method=arithmetic", "method=geometric"}
    assert params["w_A"].between(0.5, 2).all()
    ranks = pd.read_csv(out / "ranks.csv")
    assert sorted(ranks.columns[1:]) == [u for u, *_ in ROBUST_ROWS]
    assert (
        json.loads((out / "rank_uncertainty.vl.json").read_text())["layer"][0]["mark"]["type"]
        == "rule"
    )
    assert (out / "rank_uncertainty.svg").read_text().startswith("<svg")


def test_same_seed_same_results_other_seed_other_sample(
    robust_files: tuple[Path, Path], tmp_path: Path
) -> None:
    fw, data = robust_files
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        result = runner.invoke(
            app, ["uncertainty", str(fw), str(data), "--seed", seed, "-o", str(tmp_path / name)]
        )
        assert result.exit_code == 0, result.output
    a, b, c = (pd.read_csv(tmp_path / n / "parameters.csv") for n in "abc")
    pd.testing.assert_frame_equal(a, b)
    assert not a["w_A"].equals(c["w_A"])


def test_replayed_design_file(robust_files: tuple[Path, Path], tmp_path: Path) -> None:
    fw, data = robust_files
    design = tmp_path / "design.csv"
    design.write_text("aggregation,w_A\n0.1,0.0\n0.9,1.0\n0.2,0.5\n")
    result = runner.invoke(
        app, ["uncertainty", str(fw), str(data), "--design", str(design), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    params = pd.read_csv(tmp_path / "o" / "parameters.csv")
    assert params["aggregation"].tolist() == [
        "method=arithmetic",
        "method=geometric",
        "method=arithmetic",
    ]
    assert params["w_A"].tolist() == [0.5, 2.0, 1.25]
    design.write_text("aggregation,w_A\n0.1,1.5\n")
    result = runner.invoke(app, ["uncertainty", str(fw), str(data), "--design", str(design)])
    assert result.exit_code == 1
    assert "design.csv row 2, column 'w_A': 1.5 is not in [0, 1]" in result.output


def test_sensitivity_writes_indices(robust_files: tuple[Path, Path], tmp_path: Path) -> None:
    fw, data = robust_files
    out = tmp_path / "sa.xlsx"
    result = runner.invoke(app, ["sensitivity", str(fw), str(data), "--runs", "64", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Sensitivity of the mean rank shift (256 builds)" in result.stdout
    sheets = pd.read_excel(out, sheet_name=None)
    assert sheets["sensitivity"]["input"].tolist() == ["aggregation", "w_A"]
    assert len(sheets["unit_sensitivity"]) == 2 * len(ROBUST_ROWS)
    assert (tmp_path / "sa-sensitivity.svg").exists()


def test_audit_report(robust_files: tuple[Path, Path], tmp_path: Path) -> None:
    fw, data = robust_files
    result = runner.invoke(app, ["audit", str(fw), str(data), "-o", str(tmp_path / "audit.html")])
    assert result.exit_code == 0, result.output
    assert "4 indicators" in result.stdout
    page = (tmp_path / "audit.html").read_text()
    assert "Statistical audit — T" in page
    assert page.count("<svg") == 3  # one heat map per aggregate: A, B and the index


def test_missing_uncertainty_section(robust_files: tuple[Path, Path]) -> None:
    fw, data = robust_files
    fw.write_text(ROBUST_FRAMEWORK.split("uncertainty:")[0])
    result = runner.invoke(app, ["uncertainty", str(fw), str(data)])
    assert result.exit_code == 1
    assert "uncertainty: the index has no uncertainty: section (the design)" in result.output
    assert result.output.endswith("\nTip: give one with --spec\n")
