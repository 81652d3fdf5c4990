"""Comparing a release with itself rebuilt another way (decision 061): another normalisation or
imputation where the release was built by a pipeline, hand-checked and against a direct engine
run; a questionnaire index says these do not apply.

The pipeline index PIP: x and y (numeric), imputed by the mean, normalised min-max onto 0–100,
averaged. Four countries; U2 has no y:

    x: U1 0, U2 1, U3 10, U4 4              → min-max 0, 10, 100, 40
    y: U1 10, U2 (10 + 20 + 3) / 3 = 11, U3 20, U4 3 → (y − 3) / 17 × 100: 41.18, 47.06, 100, 0
    index: U1 20.59, U2 28.53, U3 100, U4 20.00

- By the median, U2's y is 10 → 41.18, and U2's index (10 + 41.18) / 2 = 25.59 (−2.94).
- z-scores (sample standard deviation) centred on 50 with 100/6 per standard deviation:
  x: mean 3.75, sd 4.5 → U2 50 + (1 − 3.75) / 4.5 × 100/6 = 39.81;
  y: mean 11, sd √(146/3) → U2 50; U2's index 44.91 (+16.38).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import pandas as pd
import pytest
from django.test import Client

import polindex
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from .test_dialogue_comparison import _cells

FW: dict[str, Any] = {
    "code": "PIP",
    "name": {"en": "Pipeline index"},
    "indicators": [
        {"code": "x", "type": "numeric", "label": {"en": "Exports"}},
        {"code": "y", "type": "numeric", "label": {"en": "Yields"}},
    ],
    "pipeline": {
        "steps": [
            {"step": "impute", "method": "mean"},
            {"step": "normalise", "method": "minmax", "params": {"low": 0, "high": 100}},
            {"step": "aggregate", "method": "arithmetic"},
        ]
    },
}
DATA = [
    ("U1", 2024, "x", 0), ("U2", 2024, "x", 1), ("U3", 2024, "x", 10), ("U4", 2024, "x", 4),
    ("U1", 2024, "y", 10), ("U3", 2024, "y", 20), ("U4", 2024, "y", 3),
]  # fmt: skip


def _frame() -> pd.DataFrame:
    return pd.DataFrame(DATA, columns=["unit", "period", "indicator", "value"])


@pytest.fixture
def pip(db: None) -> Release:
    return publish_release(FW, _frame(), version="1", publish_at=dt.datetime.now(dt.UTC))


def _rows(page: str) -> dict[str, list[str]]:
    return {r[0]: r[1:] for r in _cells(page)}


def _direct(step: str, method: str, params: dict[str, Any]) -> dict[str, float]:
    """Each unit's index score from the engine run directly with one step replaced."""
    fw = copy.deepcopy(FW)
    for s in fw["pipeline"]["steps"]:
        if s["step"] == step:
            s.update({"method": method, **({"params": params} if params else {})})
    res = polindex.build(fw, _frame())
    return {u: res.score(unit=u) for u in ("U1", "U2", "U3", "U4")}


def test_the_published_pipeline_index(pip: Release) -> None:
    scores = {s.unit: s.score for s in pip.scores.filter(node="PIP")}
    assert scores == pytest.approx({"U1": 350 / 17, "U2": 485 / 17, "U3": 100.0, "U4": 20.0})


def test_another_normalisation(client: Client, pip: Release) -> None:
    response = client.get("/PIP/1/compare-with/", {"variant": "normalise-zscore"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Score 1, z-score normalisation" in page
    assert "rebuilt with z-score normalisation in place of its own step" in page
    rows = _rows(page)
    assert rows["U2"][:3] == ["28.5", "44.9", "+16.4"]  # hand-checked (module docstring)
    direct = _direct("normalise", "zscore", {"mean": 50, "sd": 100 / 6})
    out = client.get("/api/v1/releases/PIP/1/compare-aggregation/normalise-zscore").json()
    got = {r["unit"]: r["score_b"] for r in out["rows"]}
    assert got == pytest.approx(direct)  # the engine run directly agrees, every unit
    assert got["U2"] == pytest.approx((39.81481 + 50) / 2, abs=1e-4)
    assert out["b"] == "1, z-score normalisation"
    movers = page.split('<ul id="movers">')[1].split("</ul>")[0]
    assert re.search(r"<strong>U1</strong>: rank 3 → 3, \+21\.3 points — (Exports|Yields)", movers)


def test_another_imputation(client: Client, pip: Release) -> None:
    page = client.get("/PIP/1/compare-with/", {"variant": "impute-median"}).content.decode()
    rows = _rows(page)
    assert rows["U2"] == ["28.5", "25.6", "−2.9", "2", "2", "0"]
    assert rows["U1"][:3] == ["20.6", "20.6", "0.0"]  # only U2 had a gap
    direct = _direct("impute", "median", {})
    assert direct["U2"] == pytest.approx((10 + 700 / 17) / 2)
    movers = page.split('<ul id="movers">')[1].split("</ul>")[0]
    assert "<strong>U2</strong>: rank 2 → 2, −2.9 points — Yields −2.9" in movers


def test_the_variants_offered(client: Client, pip: Release, two: Release) -> None:
    page = client.get("/PIP/1/compare-with/").content.decode()
    assert '<optgroup label="Normalisation">' in page
    assert '<option value="impute-median">imputation by the median</option>' in page
    questionnaire = client.get("/TWO/1/compare-with/").content.decode()
    assert '<optgroup label="Normalisation">' not in questionnaire
    assert "Normalisation and imputation do not apply to this index" in questionnaire
    refused = client.get("/TWO/1/compare-with/", {"variant": "normalise-zscore"})
    assert refused.status_code == 400
    assert refused.content.decode().count("each answer has its score in the questionnaire") == 1
    api = client.get("/api/v1/releases/TWO/1/compare-aggregation/impute-mean")
    assert api.status_code == 422
    assert "Normalisation and imputation do not apply" in api.json()["detail"]
    fr = client.get("/fr/PIP/1/compare-with/", {"variant": "normalise-minmax"}).content.decode()
    assert "normalisation (min-max)" in fr
    assert {r[2] for r in _rows(fr).values()} == {"0,0"}  # the release's own method: no change
