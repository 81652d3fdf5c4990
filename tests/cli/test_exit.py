"""A command run as its own process ends without the exit-time garbage walk (decision 047) and
loses nothing: its files are whole and its last line printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

WIDE = "unit,period,q1,q2,q3,q4\nX,2024,a,yes,6,1\nY,2024,c,no,30,n/a\n"
RUN = "import sys; from polindex.cli import app; sys.argv[0] = 'polindex'; app()"


def test_a_command_process_writes_its_files_whole_and_prints_its_last_line(
    tiny_yaml: Path, tmp_path: Path
) -> None:
    data, target = tmp_path / "wide.csv", tmp_path / "out.csv"
    data.write_text(WIDE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", RUN, "score", str(tiny_yaml), str(data), "-o", str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(f"Wrote 14 scores to {target}")
    table = pd.read_csv(target)
    assert len(table) == 14  # 2 units × 1 period × 7 nodes
    assert table[table.node == "TINY"].set_index("unit")["score"].to_dict() == {
        "X": 275 / 3,
        "Y": 0.0,
    }


def test_the_exit_handler_is_registered_once(tiny_yaml: Path) -> None:
    from typer.testing import CliRunner

    from polindex.cli import app, main

    runner = CliRunner()
    for _ in range(2):
        assert runner.invoke(app, ["validate", str(tiny_yaml)]).exit_code == 0
    assert main._registered == {main._freeze_at_exit}
