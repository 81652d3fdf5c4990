"""Downloads: every format, checked with its own reader (Frictionless for the data package)."""

from __future__ import annotations

import gzip
import io
import json
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from django.test import Client
from frictionless import Package

from polindex.web.releases import stored
from polindex.web.releases.exports import Export
from polindex.web.releases.models import Release

from .conftest import client_for

BASE = "/TOY/2024.1/download/"


def get(client: Client, fmt: str) -> bytes:
    response = client.get(BASE + fmt)
    assert response.status_code == 200, fmt
    assert "attachment; filename=" in response["Content-Disposition"]
    return bytes(response.getvalue())


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


# -- made once and kept (polindex.web.releases.stored) ----------------------------------------


def test_a_download_is_made_once_then_served_from_the_kept_file(
    client: Client, published: Release, settings: Any
) -> None:
    first = get(client, "long.csv")
    (kept,) = Path(settings.DOWNLOADS_DIR).rglob("long.csv")
    assert kept.read_bytes() == first
    assert gzip.decompress(kept.with_name("long.csv.gz").read_bytes()) == first
    kept.write_bytes(first.replace(b"Barbados", b"Barbade!"))  # what is kept is what is served
    assert b"Barbade!" in get(client, "long.csv")
    assert not [p for p in kept.parent.iterdir() if p.name.startswith(".")]  # no part left


def test_a_download_has_a_strong_etag_a_year_long_lifetime_and_answers_304(
    client: Client, published: Release
) -> None:
    response = client.get(BASE + "zip")
    etag = response["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('-zip-en"')
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    again = client.get(BASE + "zip", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.getvalue() == b""
    assert (again["ETag"], again["Cache-Control"]) == (etag, response["Cache-Control"])
    assert client.get(BASE + "zip", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    french = client.get("/fr" + BASE + "zip")
    assert french["ETag"].endswith('-zip-fr"')  # names in French: other bytes, another tag
    assert french["ETag"] != etag


def test_text_downloads_are_kept_gzipped_and_archives_are_not_gzipped_again(
    client: Client, published: Release
) -> None:
    plain = get(client, "long.csv")
    packed = client.get(BASE + "long.csv", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.getvalue()) == plain
    assert packed["ETag"].endswith('-gz"')
    assert not packed["ETag"].startswith("W/")
    assert "Accept-Encoding" in packed["Vary"]
    archive = client.get(BASE + "zip", HTTP_ACCEPT_ENCODING="gzip")
    assert not archive.has_header("Content-Encoding")
    assert not archive["ETag"].startswith("W/")
    with zipfile.ZipFile(io.BytesIO(archive.getvalue())) as z:
        assert z.testzip() is None


def test_an_embargoed_release_s_download_is_never_kept_by_a_shared_cache(
    embargoed: Release, insider: Any
) -> None:
    response = client_for(insider).get("/TOY/2025.1/download/long.csv")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("fmt", ["zip", "xlsx", "datapackage.zip", "json"])
def test_a_download_is_the_same_bytes_each_time_it_is_made(published: Release, fmt: str) -> None:
    first = Export(published, "en").content(fmt)
    assert Export(published, "en").content(fmt) == first  # no clock in an archive


def test_a_second_first_request_waits_for_the_first_instead_of_writing_too(
    tmp_path: Path,
) -> None:
    lock = tmp_path / "long.csv.lock"
    order: list[str] = []
    holding = threading.Event()

    def first() -> None:
        with stored._exclusive(lock):
            holding.set()
            time.sleep(0.2)
            order.append("first done")

    def second() -> None:
        holding.wait()
        with stored._exclusive(lock):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order == ["first done", "second in"]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_requests_give_one_whole_file(settings: Any) -> None:
    from django.db import connection

    from polindex.web.releases.publish import publish_release

    from .conftest import NOW, results

    release = publish_release(results(), version="2024.1", publish_at=NOW)
    got: list[bytes] = []

    def download() -> None:
        try:
            got.append(stored.kept(release, "zip", "en").read_bytes())
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 2
    assert got[0] == got[1]
    with zipfile.ZipFile(io.BytesIO(got[0])) as z:
        assert z.testzip() is None
    folder = stored.folder(release, "en")
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock")) == [
        "datapackage.zip", "json", "json.gz", "long.csv", "long.csv.gz", "wide.csv",
        "wide.csv.gz", "xlsx", "zip",
    ]  # fmt: skip
