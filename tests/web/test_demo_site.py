"""The demonstration site: the synthetic release is flagged everywhere it appears."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from typer.testing import CliRunner

from polindex.cli import app
from polindex.web.releases.models import Release

runner = CliRunner()


@pytest.mark.django_db(transaction=True)
def test_demo_publishes_a_synthetic_release_flagged_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLINDEX_DATA_DIR", raising=False)
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--publish", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "Published SYNTH demo" in result.stdout
    assert "Sign in at http://127.0.0.1:8123/accounts/login/" in result.stdout  # its own port
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
    assert Release.objects.filter(index__code="SYNTH").count() == 1


def test_a_real_release_has_no_banner(client: Client, published: Release) -> None:
    assert "Synthetic data" not in client.get("/TOY/2024.1/").content.decode()
