"""`polindex release create` freezes results into a release, once per version."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from polindex.cli import app
from polindex.web.releases.models import Release

from .conftest import FW

runner = CliRunner()


@pytest.mark.django_db(transaction=True)
def test_release_create_then_refuse_the_same_version(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(yaml.safe_dump(FW))
    (tmp_path / "d.csv").write_text("unit,period,q1,q2\nAA,2024,yes,no\nBB,2024,no,no\n")
    args = [
        "release",
        "create",
        str(tmp_path / "fw.yaml"),
        str(tmp_path / "d.csv"),
        "--version",
        "2024.1",
        "--publish-at",
        "2030-01-01T00:00:00",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Release TOY 2024.1: 6 scores, publish at 2030-01-01T00:00:00+00:00" in result.stdout
    release = Release.objects.get(version="2024.1")
    assert release.scores.get(unit="AA", node="TOY").score == 50.0
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "already has a release 2024.1; releases are immutable" in again.output
    bad = runner.invoke(app, [*args[:-2], "--publish-at", "soon"])
    assert bad.exit_code == 1
    assert "--publish-at: not an ISO 8601 time: 'soon'" in bad.output
