"""The demonstration site: the synthetic release is flagged everywhere it appears."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from typer.testing import CliRunner

import polindex
from polindex.cli import app
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from .conftest import DATA, FW

runner = CliRunner()


@pytest.mark.sqlite_only  # on PostgreSQL, the same demo populates tests/web/test_backup.py
@pytest.mark.django_db(transaction=True)
def test_demo_publishes_a_synthetic_release_flagged_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLINDEX_DATA_DIR", raising=False)
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--publish", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "Published SYNTH demo" in result.stdout
    assert "Country reports of SYNTH demo: 24 PDFs and their ZIPs" in result.stdout
    assert "Sign in at http://127.0.0.1:8123/accounts/login/" in result.stdout  # its own port
    summary = " ".join(result.stdout.split())  # (the console wraps long lines)
    assert "http://127.0.0.1:8123/MIPEXDEMO/demo-previous/credits/" in summary
    assert "Anna Beispiel" in Client().get("/MIPEXDEMO/demo-previous/credits/").content.decode()
    release = Release.objects.get(index__code="SYNTH", version="demo")
    assert release.synthetic
    assert "synthetic" in release.index.name.lower()
    assert "invented data" in release.citation
    client = Client()
    for page in ("/", "/SYNTH/demo/", "/SYNTH/demo/Synthetic-A/"):
        body = client.get(page).content.decode()
        assert "Synthetic data" in body, page
        assert "not real scores" in body, page
    archive = client.get("/SYNTH/demo/download/zip").getvalue()
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert z.read("README.txt").decode().startswith("SYNTHETIC DATA")
    again = runner.invoke(app, ["demo", "--out", str(tmp_path), "--publish"])
    assert "Release SYNTH demo: already published" in again.stdout
    assert Release.objects.filter(index__code="SYNTH").count() == 2  # demo and its previous
    compared = client.get("/SYNTH/demo/compare-with/2022/").content.decode()
    assert "Only in demo (left out): Waiting time for a work permit" in compared  # back-cast
    assert client.get("/SYNTH/").url == "/SYNTH/demo/"  # the latest edition stays the default


def test_a_real_release_has_no_banner(client: Client, published: Release) -> None:
    assert "Synthetic data" not in client.get("/TOY/2024.1/").content.decode()


def test_the_home_page_flags_the_synthetic_index_alone(client: Client, published: Release) -> None:
    """Beside a real index, the synthetic one carries its banner in its own board: the banner
    never sits above the real index's ranking (it did, over IMPIC's)."""
    fake = polindex.load_framework({**FW, "code": "FAKE", "name": {"en": "Fake index"}})
    publish_release(
        polindex.score(fake, DATA), version="1", synthetic=True,
        publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
    )  # fmt: skip
    body = client.get("/").content.decode()
    assert body.count("not real scores") == 1
    # AA and <b>CC are no country, BB is Barbados: the banner says only the answers are made up
    assert Release.objects.get(index__code="FAKE").unit_names == "mixed"
    assert "— synthetic answers, generated for demonstration only" in body
    banner = body.index('class="synthetic')
    assert banner > body.index("<main")  # not the page's own banner, above every index
    # inside the synthetic index's board (the same <section>), not the real one's
    board = body.rindex("<section", 0, banner)
    assert body.rindex("<section", 0, body.index(">Fake index</a>")) == board
    assert body.rindex("<section", 0, body.index(">Toy index</a>")) != board
    assert "not real scores" not in client.get("/TOY/2024.1/").content.decode()
