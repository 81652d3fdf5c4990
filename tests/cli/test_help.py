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


def test_help_is_plain_text_and_imports_no_rich() -> None:
    # `polindex --help` took 0.4 s, 0.26 s of it importing rich to render the help (issue 12's
    # target: 0.3 s); the help is now click's plain text, with no markup left in it
    import subprocess
    import sys

    code = (
        "import sys; from polindex.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('rich' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().endswith("False")
    for args in (["--help"], ["validate", "--help"], ["score", "--help"], ["release", "--help"]):
        out = runner.invoke(app, args).stdout
        assert not [mark for mark in ("[bold]", "[italic]", "[/", "╭") if mark in out], args
