"""`polindex demo`: scores the synthetic index and writes its results, labelled synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from polindex.cli import app

runner = CliRunner()
UNITS, PERIODS, NODES = 12, 6, 22  # 12 indicators and 10 groups


def test_demo_writes_synthetic_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLINDEX_DATA_DIR", raising=False)
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.stdout
    assert "IMPIC: set POLINDEX_DATA_DIR" in result.stdout
    assert "Synthetic-" in result.stdout
    rows = UNITS * PERIODS * NODES
    table = pd.read_csv(out / "synthetic-results.csv")
    assert len(table) == rows
    assert table["unit"].str.startswith("Synthetic-").all()
    assert sorted(table["period"].unique()) == list(range(2019, 2025))
    assert openpyxl.load_workbook(out / "synthetic-results.xlsx")["scores"].max_row == 1 + rows
    doc = json.loads((out / "synthetic-results.json").read_text(encoding="utf-8"))
    assert len(doc["scores"]) == rows
    assert doc["metadata"]["index"] == "SYNTH"
    assert len(pd.read_csv(out / "synthetic-data.csv")) == UNITS * PERIODS * 12
    assert not (out / "impic-results.csv").exists()
