"""`polindex show`: the framework as a tree of codes and labels, in the chosen language."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from polindex.cli import app

runner = CliRunner()


def test_show_prints_codes_labels_weights_and_rules(tiny_yaml: Path) -> None:
    result = runner.invoke(app, ["show", str(tiny_yaml)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Tiny index (TINY 1.0) · scale 0–100, higher is better"
    assert "A Area alpha arithmetic · area" in lines[1]
    assert "q1 Question one (categorical: a=100, b=50, c=0)" in lines[2]
    assert "q2 Question two (boolean)" in lines[3]
    assert "B Area beta ×2 arithmetic · area" in lines[4]
    assert "q3 q3 (numeric 0→24 (reversed))" in lines[5]
    assert "q4 q4 (categorical: 1=100, 2=0) [only if q2 in true]" in lines[6]
    assert "Bands: Favourable ≥ 80, Slightly favourable ≥ 60" in result.stdout


def test_show_in_french_picks_french_labels(tiny_yaml: Path) -> None:
    result = runner.invoke(app, ["show", str(tiny_yaml), "--lang", "fr"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[0].startswith("Indice minuscule (TINY 1.0)")
    assert "A Domaine alpha" in out
    assert "q1 Question un" in out
    assert "B Domaine bêta ×2" in out
    assert "q2 Question two" in out  # no French label: falls back to English
    assert "Favorable ≥ 80" in out
    assert "Area alpha" not in out


def test_show_depth_limits_the_tree(tiny_yaml: Path) -> None:
    result = runner.invoke(app, ["show", str(tiny_yaml), "--depth", "1"])
    assert result.exit_code == 0
    assert "Area alpha" in result.stdout
    assert "q1" not in result.stdout


def test_show_a_broken_framework_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("code: T\nname: T\n", encoding="utf-8")
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: 1 problem",
        f"  {path}:1: (document): has no 'children' and no 'indicators': nothing to score",
    ]
