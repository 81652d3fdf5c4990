"""Robustness in every channel: the rank intervals, the sensitivity indices and the audit's
reliability of a release built here with its robustness analyses reach the API (per release and
per unit, documented), every download format (the data package valid for Frictionless) and a
robustness page that explains them in plain words, with labels (never codes), in English and
French — the same numbers as the robustness the release froze."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from django.test import Client
from frictionless import Package

from polindex.analysis.robustness import ReleaseResults
from polindex.api import release_results
from polindex.framework.definition import load_index
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from .conftest import client_for

FRAMEWORK = """\
code: R
name: {en: Robust toy, fr: Jouet robuste}
languages: [en, fr]
levels: [{code: area, plural: areas, label: {en: Area, fr: Domaine}}]
areas:
  - code: A
    label: {en: Access, fr: Accès}
    indicators:
      - {code: a1, type: numeric, label: {en: Work, fr: Travail}}
      - {code: a2, type: numeric, direction: -1, label: {en: Waiting time, fr: Attente}}
  - code: B
    label: {en: Balance, fr: Équilibre}
    indicators:
      - {code: b1, type: numeric, label: {en: Bonds, fr: Liens}}
      - {code: b2, type: numeric, label: {en: Barriers, fr: Barrières}}
pipeline:
  steps:
    - {step: normalise, method: minmax, params: {low: 1, high: 100}}
    - {step: aggregate, method: arithmetic}
uncertainty:
  runs: 8
  seed: 3
  bootstrap: 20
  inputs:
    - name: aggregation
      step: aggregate
      alternatives: [{method: arithmetic}, {method: geometric}]
    - {name: w_A, weight: A, range: [0.5, 2]}
    - {name: noise, weight_noise: {area: 0.25}, sets: 10}
"""
# b2 falls as b1 rises: the two parts of Balance move against each other (a negative alpha)
ROWS = [
    ("AT", 10, 5, 30, 72),
    ("BE", 20, 9, 80, 15),
    ("DE", 35, 2, 60, 44),
    ("FR", 50, 7, 10, 85),
    ("IT", 60, 4, 90, 18),
    ("NL", 80, 1, 40, 55),
]
BASE = "/api/v1/releases/R/1"


@pytest.fixture(scope="module")
def computed() -> ReleaseResults:
    """The release's results and robustness analyses, computed once for the module."""
    data = pd.DataFrame(ROWS, columns=["unit", "a1", "a2", "b1", "b2"])
    data.insert(1, "period", 2024)
    return release_results(load_index(text=FRAMEWORK, name="fw.yaml"), data, robustness=True)


@pytest.fixture
def robust(db: None, computed: ReleaseResults) -> Release:
    return publish_release(
        computed, version="1", publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    )


def _body(response: Any) -> bytes:
    assert response.status_code == 200, response
    return bytes(response.getvalue())


def test_the_api_gives_what_the_release_froze_with_labels(client: Client, robust: Release) -> None:
    frozen = robust.robustness
    doc = client.get(f"{BASE}/robustness").json()
    assert (doc["target"], doc["target_label"], doc["period"]) == ("R", "Robust toy", "2024")
    assert doc["replications"] == frozen["uncertainty"]["replications"] == 8
    # every unit's interval: the stored numbers, with the unit's name
    stored = {u["unit"]: u for u in frozen["uncertainty"]["summary"]}
    assert [i["unit"] for i in doc["intervals"]] == list(stored)
    for interval in doc["intervals"]:
        unit = stored[interval.pop("unit")]
        assert interval.pop("name") == {"AT": "Austria", "BE": "Belgium", "DE": "Germany",
                                        "FR": "France", "IT": "Italy", "NL": "Netherlands"}[
            unit["unit"]]  # fmt: skip
        assert interval == {k: v for k, v in unit.items() if k != "unit"}
    assert all(i["rank_q05"] <= i["rank_median"] <= i["rank_q95"] for i in doc["intervals"])
    # the sensitivity indices, as frozen, each choice labelled in words
    table = frozen["sensitivity"]["table"]
    assert [{k: v for k, v in s.items() if k != "label"} for s in doc["sensitivity"]] == table
    assert [s["label"] for s in doc["sensitivity"]] == [
        "Aggregation (how scores are combined into groups)",
        "The weight of Access",
        "Random changes to the weights (Area ±25 %)",
    ]
    assert [(i["name"], i["kind"], i["alternatives"]) for i in doc["inputs"]] == [
        ("aggregation", "step", 2), ("w_A", "weight", None), ("noise", "weight_noise", 10)
    ]  # fmt: skip
    # the audit's reliability: Balance's parts move against each other
    alphas = {a["label"]: a["cronbach_alpha"] for a in doc["reliability"]}
    stored_alphas = {a["node"]: a["cronbach_alpha"] for a in frozen["audit"]["reliability"]}
    assert alphas == {"Access": stored_alphas["A"], "Balance": stored_alphas["B"],
                      "Robust toy": stored_alphas["R"]}  # fmt: skip
    assert alphas["Balance"] < 0
    french = client.get(f"{BASE}/robustness?lang=fr").json()
    assert [s["label"] for s in french["sensitivity"]] == [
        "Agrégation (façon de combiner les scores en groupes)",
        "Le poids de «\u00a0Accès\u00a0»",
        "Variations aléatoires des pondérations (Domaine ±25 %)",
    ]
    assert french["intervals"][0]["name"] in {"Autriche", "Belgique", "Allemagne", "France",
                                               "Italie", "Pays-Bas"}  # fmt: skip


def test_the_api_gives_one_unit_s_interval_and_sensitivity(client: Client, robust: Release) -> None:
    frozen = robust.robustness
    doc = client.get(f"{BASE}/units/DE/robustness").json()
    (stored,) = [u for u in frozen["uncertainty"]["summary"] if u["unit"] == "DE"]
    assert doc["unit"] == "DE"
    assert doc["name"] == "Germany"
    assert doc["interval"] == {**stored, "name": "Germany"}
    mine = [u for u in frozen["sensitivity"]["units"] if u["unit"] == "DE"]
    assert [(s["input"], s["first_order"], s["total"]) for s in doc["sensitivity"]] == [
        (u["input"], u["first_order"], u["total"]) for u in mine
    ]
    assert len(mine) == 3
    assert client.get(f"{BASE}/units/XX/robustness").status_code == 404
    assert client.get("/api/v1/releases/R/2/robustness").status_code == 404


def test_the_api_says_404_without_robustness_and_keeps_the_embargo(
    client: Client, robust: Release, published: Release, insider: Any
) -> None:
    assert client.get("/api/v1/releases/TOY/2024.1/robustness").status_code == 404
    Release.objects.filter(pk=robust.pk).update(
        publish_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    )
    for path in (f"{BASE}/robustness", f"{BASE}/units/AT/robustness"):
        assert client.get(path).status_code == 404
        response = client_for(insider).get(path)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


def test_the_openapi_document_describes_the_robustness_routes(client: Client, db: None) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/releases/{index}/{version}/robustness" in doc["paths"]
    assert "/api/v1/releases/{index}/{version}/units/{unit}/robustness" in doc["paths"]
    schemas = doc["components"]["schemas"]
    interval = schemas["IntervalOut"]["properties"]
    assert interval["rank_q05"]["description"] == "5th percentile of the rank (the best end)"
    assert "first-order" in schemas["SensitivityOut"]["properties"]["first_order"]["description"]
    assert "negative" in schemas["ReliabilityOut"]["properties"]["cronbach_alpha"]["description"]


def test_every_download_format_holds_the_robustness(
    client: Client, robust: Release, tmp_path: Path
) -> None:
    frozen = robust.robustness
    summary = pd.DataFrame(frozen["uncertainty"]["summary"]).set_index("unit")
    base = "/R/1/download/"
    intervals = pd.read_csv(io.BytesIO(_body(client.get(base + "rank-intervals.csv"))))
    assert list(intervals.columns[:4]) == ["unit", "name", "node", "period"]
    assert set(intervals["node"]) == {"R"}
    for field in ("rank_nominal", "rank_median", "rank_q05", "rank_q95"):
        assert intervals.set_index("unit")[field].to_dict() == summary[field].to_dict()
    sensitivity = pd.read_csv(io.BytesIO(_body(client.get(base + "sensitivity.csv"))))
    assert list(sensitivity["label"])[1] == "The weight of Access"
    assert sensitivity["total"].tolist() == pytest.approx(
        [s["total"] for s in frozen["sensitivity"]["table"]], rel=1e-12
    )
    book = openpyxl.load_workbook(io.BytesIO(_body(client.get(base + "xlsx"))))
    assert book.sheetnames[-4:] == ["rank intervals", "sensitivity", "unit sensitivity",
                                    "reliability"]  # fmt: skip
    rows = list(book["unit sensitivity"].iter_rows(values_only=True))
    assert rows[0] == ("unit", "name", "input", "label", "first_order", "total")
    assert len(rows) == 1 + 6 * 3
    doc = json.loads(_body(client.get(base + "json")))
    assert doc["robustness"]["intervals"][0]["rank_q95"] == frozen["uncertainty"]["summary"][0][
        "rank_q95"]  # fmt: skip
    assert len(doc["robustness"]["unit_sensitivity"]) == 18
    with zipfile.ZipFile(io.BytesIO(_body(client.get(base + "datapackage.zip")))) as z:
        z.extractall(tmp_path)
    package = Package(str(tmp_path / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [r.name for r in package.resources] == [
        "scores", "codebook", "units", "rank-intervals", "sensitivity", "unit-sensitivity",
        "reliability",
    ]  # fmt: skip
    reliability = pd.read_csv(tmp_path / "reliability.csv").set_index("node")
    assert reliability.loc["B", "label"] == "Balance"
    assert reliability.loc["B", "cronbach_alpha"] < 0
    with zipfile.ZipFile(io.BytesIO(_body(client.get(base + "zip")))) as z:
        assert {"R-1-rank-intervals.csv", "R-1-sensitivity.csv"} <= set(z.namelist())
        assert "rank interval (5–95 %, median) over 8 rebuilds" in z.read("README.txt").decode()
    french = pd.read_csv(
        io.BytesIO(_body(client.get("/fr" + base + "sensitivity.csv")))  # French by address
    )
    assert list(french["label"])[1] == "Le poids de «\u00a0Accès\u00a0»"


def test_a_release_without_robustness_has_no_robustness_files(
    client: Client, published: Release
) -> None:
    for fmt in ("rank-intervals.csv", "sensitivity.csv"):
        assert client.get(f"/TOY/2024.1/download/{fmt}").status_code == 404
    with zipfile.ZipFile(io.BytesIO(_body(client.get("/TOY/2024.1/download/zip")))) as z:
        assert not any("sensitivity" in name for name in z.namelist())


def test_the_robustness_page_explains_in_plain_words_with_labels(
    client: Client, robust: Release
) -> None:
    (flag,) = [
        f
        for f in robust.robustness["audit"]["flags"]
        if f["parent"] == "B" and f["kind"] == "negative"
    ]
    r = f"{flag['r']:.2f}"
    page = client.get("/R/1/robustness/").content.decode()
    for words in (
        "the <strong>first-order effect</strong> of a choice is the share it causes on its own",
        "its <strong>total effect</strong> is the share it causes on its own and together",
        "A <strong>negative alpha</strong> means that some parts of the group move in opposite",
        "<td>The weight of Access</td>",
        "<td>Random changes to the weights (Area ±25 %)</td>",
        ">Balance</a></td>",
        f"Bonds and Barriers (correlation {r})",
        'href="/R/1/download/rank-intervals.csv"',
        'href="/api/v1/releases/R/1/robustness"',
    ):
        assert words in page, words
    for code in ("<td>w_A</td>", "<td>noise</td>", ">B</a>", "<td>B</td>"):
        assert code not in page, code
    french = client.get("/fr/R/1/robustness/").content.decode()
    for words in (
        "l’<strong>effet de premier ordre</strong> d’un choix",
        "Un <strong>alpha négatif</strong> signifie",
        "<td>Le poids de «\u00a0Accès\u00a0»</td>",
        ">Équilibre</a></td>",
        f"Liens et Barrières (corrélation {r.replace('.', ',')})",
    ):
        assert words in french, words
    release_page = client.get("/R/1/").content.decode()
    assert 'href="/R/1/download/sensitivity.csv"' in release_page
