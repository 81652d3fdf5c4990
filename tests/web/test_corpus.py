"""The malformed-input corpus (tests/corpus/expected.toml) through the platform's forms: the
admin's release and edition forms, an expert's upload of the offline questionnaire and
``polindex release create``. Each file is refused with its message (the form shown again, never
a 500) and the database is, row for row, as it was (issue 13)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from typer.testing import CliRunner

from polindex.cli import app

from ..corpus.make import case_id, cases, expected, write
from .conftest import FW, client_for

Rows = dict[str, list[tuple[Any, ...]]]
DATA = b"unit,period,q1,q2\nAA,2024,yes,no\nBB,2024,no,no\n"


def database() -> Rows:
    """Every row of every table (a database cache's table apart: it is no stored data)."""
    caches = {
        str(c.get("LOCATION"))
        for c in settings.CACHES.values()
        if c["BACKEND"].endswith("DatabaseCache")
    }
    rows: Rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in caches:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("corpus"))


@pytest.fixture
def chief(published: Any, django_user_model: Any) -> Client:
    """The central team in the admin, with a release already stored."""
    user = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-chief-1")
    return client_for(user)


def refused(client: Client, url: str, form: dict[str, Any], message: str) -> None:
    before = database()
    response = client.post(url, form)
    assert response.status_code == 200, response.status_code  # the form again, not a 500
    assert message in html.unescape(response.content.decode())
    assert database() == before


def release_form(**changes: Any) -> dict[str, Any]:
    return {
        "version": "2024.2",
        "publish_at": "2030-01-01 00:00:00",
        "unit_column": "unit",
        "period_column": "period",
        "framework": SimpleUploadedFile("toy.yaml", yaml.safe_dump(FW).encode()),
        "data": SimpleUploadedFile("d.csv", DATA),
        **changes,
    }


def upload(corpus: Path, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name.rsplit("/", 1)[-1], (corpus / name).read_bytes())


def test_the_forms_accept_what_is_sound(chief: Client) -> None:
    # the cases below fail for their file, not for the rest of the form
    assert chief.post("/admin/releases/release/add/", release_form()).status_code == 302


@pytest.mark.parametrize("case", cases("frameworks"), ids=case_id)
def test_the_release_form_refuses_each_framework(
    corpus: Path, chief: Client, case: dict[str, str]
) -> None:
    form = release_form(framework=upload(corpus, case["file"]))
    refused(chief, "/admin/releases/release/add/", form, expected(case, "release"))


@pytest.mark.parametrize("case", cases("frameworks"), ids=case_id)
def test_the_edition_form_refuses_each_framework(
    corpus: Path, chief: Client, case: dict[str, str]
) -> None:
    form = {
        "code": "demo-2027", "name": "Demo 2027", "reference_date": "2026-12-31",
        "period": "2026", "state": "open", "units_text": "AT",
        "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
        "framework_file": upload(corpus, case["file"]),
    }  # fmt: skip
    refused(chief, "/admin/collection/edition/add/", form, expected(case, "edition"))


@pytest.mark.parametrize("case", cases("data"), ids=case_id)
def test_the_release_form_refuses_each_data_file(
    corpus: Path, chief: Client, case: dict[str, str]
) -> None:
    form = release_form(data=upload(corpus, case["file"]))
    refused(chief, "/admin/releases/release/add/", form, expected(case, "release"))


@pytest.mark.parametrize("case", cases("workbooks"), ids=case_id)
def test_the_upload_refuses_each_workbook(
    corpus: Path, people: dict[str, Any], case: dict[str, str]
) -> None:
    expert = client_for(people["expert_at"])
    form = {"file": upload(corpus, case["file"])}
    refused(expert, "/work/demo-2025/AT/upload/", form, expected(case, "upload"))


@pytest.mark.parametrize("case", cases("versions"), ids=case_id)
def test_the_release_form_refuses_each_version(chief: Client, case: dict[str, str]) -> None:
    form = release_form(version=case["version"])
    refused(chief, "/admin/releases/release/add/", form, expected(case, "release"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", cases("versions"), ids=case_id)
def test_release_create_refuses_each_version(tmp_path: Path, case: dict[str, str]) -> None:
    (tmp_path / "fw.yaml").write_text(yaml.safe_dump(FW), encoding="utf-8")
    (tmp_path / "d.csv").write_bytes(DATA)
    before = database()
    args = ["release", "create", str(tmp_path / "fw.yaml"), str(tmp_path / "d.csv")]
    result = CliRunner().invoke(app, [*args, "--version", case["version"]])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert expected(case, "cli") in result.output
    assert database() == before
