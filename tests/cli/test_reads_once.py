"""Each command parses the index definition once and reads its data once (issue: one
`release create --robustness` parsed the framework YAML about 15 times and read the data 3)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from polindex.cli import app

runner = CliRunner()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts YAML parses (every parse composes the document) and CSV reads."""
    calls: Counter[str] = Counter()
    compose, read_csv = yaml.compose, pd.read_csv

    def counting_compose(*args: Any, **kwargs: Any) -> Any:
        calls["parse"] += 1
        return compose(*args, **kwargs)

    def counting_read_csv(*args: Any, **kwargs: Any) -> Any:
        calls["read"] += 1
        return read_csv(*args, **kwargs)

    monkeypatch.setattr(yaml, "compose", counting_compose)
    monkeypatch.setattr(pd, "read_csv", counting_read_csv)
    return calls


@pytest.mark.parametrize(
    "verb",
    [
        ["validate"],
        ["show"],
        ["build", "{fw}", "{data}"],
        ["audit", "{fw}", "{data}"],
        ["uncertainty", "{fw}", "{data}", "--runs", "8"],
        ["sensitivity", "{fw}", "{data}", "--runs", "8", "--bootstrap", "10"],
    ],
    ids=lambda v: v[0],
)
def test_one_parse_and_one_read_per_command(
    verb: list[str], robust_files: tuple[Path, Path], counted: Counter[str]
) -> None:
    fw, data = robust_files
    args = [a.format(fw=fw, data=data) for a in verb]
    if len(args) == 1:
        args.append(str(fw))
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert counted["parse"] == 1
    assert counted["read"] == (0 if verb[0] in ("validate", "show") else 1)


@pytest.mark.django_db(transaction=True)
def test_release_create_with_robustness_parses_once_and_reads_once(
    robust_files: tuple[Path, Path], counted: Counter[str]
) -> None:
    from polindex.web.releases.models import Release

    fw, data = robust_files
    result = runner.invoke(
        app, ["release", "create", str(fw), str(data), "--version", "1", "--robustness"]
    )
    assert result.exit_code == 0, result.output
    assert (counted["parse"], counted["read"]) == (1, 1)
    release = Release.objects.get()
    assert set(release.robustness) == {"audit", "uncertainty", "sensitivity"}
