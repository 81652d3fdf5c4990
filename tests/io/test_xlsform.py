"""The questionnaire as an XLSForm: valid for pyxform (what KoboToolbox and ODK use), and back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert
from typer.testing import CliRunner

import polindex
from polindex.cli import app
from polindex.io.xlsform import MAX_GROUP_DEPTH, XLSFormError, from_xlsform, to_xlsform

from ..corpus.make import empty_rows_bomb

MIPEX = Path(__file__).parents[2] / "examples" / "mipex-style" / "framework.yaml"


def test_the_export_is_a_valid_xlsform_with_scores() -> None:
    fw = polindex.load_framework(MIPEX)
    data = to_xlsform(fw)
    warnings: list[str] = []
    xform = convert(xlsform=io.BytesIO(data), file_type=".xlsx", warnings=warnings).xform
    assert warnings == []
    assert xform.count("<item>") == 3 * 61  # every option of every question
    assert "<score>100</score>" in xform.replace(".0<", "<")  # the extra column survives
    assert 'ref="/data/LMM/LMM_access/LMM1"' in xform  # groups nest the questions
    book = load_workbook(io.BytesIO(data))
    assert [c.value for c in book["settings"][2]][:3] == [
        "MIPEX-style demonstration questionnaire (not the official MIPEX)",
        "MIPEXDEMO",
        "2025.0-demo",
    ]


def test_a_round_trip_scores_the_same() -> None:
    fw = polindex.load_framework(MIPEX)
    back = polindex.load_framework(from_xlsform(to_xlsform(fw)))
    assert [i.code for i in back.indicators] == [i.code for i in fw.indicators]
    assert [n.code for n in back.nodes] == [n.code for n in fw.nodes]
    answers = [("AT", 2024, i.code, "abc"[k % 3]) for k, i in enumerate(fw.indicators)]
    assert polindex.score(back, answers).score(unit="AT") == pytest.approx(
        polindex.score(fw, answers).score(unit="AT"), abs=1e-12
    )


def form(survey: list[list[object]], choices: list[list[object]]) -> bytes:
    book = Workbook()
    book.active.title = "survey"
    for row in [["type", "name", "label"], *survey]:
        book["survey"].append(row)
    sheet = book.create_sheet("choices")
    for row in [["list_name", "name", "label", "score"], *choices]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("survey", "choices", "message"),
    [
        ([["select_one x", "q1", "Q?"]], [], "survey!2: no choices list 'x'"),
        (
            [["select_one x", "q1", "Q?"]],
            [["x", "a", "A", None]],
            "choices!2: choice 'a' has no score",
        ),
        (
            [["geopoint", "where", "Where?"]],
            [],
            "survey!2: question type 'geopoint' cannot be scored",
        ),
        ([["end_group", "g"]], [], "survey!2: end_group without begin_group"),
        ([["begin_group", "g", "G"]], [], "a begin_group has no end_group"),
        # regressions found by fuzzing (a ValueError, a KeyError, a RecursionError)
        (
            [["select_one x", "q1", "Q?"]],
            [["x", "a", "A", "high"]],
            "choices!2: score 'high' is not a number",
        ),
        ([["begin_group", f"g{k}", "G"] for k in range(60)], [], "groups nest deeper than 40"),
    ],
)
def test_a_form_that_cannot_be_scored_says_where(
    survey: list[list[object]], choices: list[list[object]], message: str
) -> None:
    with pytest.raises(XLSFormError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_xlsform(form(survey, choices))


def test_a_form_as_deep_as_allowed_loads() -> None:
    # regression: a form 49 groups deep was read, then refused by the framework loader with a
    # message that did not name the form's groups (a framework nests at most 100 levels)
    deepest = [["begin_group", f"g{k}", "G"] for k in range(MAX_GROUP_DEPTH)]
    survey = [*deepest, ["select_one x", "q1", "Q?"], *[["end_group"]] * MAX_GROUP_DEPTH]
    fw = polindex.load_framework(from_xlsform(form(survey, [["x", "a", "A", 100]])))
    assert [i.code for i in fw.indicators] == ["q1"]
    with pytest.raises(XLSFormError, match=f"survey!{MAX_GROUP_DEPTH + 2}: groups nest deeper"):
        from_xlsform(form([["begin_group", "g", "G"], *deepest], []))


def test_the_cli_exports_and_imports(tmp_path: Path) -> None:
    runner = CliRunner()
    exported = runner.invoke(app, ["xlsform", "export", str(MIPEX), "-o", str(tmp_path / "f.xlsx")])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(
        app, ["xlsform", "import", str(tmp_path / "f.xlsx"), "-o", str(tmp_path / "fw.yaml")]
    )
    assert imported.exit_code == 0, imported.output
    assert len(polindex.load_framework(tmp_path / "fw.yaml").indicators) == 61
    (tmp_path / "bad.xlsx").write_bytes(b"nope")
    bad = runner.invoke(
        app, ["xlsform", "import", str(tmp_path / "bad.xlsx"), "-o", str(tmp_path / "x.yaml")]
    )
    assert bad.exit_code == 1
    assert "not an XLSX workbook" in bad.output


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_columns_a_form_needs() -> None:
    # regression: a sheet without a 'name' column was a KeyError, a survey without label
    # columns a ValueError (found by fuzzing)
    nameless = {"survey": [["type", "label"]], "choices": [["list_name", "name", "score"]]}
    with pytest.raises(XLSFormError) as caught:
        from_xlsform(workbook(nameless))
    assert caught.value.problems == ["survey!1: no 'name' column"]
    unlabelled = {
        "survey": [["type", "name"], ["integer", "q1"]],
        "choices": [["list_name", "name"]],
    }
    document = from_xlsform(workbook(unlabelled))
    assert document["languages"] == ["en"]
    assert document["indicators"] == [{"code": "q1", "type": "numeric", "question": {}}]


def test_a_workbook_bomb_is_not_read() -> None:
    # regression: every one of two million empty rows was read (issue 13)
    with pytest.raises(XLSFormError) as caught:
        from_xlsform(empty_rows_bomb())
    assert str(caught.value) == (
        "not an XLSForm Polindex can read:\n  its part xl/worksheets/sheet1.xml is compressed "
        "670 to 1 (at most 100 to 1): refused as a ZIP bomb would be"
    )


def test_label_columns_name_their_languages() -> None:
    # regression: 'label::Português (pt-BR)' and 'label::French' were read as English, their
    # labels overwriting the English ones (found by fuzzing)
    book = {
        "survey": [
            ["type", "name", "label::English (en)", "label::Português (pt-BR)", "label::French"],
            ["select_one x", "q1", "Work?", "Trabalho?", "Travail ?"],
        ],
        "choices": [
            ["list_name", "name", "label::English (en)", "label::Português (pt-BR)",
             "label::French", "score"],
            ["x", "a", "Yes", "Sim", "Oui", 100],
        ],
    }  # fmt: skip
    document = from_xlsform(workbook(book))
    assert document["languages"] == ["en", "pt-BR", "fr"]
    q1 = document["indicators"][0]
    assert q1["question"] == {"en": "Work?", "pt-BR": "Trabalho?", "fr": "Travail ?"}
    assert q1["options"][0]["label"] == {"en": "Yes", "pt-BR": "Sim", "fr": "Oui"}
    fw = polindex.load_framework(document)
    assert fw.label(fw.indicators[0].options[0], "pt-BR") == "Sim"


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["label::Klingon"], "survey!1: column 'label::Klingon': name the language's code in "
         "brackets, as in 'label::Klingon (xx)'"),
        (["label", "label::English (en)"],
         "survey!1: columns 'label' and 'label::English (en)' are both labels in 'en'"),
    ],
)  # fmt: skip
def test_a_label_column_of_no_known_language_says_which(columns: list[str], message: str) -> None:
    book = {
        "survey": [["type", "name", *columns], ["integer", "q1", *["Q?"] * len(columns)]],
        "choices": [["list_name", "name"]],
    }
    with pytest.raises(XLSFormError) as caught:
        from_xlsform(workbook(book))
    assert caught.value.problems == [message]


def test_guidance_notes_go_in_the_hint_columns_of_every_language() -> None:
    fw = polindex.load_framework(MIPEX)
    data = to_xlsform(fw)
    warnings: list[str] = []
    xform = convert(xlsform=io.BytesIO(data), file_type=".xlsx", warnings=warnings).xform
    assert warnings == []
    # how to answer: the question's hint, in English and French
    assert "Answer for the law in force on the edition" in xform
    assert "Répondez pour le droit en vigueur à la date de référence" in xform
    # examples and definitions: the guidance hint (shown on request), headed in each language
    assert 'form="guidance"' in xform
    assert "Labour-market test: A check that no national or EU worker" in xform
    assert "Test du marché du travail: Une vérification" in xform
    book = load_workbook(io.BytesIO(data))
    header = [c.value for c in book["survey"][1]]
    assert header[-4:] == [
        "hint::English (en)", "hint::French (fr)",
        "guidance_hint::English (en)", "guidance_hint::French (fr)",
    ]  # fmt: skip
    rows = {r[1]: r for r in book["survey"].iter_rows(min_row=2, values_only=True)}
    hint_fr = header.index("guidance_hint::French (fr)")
    assert rows["PR2"][hint_fr] == (
        "Exemples\nTrois ans d’études comptent pour dix-huit mois sur les cinq ans exigés : b."
    )
    assert rows["LMM2"][hint_fr] in (None, "")  # no notes: empty cells


def test_a_framework_without_guidance_has_no_hint_columns() -> None:
    fw = polindex.load_framework({"code": "X", "name": "X", "indicators": [
        {"code": "q1", "type": "boolean"}]})  # fmt: skip
    header = [c.value for c in load_workbook(io.BytesIO(to_xlsform(fw)))["survey"][1]]
    assert header == ["type", "name", "label::English (en)", "required", "constraint"]


def test_a_round_trip_keeps_how_to_answer_from_the_hints() -> None:
    fw = polindex.load_framework(MIPEX)
    back = polindex.load_framework(from_xlsform(to_xlsform(fw)))
    noted = [i.code for i in back.indicators if i.guidance is not None]
    assert noted == ["LMM1", "EDU1", "PR1", "PR2", "AN1", "AD1"]
    for code in noted:
        assert back.find(code).guidance.how_to_answer == fw.find(code).guidance.how_to_answer  # type: ignore[union-attr]


def test_a_plain_hint_column_is_the_forms_first_language() -> None:
    book = Workbook()
    book.active.title = "survey"
    for row in [["type", "name", "label::French (fr)", "hint"],
                ["select_one x", "q1", "Permis ?", "Lisez la loi."]]:  # fmt: skip
        book["survey"].append(row)
    choices = book.create_sheet("choices")
    for row in [["list_name", "name", "label::French (fr)", "score"], ["x", "a", "Oui", 100]]:
        choices.append(row)
    out = io.BytesIO()
    book.save(out)
    doc = from_xlsform(out.getvalue())
    assert doc["indicators"][0]["guidance"] == {"how_to_answer": {"fr": "Lisez la loi."}}
    assert polindex.load_framework(doc).find("q1").guidance is not None
