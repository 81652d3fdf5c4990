"""`polindex validate`: ok files say so; broken ones list every problem with path and line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from polindex.cli import app

runner = CliRunner()

BROKEN = """\
code: T
name: Toy
indicators:
  - {code: q1, type: bool}
  - {code: q2, type: boolean, weigth: 2}
  - code: q3
    type: numeric
    goalposts: [5, 5]
"""


def test_a_valid_framework_is_ok(tiny_yaml: Path) -> None:
    result = runner.invoke(app, ["validate", str(tiny_yaml)])
    assert result.exit_code == 0
    # rich may wrap a long temporary path: compare with whitespace collapsed
    ok, *notes = " ".join(result.stdout.split()).split(" note: ")
    assert ok == f"{tiny_yaml}: ok — TINY 1.0, 3 groups, 4 indicators"
    assert notes == [  # TINY lists French but leaves some texts in English: said, still ok
        "6 texts without a 'fr' version (shown in 'en' instead): "
        "bands[0].label, bands[1].label, bands[2].label, bands[3].label, bands[4].label, …"
    ]


def test_a_broken_framework_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "ok" not in result.stdout
    assert result.stderr.splitlines() == [
        f"{path}: 3 problems",
        f"  {path}:4: indicators[0].type: 'bool' is not one of: categorical, numeric, boolean; "
        "did you mean 'boolean'?",
        f"  {path}:5: indicators[1].weigth: unknown key 'weigth'; did you mean 'weight'?",
        f"  {path}:8: indicators[2].goalposts: the two goalposts must differ",
    ]


def test_several_files_are_each_checked(tiny_yaml: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    absent = tmp_path / "absent.yaml"
    result = runner.invoke(app, ["validate", str(broken), str(tiny_yaml), str(absent)])
    assert result.exit_code == 1
    assert f"{tiny_yaml}: ok" in " ".join(result.stdout.split())
    assert f"{broken}: 3 problems" in result.stderr
    assert f"{absent}: (document): cannot read file: No such file or directory" in result.stderr


def test_a_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("code: T\nname: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}: 1 problem\n  {path}:")


TYPOS = """\
code: T
name: Toy
aggregation: geometrc
indicators:
  - code: q1
    type: categorical
    options:
      - {code: a, score: 100}
      - {code: b, score: 50}
      - {code: a, score: 0}
  - {code: q2, type: boolan}
  - {code: q3, type: numeric, bounds: [0, 5, 10], direction: "-1"}
  - {code: q4, type: numeric, goalposts: [3]}
pipeline:
  - {step: normalize, method: minmax}
"""


def test_typos_get_plain_messages_with_suggestions_at_their_own_lines(tmp_path: Path) -> None:
    path = tmp_path / "typos.yaml"
    path.write_text(TYPOS, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: 7 problems",
        f"  {path}:3: aggregation: unknown method 'geometrc'; one of: arithmetic, geometric, "
        "harmonic, median, copeland; did you mean 'geometric'?",
        # the repeated option code at its own line, not at the first one's
        f'  {path}:10: indicators[0].options[2].code: duplicate code "a" (first used at '
        "indicators[0].options[0])",
        f"  {path}:11: indicators[1].type: 'boolan' is not one of: categorical, numeric, "
        "boolean; did you mean 'boolean'?",
        f"  {path}:12: indicators[2].bounds: bounds take two numbers, [lowest, highest] "
        "(got [0, 5, 10])",
        f"  {path}:12: indicators[2].direction: '-1' is not one of: 1, -1; did you mean -1?",
        f"  {path}:13: indicators[3].goalposts: goalposts take two numbers, [worst, best] "
        "(got [3])",
        f"  {path}:15: pipeline.steps[0].step: unknown step 'normalize'; one of: denominate, "
        "screen, impute, treat, normalise, weights, aggregate; did you mean 'normalise'?",
    ]


HALF_FRENCH = """\
code: T
name: {en: Toy, fr: Jouet}
languages: [en, fr]
indicators:
  - code: q1
    type: categorical
    question: {en: "Open?", fr: "Ouvert ?"}
    options:
      - {code: a, score: 100, label: {en: "Yes", fr: "Oui"}}
      - {code: b, score: 0, label: {en: "No"}}
  - {code: q2, type: boolean, label: {en: Closed}}
"""


def test_a_text_missing_in_a_listed_language_is_a_note_not_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "half.yaml"
    path.write_text(HALF_FRENCH, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    lines = " ".join(result.stdout.split()).split(" note: ")
    assert lines[1] == (
        "2 texts without a 'fr' version (shown in 'en' instead): q1.options[1].label, q2.label"
    )


def test_the_mipex_style_demo_is_translated_into_french() -> None:
    demo = Path(__file__).parents[2] / "examples" / "mipex-style" / "framework.yaml"
    result = runner.invoke(app, ["validate", str(demo)])
    assert result.exit_code == 0
    assert "note:" not in result.stdout
