"""Stored data are never trusted by what renders them: a release whose names hold control
characters (made before they were refused at the door, or from a Dataset built in Python)
still renders its charts and downloads (issue 13: vl-convert aborted the whole server process,
XLSX and ZIP downloads were 500s)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile

import numpy as np
import pytest
from django.test import Client
from openpyxl import load_workbook

from polindex.engine import Dataset, compute
from polindex.framework import load_framework
from polindex.web.releases.publish import publish_release

HOSTILE = "Evil\x01Land"


@pytest.fixture
def hostile(db: None) -> str:
    fw = load_framework(
        {"code": "H", "name": "H", "indicators": [{"code": "q", "type": "numeric"}]}
    )
    ds = Dataset.from_arrays([HOSTILE, "Good"], [2024], ["q"], np.array([[[80.0]], [[20.0]]]))
    publish_release(compute(fw, ds), version="1", publish_at=dt.datetime.now(dt.UTC))
    return HOSTILE


def test_charts_render_without_killing_the_process(client: Client, hostile: str) -> None:
    svg = client.get("/H/1/chart/ranking/H/2024.svg")
    assert svg.status_code == 200
    assert "Evil\ufffdLand" in svg.content.decode()
    png = client.get("/H/1/chart/ranking/H/2024.png")
    assert png.status_code == 200
    assert png.content.startswith(b"\x89PNG")


def test_downloads_are_written(client: Client, hostile: str) -> None:
    xlsx = client.get("/H/1/download/xlsx")
    assert xlsx.status_code == 200
    units = [
        row[0].value for row in load_workbook(io.BytesIO(xlsx.getvalue()))["index"].iter_rows()
    ]
    assert "Evil\ufffdLand" in units
    archive = client.get("/H/1/download/zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.getvalue())) as z:
        assert any(name.endswith(".xlsx") for name in z.namelist())


FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def formula(db: None) -> str:
    fw = load_framework(
        {"code": "F", "name": "F", "indicators": [{"code": "q", "type": "numeric"}]}
    )
    ds = Dataset.from_arrays([FORMULA, "-AT"], [2024], ["q"], np.array([[[80.0]], [[20.0]]]))
    publish_release(compute(fw, ds), version="1", publish_at=dt.datetime.now(dt.UTC))
    return FORMULA


def test_a_unit_that_looks_like_a_formula_stays_text_in_every_download(
    client: Client, formula: str
) -> None:
    # regression: unit names starting with = + - @ became live formulas in the release XLSX
    book = load_workbook(io.BytesIO(client.get("/F/1/download/xlsx").getvalue()))
    cells = {c.value: c.data_type for row in book["index"].iter_rows() for c in row}
    assert cells[FORMULA] == "s"
    assert cells["-AT"] == "s"
    for fmt in ("long.csv", "wide.csv"):
        rows = list(csv.reader(io.StringIO(client.get(f"/F/1/download/{fmt}").getvalue().decode())))
        units = {row[0] for row in rows[1:]}
        assert units == {"'" + FORMULA, "'-AT"}, fmt


def test_a_long_framework_name_and_licence_are_stored_whole(db: None) -> None:
    # regression: `polindex demo --publish` failed on PostgreSQL ("value too long for type
    # character varying(200)") because IMPIC's licence has 245 characters; SQLite let it pass
    name, licence = "N" * 300, "Data: " + "terms of use, " * 40
    fw = load_framework(
        {
            "code": "L",
            "name": name,
            "licence": licence,
            "indicators": [{"code": "q", "type": "numeric"}],
        }
    )
    ds = Dataset.from_arrays(["A", "B"], [2024], ["q"], np.array([[[80.0]], [[20.0]]]))
    release = publish_release(compute(fw, ds), version="1", publish_at=dt.datetime.now(dt.UTC))
    release.refresh_from_db()
    assert release.licence == licence
    assert release.index.name == name


def test_charts_are_rendered_in_a_child_process(client: Client, hostile: str) -> None:
    # a crash of vl-convert fails one request, never the server (issue 13)
    from polindex.web.explorer.views import _renderer

    assert client.get("/H/1/chart/ranking/H/2024.svg").status_code == 200
    child = _renderer()._child
    assert child is not None
    assert child.is_alive()
    assert child.pid != os.getpid()
