"""A release published with its robustness results: rank intervals on profiles and a page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client
from tests.conftest import ROBUST_ROWS
from typer.testing import CliRunner

from polindex.cli import app
from polindex.web.releases.freeze import checksum
from polindex.web.releases.models import Release

runner = CliRunner()


@pytest.mark.django_db(transaction=True)
def test_release_with_robustness(tmp_path: Path, robust_files: tuple[Path, Path]) -> None:
    framework, data = robust_files
    result = runner.invoke(
        app,
        [
            "release",
            "create",
            str(framework),
            str(data),
            "--version",
            "1",
            "--robustness",
        ],
    )
    assert result.exit_code == 0, result.output
    release = Release.objects.get(version="1")
    data = release.robustness
    assert data["uncertainty"]["replications"] == 32
    assert {u["unit"] for u in data["uncertainty"]["summary"]} == {u for u, *_ in ROBUST_ROWS}
    assert [s["input"] for s in data["sensitivity"]["table"]] == ["aggregation", "w_A"]
    assert {a["node"] for a in data["audit"]["reliability"]} == {"A", "B", "T"}
    rows = list(
        release.scores.order_by("id").values(
            "unit", "period", "node", "level", "parent", "score", "rank", "band", "status"
        )
    )
    used = {"weights_used": release.weights_used, "methods_used": release.methods_used}
    assert release.uncertainty_design["runs"] == 32  # the design whole (decision 048)…
    assert [i["name"] for i in release.uncertainty_design["inputs"]] == ["aggregation", "w_A"]
    assert release.checksum == checksum(
        release.framework,
        release.spec,
        release.inputs_csv,
        rows,
        release.robustness,
        used=used,
        units=release.units,
        design=release.uncertainty_design,
    )  # fmt: skip  (…covered by the checksum)
    client = Client()
    page = client.get("/T/1/robustness/").content.decode()
    assert '<table id="intervals">' in page
    assert '<table id="sensitivity">' in page
    profile = client.get("/T/1/AT/").content.decode()
    assert 'id="rank-interval"' in profile
    assert "under other plausible construction choices between" in profile
    chart = client.get("/T/1/chart/robustness.csv").content.decode().splitlines()
    assert chart[0] == "unit,name,rank_nominal,rank_median,rank_q05,rank_q95"
    assert len(chart) == 1 + len(ROBUST_ROWS)
    assert 'href="/T/1/chart/robustness.svg"' in page
    # under embargo (the same release, its publish time moved on), both are gone
    Release.objects.filter(pk=release.pk).update(
        publish_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    )
    caches["pages"].clear()
    assert client.get("/T/1/robustness/").status_code == 404
    assert client.get("/T/1/chart/robustness.csv").status_code == 404


def test_no_robustness_page_without_results(client: Client, published: Release) -> None:
    assert client.get("/TOY/2024.1/robustness/").status_code == 404
