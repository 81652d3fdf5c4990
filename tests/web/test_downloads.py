"""Downloads: every format, checked with its own reader (Frictionless for the data package)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from django.test import Client
from frictionless import Package

from polindex.web.releases.models import Release

BASE = "/TOY/2024.1/download/"


def get(client: Client, fmt: str) -> bytes:
    response = client.get(BASE + fmt)
    assert response.status_code == 200, fmt
    assert "attachment; filename=" in response["Content-Disposition"]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_long_and_wide(client: Client, published: Release) -> None:
    long = pd.read_csv(io.BytesIO(get(client, "long.csv")))
    assert len(long) == 9
    row = long[(long["unit"] == "BB") & (long["node"] == "TOY")].iloc[0]
    assert (row["score"], row["rank"], row["band"]) == (50.0, 2, "high")
    assert (row["name"], row["band_label"]) == ("Barbados", "high")  # BB: ISO's Barbados
    wide = pd.read_csv(io.BytesIO(get(client, "wide.csv")))
    assert list(wide.columns) == ["unit", "name", "period", "q1", "q2", "TOY"]
    assert wide.set_index("unit").loc["AA", "TOY"] == 100.0


def test_xlsx_has_a_sheet_per_level_and_a_codebook(client: Client, published: Release) -> None:
    book = openpyxl.load_workbook(io.BytesIO(get(client, "xlsx")))
    assert book.sheetnames == ["about", "indicator", "index", "codebook", "units"]
    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0][:3] == ("code", "level", "parent")
    assert [r[0] for r in codebook[1:]] == ["TOY", "q1", "q2"]


def test_json(client: Client, published: Release) -> None:
    doc = json.loads(get(client, "json"))
    assert doc["release"]["checksum"] == published.checksum
    assert {u["code"]: u["kind"] for u in doc["units"]} == {
        "<b>CC": "other", "AA": "other", "BB": "country"
    }  # fmt: skip
    assert len(doc["scores"]) == 9


def test_datapackage_is_valid_frictionless(
    client: Client, published: Release, tmp_path: Path
) -> None:
    with zipfile.ZipFile(io.BytesIO(get(client, "datapackage.zip"))) as z:
        z.extractall(tmp_path)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == 3
    units = pd.read_csv(tmp_path / "units.csv", keep_default_na=False)
    assert list(units.columns) == [
        "unit", "name_en", "name_fr", "kind", "iso_alpha_2", "iso_alpha_3", "iso_numeric",
        "groups",
    ]  # fmt: skip
    bb = units.set_index("unit").loc["BB"]
    assert (bb["name_fr"], bb["kind"], bb["iso_alpha_3"]) == ("Barbade", "country", "BRB")


def test_zip_of_everything_with_readme_and_citation(client: Client, published: Release) -> None:
    with zipfile.ZipFile(io.BytesIO(get(client, "zip"))) as z:
        names = sorted(z.namelist())
        assert names == sorted(
            [
                "README.txt",
                "CITATION.txt",
                "TOY-2024.1-long.csv",
                "TOY-2024.1-wide.csv",
                "TOY-2024.1.xlsx",
                "TOY-2024.1.json",
                "TOY-2024.1-datapackage.zip",
            ]
        )
        assert z.read("CITATION.txt").decode() == "Toy team (2025). Toy index."
        assert published.checksum in z.read("README.txt").decode()


@pytest.mark.parametrize("fmt", ["long.csv", "zip"])
def test_embargoed_downloads_are_404(client: Client, embargoed: Release, fmt: str) -> None:
    assert client.get(f"/TOY/2025.1/download/{fmt}").status_code == 404


def test_unknown_format_is_404(client: Client, published: Release) -> None:
    assert client.get(BASE + "pdf").status_code == 404
