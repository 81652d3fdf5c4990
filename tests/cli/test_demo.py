"""`polindex demo`: scores the synthetic index and writes its results, labelled synthetic."""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Iterator
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


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port on 127.0.0.1 with a server listening on it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_demo_on_a_taken_port_stops_at_once_and_suggests_a_free_one(
    tmp_path: Path, taken_port: int
) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--serve", "--port", str(taken_port)])
    assert result.exit_code == 1
    found = re.fullmatch(
        rf"Port {taken_port} on 127\.0\.0\.1 is already in use \(another server, or an earlier "
        r"demo, is running there\)\. Use another port: make demo PORT=(\d+) \(or polindex demo "
        r"--port \1\)\n",
        result.stderr,
    )
    assert found, result.stderr
    suggested = int(found.group(1))
    assert suggested > taken_port
    with socket.socket() as probe:  # the suggested port is free
        probe.bind(("127.0.0.1", suggested))
    assert not out.exists()  # nothing was scored or published first


def test_serve_on_a_taken_port_says_so(taken_port: int) -> None:
    result = runner.invoke(app, ["serve", "--port", str(taken_port)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Port {taken_port} on 127.0.0.1 is already in use")
    assert "Use another port: polindex serve --port " in result.stderr


def test_serve_points_e_mail_links_at_its_own_port(
    monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    # (db: the set-up reads whether the database has its migrations table before migrating)
    calls: list[tuple[str, ...]] = []  # management commands: migrate, runserver
    monkeypatch.delenv("POLINDEX_BASE_URL", raising=False)
    monkeypatch.delenv("POLINDEX_LOCAL_HTTP", raising=False)
    monkeypatch.setattr(
        "django.core.management.call_command", lambda *args, **kw: calls.append(args)
    )
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = runner.invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert calls[-1] == ("runserver", f"127.0.0.1:{port}")
    assert os.environ["POLINDEX_BASE_URL"] == f"http://127.0.0.1:{port}"
