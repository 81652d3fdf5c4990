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
    assert release.key_findings == ""
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "already has a release 2024.1; releases are immutable" in again.output
    bad = runner.invoke(app, [*args[:-2], "--publish-at", "soon"])
    assert bad.exit_code == 1
    assert "--publish-at: not an ISO 8601 time: 'soon'" in bad.output


@pytest.mark.django_db(transaction=True)
def test_a_version_that_cannot_be_an_address_is_refused_before_scoring(tmp_path: Path) -> None:
    # regression: `--version a/b` was accepted and broke the home page for everyone
    (tmp_path / "fw.yaml").write_text(yaml.safe_dump(FW))
    (tmp_path / "d.csv").write_text("unit,period,q1,q2\nAA,2024,yes,no\n")
    args = ["release", "create", str(tmp_path / "fw.yaml"), str(tmp_path / "d.csv")]
    result = runner.invoke(app, [*args, "--version", "a/b"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "1 problem with the release; nothing was published:\n  version 'a/b': use 1 to 32 "
    )
    assert not Release.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_correction_names_the_release_it_corrects(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(yaml.safe_dump(FW))
    (tmp_path / "d.csv").write_text("unit,period,q1,q2\nAA,2024,yes,no\nBB,2024,no,no\n")
    base = ["release", "create", str(tmp_path / "fw.yaml"), str(tmp_path / "d.csv")]
    assert runner.invoke(app, [*base, "--version", "1"]).exit_code == 0
    (tmp_path / "d.csv").write_text("unit,period,q1,q2\nAA,2024,yes,yes\nBB,2024,no,no\n")
    no_log = runner.invoke(app, [*base, "--version", "1.1", "--corrects", "1"])
    assert no_log.exit_code == 1
    assert "a correction says what it corrects: write a changelog" in no_log.output
    assert "Tip: --changelog says what this release corrects" in no_log.output
    unknown = runner.invoke(
        app, [*base, "--version", "1.1", "--corrects", "0.9", "--changelog", "x"]
    )
    assert unknown.exit_code == 1
    assert "TOY has no release 0.9" in unknown.output
    fixed = runner.invoke(
        app,
        [*base, "--version", "1.1", "--corrects", "1", "--changelog", "AA's q2 was wrong.",
         "--licence", "CC-BY-4.0"],
    )  # fmt: skip
    assert fixed.exit_code == 0, fixed.output
    release = Release.objects.get(version="1.1")
    assert release.corrects is not None
    assert release.corrects.version == "1"
    assert (release.changelog, release.licence) == ("AA's q2 was wrong.", "CC-BY-4.0")
    assert release.scores.get(unit="AA", node="TOY").score == 100.0
    assert Release.objects.filter(version__in=["1.1", "0.9"]).count() == 1  # nothing half-made


@pytest.mark.django_db(transaction=True)
def test_release_create_takes_the_key_findings_from_a_markdown_file(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(yaml.safe_dump(FW))
    (tmp_path / "d.csv").write_text("unit,period,q1,q2\nAA,2024,yes,no\n")
    (tmp_path / "findings.md").write_text("* **AA** answers yes.\n", encoding="utf-8")
    base = ["release", "create", str(tmp_path / "fw.yaml"), str(tmp_path / "d.csv")]
    missing = runner.invoke(app, [*base, "--version", "1", "--key-findings", "nope.md"])
    assert missing.exit_code == 1
    assert "--key-findings: cannot read nope.md" in missing.output
    result = runner.invoke(
        app, [*base, "--version", "1", "--key-findings", str(tmp_path / "findings.md")]
    )
    assert result.exit_code == 0, result.output
    assert Release.objects.get(version="1").key_findings == "* **AA** answers yes.\n"
