"""Offline answering: download the questionnaire as XLSX, fill it in, upload it back."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from polindex.web.collection.editions import create_edition
from polindex.web.collection.models import Answer
from polindex.web.collection.workbook import COLUMNS

from ..corpus.make import QUESTIONNAIRE, answer_row, empty_rows_bomb, questionnaire
from .conftest import FRAMEWORK, client_for, complete

URL = "/work/demo-2025/AT/"


def download(client: Client) -> Any:
    response = client.get(URL + "questionnaire.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="demo-2025-AT-questionnaire.xlsx"'
    )
    return load_workbook(io.BytesIO(response.content))


def upload(client: Client, book: Any, name: str = "q.xlsx") -> str:
    out = io.BytesIO()
    book.save(out)
    response = client.post(URL + "upload/", {"file": SimpleUploadedFile(name, out.getvalue())})
    assert response.status_code == 200
    return response.content.decode()


def row_of(sheet: Any, code: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)


def test_the_workbook_offers_the_options_as_drop_downs(people: dict[str, Any]) -> None:
    book = download(client_for(people["expert_at"]))
    sheet = book["Questionnaire"]
    assert sheet.max_row == 1 + 61
    assert [c.value for c in sheet[1]][:5] == [
        "indicator", "question", "previous answer", "previous justification", "answer",
    ]  # fmt: skip
    row = row_of(sheet, "LMM1")
    rules = [v for v in sheet.data_validations.dataValidation if f"E{row}" in str(v.sqref)]
    assert rules[0].formula1 == '"a,b,c,n/a"'
    assert sheet.column_dimensions[get_column_letter(COLUMNS.index("version") + 1)].hidden
    assert ("LMM1", "a", 100) in [
        (r[0], r[1], r[2]) for r in book["Options"].iter_rows(values_only=True)
    ]


def test_the_cells_to_fill_are_highlighted_and_the_long_texts_wrap(people: dict[str, Any]) -> None:
    book = download(client_for(people["expert_at"]))
    sheet = book["Questionnaire"]
    to_fill = range(COLUMNS.index("answer") + 1, COLUMNS.index("confidence") + 2)
    for row in sheet.iter_rows(min_row=2):
        colours = [c.fill.fgColor.rgb if c.fill.fill_type else None for c in row]
        assert colours == ["00FFF2CC" if c.column in to_fill else None for c in row], row[
            0
        ].value  # the answer's cells, never the question's nor the hidden version
        assert row[1].alignment.wrap_text
        assert row[1].alignment.vertical == "top"
        assert not row[0].alignment.wrap_text
    notes = list(book["Guidance"].iter_rows(min_row=2))
    assert notes
    assert all(c.alignment.wrap_text for r in notes for c in r[1:4])


def test_upload_shows_the_changes_then_saves_them_on_confirmation(people: dict[str, Any]) -> None:
    expert = client_for(people["expert_at"])
    book = download(expert)
    sheet = book["Questionnaire"]
    r = row_of(sheet, "LMM1")
    sheet.cell(r, 5, "b")
    sheet.cell(r, 7, "Art. 4 of the Act.")
    sheet.cell(r, 8, "Employment Act")
    sheet.cell(r, 10, "https://example.org/act")
    r2 = row_of(sheet, "LMM2")
    sheet.cell(r2, 5, "n/a")
    sheet.cell(r2, 6, "No self-employment permit exists.")
    page = upload(expert, book)
    assert "<td>LMM1</td><td>–</td><td>b</td><td>yes</td>" in page
    assert "<td>LMM2</td><td>–</td><td>n/a</td>" in page
    assert Answer.objects.get(unit="AT", indicator="LMM1").option == ""  # not yet saved
    confirmed = expert.post(URL + "upload/", {"confirm": "1"})
    assert confirmed["Location"] == URL + "?uploaded=2"
    lmm1 = Answer.objects.get(unit="AT", indicator="LMM1")
    assert (lmm1.option, lmm1.justification) == ("b", "Art. 4 of the Act.")
    assert [s.url for s in lmm1.sources.all()] == ["https://example.org/act"]
    assert lmm1.changes.get().reason == "uploaded"
    assert Answer.objects.get(unit="AT", indicator="LMM2").not_applicable


def test_a_bad_file_changes_nothing_and_says_where(people: dict[str, Any]) -> None:
    expert = client_for(people["expert_at"])
    book = download(expert)
    sheet = book["Questionnaire"]
    sheet.cell(row_of(sheet, "LMM1"), 5, "maybe")
    sheet.cell(row_of(sheet, "LMM2"), 5, "a")
    sheet.cell(row_of(sheet, "LMM2"), 8, "Act")
    sheet.cell(row_of(sheet, "LMM2"), 10, "ftp://example.org")
    sheet.cell(row_of(sheet, "LMM3"), 1, "ZZZ9")
    page = upload(expert, book)
    n1, n2, n3 = (row_of(sheet, c) for c in ("LMM1", "LMM2", "AN1"))
    assert (
        f"Questionnaire!{n1} (answer): &#x27;maybe&#x27; is not an option of LMM1: a, b, c, n/a"
        in page
    )
    assert f"Questionnaire!{n2} (source 1 url): must start with https://" in page
    assert "&#x27;ZZZ9&#x27; is not a question of AT in demo-2025" in page
    assert "These answers will change" not in page
    assert expert.post(URL + "upload/", {"confirm": "1"})["Location"] == URL + "?uploaded=0"
    assert not Answer.objects.filter(unit="AT").exclude(option="").exists()
    assert n3 > 0
    not_xlsx = expert.post(URL + "upload/", {"file": SimpleUploadedFile("q.xlsx", b"not a zip")})
    assert "not an XLSX workbook" in not_xlsx.content.decode()
    wrong_type = expert.post(URL + "upload/", {"file": SimpleUploadedFile("q.csv", b"a,b")})
    assert "choose the .xlsx file" in wrong_type.content.decode()


def test_an_old_download_is_a_conflict(people: dict[str, Any]) -> None:
    expert = client_for(people["expert_at"])
    book = download(expert)
    expert.post(URL + "LMM1/", {"action": "save", "version": 1, **complete()})  # saved online
    sheet = book["Questionnaire"]
    sheet.cell(row_of(sheet, "LMM1"), 5, "c")
    page = upload(expert, book)
    assert "LMM1 was changed in the workspace after this file was downloaded" in page
    assert Answer.objects.get(unit="AT", indicator="LMM1").option == "a"


def test_only_the_expert_uploads(people: dict[str, Any]) -> None:
    assert client_for(people["reviewer_at"]).post(URL + "upload/", {}).status_code == 403
    assert client_for(people["expert_be"]).get(URL + "questionnaire.xlsx").status_code == 403


def test_the_corpus_knows_the_questionnaire_columns() -> None:
    assert QUESTIONNAIRE == COLUMNS


def post(client: Client, data: bytes) -> str:
    response = client.post(URL + "upload/", {"file": SimpleUploadedFile("q.xlsx", data)})
    assert response.status_code == 200
    return response.content.decode()


def test_a_workbook_bomb_is_refused_and_nothing_is_kept(people: dict[str, Any]) -> None:
    # regression: two million empty rows held the upload for 96 s and 300 MB (issue 13)
    expert = client_for(people["expert_at"])
    page = post(expert, empty_rows_bomb())
    assert (
        "its part xl/worksheets/sheet1.xml is compressed 670 to 1 (at most 100 to 1): refused "
        "as a ZIP bomb would be" in page
    )
    assert "upload:demo-2025:AT" not in expert.session  # nothing waits for a confirmation
    assert not Answer.objects.filter(unit="AT").exclude(option="").exists()


@pytest.mark.parametrize("version", ["1e400", "-3", "2.5", "abc", None])
def test_a_version_cell_that_is_not_a_version_is_a_problem(
    people: dict[str, Any], version: object
) -> None:
    # regression: 1e400 (infinite as a float) was a server error; the others silently 0
    expert = client_for(people["expert_at"])
    page = post(expert, questionnaire(answer_row("LMM1", "b", version=version)))
    shown = repr(str(version) if version is not None else "").replace("'", "&#x27;")
    assert (
        f"Questionnaire!2 (version): {shown} is not a version of this answer; download the "
        "questionnaire again and keep its hidden version column" in page
    )
    assert Answer.objects.get(unit="AT", indicator="LMM1").option == ""


def test_a_row_that_ends_early_is_read(people: dict[str, Any]) -> None:
    # rows are read up to their last value: the cells after it are empty, not missing
    expert = client_for(people["expert_at"])
    page = post(expert, questionnaire(answer_row("LMM1", "b")[:5]))
    assert "Questionnaire!2 (version): &#x27;&#x27; is not a version of this answer" in page


def test_a_country_nobody_answers_yet_downloads_its_questions(
    people: dict[str, Any], edition: Any
) -> None:
    # regression: the questionnaire of a country without answers was a server error
    create_edition(
        FRAMEWORK, code="demo-2026", name="Demo 2026", reference_date=dt.date(2025, 12, 31),
        period="2025", units=["DE"],
    )  # fmt: skip
    response = client_for(people["central"]).get("/work/demo-2026/DE/questionnaire.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Questionnaire"]
    assert sheet.max_row == 1 + 61
    lmm1 = row_of(sheet, "LMM1")
    assert [c.value for c in sheet[lmm1]][4:] == [None] * (len(COLUMNS) - 4)
