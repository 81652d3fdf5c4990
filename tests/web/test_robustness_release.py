"""A release published with its robustness results: rank intervals on profiles and a page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from typer.testing import CliRunner

from polindex.cli import app
from polindex.web.releases.freeze import checksum
from polindex.web.releases.models import Release

FRAMEWORK = """\
code: T
name: Toy
levels: [area]
areas:
  - code: A
    indicators: [{code: a1, type: numeric}, {code: a2, type: numeric, direction: -1}]
  - code: B
    indicators: [{code: b1, type: numeric}, {code: b2, type: numeric}]
pipeline:
  steps:
    - {step: normalise, method: minmax, params: {low: 1, high: 100}}
    - {step: aggregate, method: arithmetic}
uncertainty:
  runs: 32
  bootstrap: 50
  inputs:
    - name: aggregation
      step: aggregate
      alternatives: [{method: arithmetic}, {method: geometric}]
    - {name: w_A, weight: A, range: [0.5, 2]}
"""
ROWS = [
    ("U1", 10, 5, 3, 40),
    ("U2", 20, 9, 8, 30),
    ("U3", 35, 2, 6, 90),
    ("U4", 50, 7, 1, 20),
    ("U5", 60, 4, 9, 70),
    ("U6", 80, 1, 4, 60),
]

runner = CliRunner()


@pytest.mark.django_db(transaction=True)
def test_release_with_robustness(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(FRAMEWORK)
    lines = ["unit,period,a1,a2,b1,b2"] + [f"{u},2024,{a},{b},{c},{d}" for u, a, b, c, d in ROWS]
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n")
    result = runner.invoke(
        app,
        [
            "release",
            "create",
            str(tmp_path / "fw.yaml"),
            str(tmp_path / "data.csv"),
            "--version",
            "1",
            "--robustness",
        ],
    )
    assert result.exit_code == 0, result.output
    release = Release.objects.get(version="1")
    data = release.robustness
    assert data["uncertainty"]["replications"] == 32
    assert {u["unit"] for u in data["uncertainty"]["summary"]} == {u for u, *_ in ROWS}
    assert [s["input"] for s in data["sensitivity"]["table"]] == ["aggregation", "w_A"]
    assert {a["node"] for a in data["audit"]["reliability"]} == {"A", "B", "T"}
    rows = list(
        release.scores.order_by("id").values(
            "unit", "period", "node", "level", "parent", "score", "rank", "band", "status"
        )
    )
    assert release.checksum == checksum(
        release.framework, release.spec, release.inputs_csv, rows, release.robustness
    )
    client = Client()
    page = client.get("/T/1/robustness/").content.decode()
    assert '<table id="intervals">' in page
    assert '<table id="sensitivity">' in page
    profile = client.get("/T/1/U1/").content.decode()
    assert 'id="rank-interval"' in profile
    assert "under other plausible construction choices between" in profile
    chart = client.get("/T/1/chart/robustness.csv").content.decode().splitlines()
    assert chart[0] == "unit,rank_nominal,rank_median,rank_q05,rank_q95"
    assert len(chart) == 1 + len(ROWS)
    assert 'href="/T/1/chart/robustness.svg"' in page
    # under embargo (the same release, its publish time moved on), both are gone
    Release.objects.filter(pk=release.pk).update(
        publish_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    )
    cache.clear()
    assert client.get("/T/1/robustness/").status_code == 404
    assert client.get("/T/1/chart/robustness.csv").status_code == 404


def test_no_robustness_page_without_results(client: Client, published: Release) -> None:
    assert client.get("/TOY/2024.1/robustness/").status_code == 404
