"""`--help` works for the app and every command and names their arguments."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import polindex
from polindex.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ("validate", ["files", "Check framework files"]),
        ("show", ["framework", "--lang", "--depth"]),
        ("score", ["framework", "data", "--output", "--scored", "--unit-column", "--top"]),
        ("demo", ["--out", "synthetic"]),
        ("backup", ["file", "--overwrite", "snapshot", "hashes", "Sessions"]),
        ("restore", ["file", "--force", "--check", "empty", "checksum"]),
    ],
)
def test_command_help(command: str, mentions: list[str]) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert f"Usage: polindex {command}" in result.stdout
    for word in mentions:
        assert word in result.stdout


def test_app_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "show", "score", "demo"):
        assert command in result.stdout


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"polindex {polindex.__version__}"
