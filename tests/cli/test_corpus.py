"""The malformed-input corpus (tests/corpus/expected.toml) through the command line: every file
is refused with its message and exit code 1, never a traceback (issue 13: `polindex validate`
printed tracebacks for Latin-1, NUL and deep nesting)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from polindex.cli import app

from ..corpus.make import case_id, cases, expected, write

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("corpus"))


def refused(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an uncaught error
    assert "Traceback" not in result.output
    return " ".join(result.output.split())  # as one line: rich wraps long messages


@pytest.mark.parametrize("case", cases("frameworks"), ids=case_id)
def test_validate_refuses_each_framework(corpus: Path, case: dict[str, str]) -> None:
    output = refused(["validate", str(corpus / case["file"])])
    assert expected(case, "cli") in output


@pytest.mark.parametrize("case", cases("data"), ids=case_id)
def test_score_refuses_each_data_file(corpus: Path, case: dict[str, str]) -> None:
    output = refused(["score", str(corpus / "good" / "framework.yaml"), str(corpus / case["file"])])
    assert expected(case, "cli") in output
    assert "nothing was computed" in output
