"""ASEM (a build: denominators, treatment, normalisation, an uncertainty design) published as the
demo publishes it, then simulated from what the release froze (decisions 048–050): with no change
every node of every country is the published figure, exactly; one changed raw value gives what a
direct engine run on the changed data file gives; the rank interval replayed on unchanged data is
the published one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.test import Client

from polindex.api import release_results
from polindex.demo.examples import EXAMPLES, asem_example
from polindex.framework.definition import load_index
from polindex.io.tables import ReadOptions
from polindex.web.dialogue.simulators import simulator_of
from polindex.web.dialogue.whatif_figures import official_interval, simulable
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release
from polindex.web.releases.verify import recomputed_checksum

from ..examples.conftest import third_party_file

OPTIONS = ReadOptions(unit_column="uCode", period_column="Time", extra_columns="ignore")
NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def asem_data() -> Path:
    return third_party_file("asem/asem_iData.csv")


@pytest.fixture(scope="module")
def asem_results(asem_data: Path):  # type: ignore[no-untyped-def]
    example = asem_example(asem_data.parent.parent)
    assert example is not None
    return example.results


@pytest.fixture
def asem(db: None, asem_results) -> Release:  # type: ignore[no-untyped-def]
    return publish_release(asem_results, version="2018", publish_at=NOW - dt.timedelta(days=1))


def test_the_release_freezes_the_pipeline_variables_and_the_design(asem: Release) -> None:
    variables = pd.read_csv(pd.io.common.StringIO(asem.variables_csv), dtype=str)
    assert set(variables["indicator"]) == {"Area", "Energy", "GDP", "Population", "EurAsia_group"}
    assert [i["name"] for i in asem.uncertainty_design["inputs"]] == [
        "winmax", "normalisation", "weights", "aggregation",
    ]  # fmt: skip
    assert asem.uncertainty_design["runs"] == 100
    assert recomputed_checksum(asem) == asem.checksum  # both are covered by the checksum
    assert simulable(asem)


def test_no_change_gives_every_published_figure_exactly(asem: Release) -> None:
    sim = simulator_of(asem)
    published = {
        (u, n): (s, r) for u, n, s, r in asem.scores.values_list("unit", "node", "score", "rank")
    }
    rebuilt = sim.results.table()
    assert len(rebuilt) == len(published) == 51 * 60  # every country, every node
    for rec in rebuilt.itertuples():
        score, rank = published[(rec.unit, rec.node)]
        if score is None:
            assert np.isnan(rec.score)
        else:
            assert rec.score == score  # exactly: the engine is deterministic
            assert rec.rank == rank
    out = sim.simulate("AUT", {}, intervals=False)
    assert out.nodes["new_score"].tolist() == out.nodes["score"].tolist()
    assert (out.nodes["rank_difference"] == 0).all()


def test_one_changed_value_gives_what_a_direct_engine_run_gives(
    asem: Release, asem_data: Path, tmp_path: Path
) -> None:
    frame = pd.read_csv(asem_data, dtype=str, keep_default_na=False)
    row = frame.index[frame["uCode"] == "AUT"][0]
    assert frame.at[row, "Flights"] == "29.01725"  # (AUT's published value)
    frame.at[row, "Flights"] = "60"
    changed = tmp_path / "asem_changed.csv"
    frame.to_csv(changed, index=False)
    direct = release_results(
        load_index(EXAMPLES / "asem" / "framework.yaml"), changed, options=OPTIONS
    ).results
    out = simulator_of(asem).simulate("AUT", {"Flights": "60"}, intervals=False)
    table = direct.table()
    mine = table[table["unit"] == "AUT"].set_index("node")
    got = out.nodes.set_index("node")
    assert len(got) == 60
    for node in got.index:  # exactly the numbers of the direct run, every node
        assert got.loc[node, "new_score"] == mine.loc[node, "score"], node
        assert got.loc[node, "new_rank"] == mine.loc[node, "rank"], node
    assert got.loc["Index", "new_score"] > got.loc["Index", "score"]  # more flights per head
    assert got.loc["Flights", "new_rank"] < got.loc["Flights", "rank"]


def test_the_rank_interval_replayed_without_change_is_the_published_one(asem: Release) -> None:
    sim = simulator_of(asem)
    for unit in ("AUT", "CHN", "SGP"):
        out = sim.simulate(unit, {})
        frozen = official_interval(asem, unit)
        assert frozen is not None
        assert out.new_interval == (frozen["low"], frozen["high"])
        assert out.interval == out.new_interval
    moved = sim.simulate("AUT", {"Flights": "60"})
    assert moved.new_interval is not None
    assert moved.new_interval[1] <= moved.interval[1]  # more flights: never a worse interval


def test_a_release_made_before_the_variables_were_frozen_still_loads(asem: Release) -> None:
    """An ASEM release frozen before migration 0009 has neither field, and the checksum it was
    made with: it still verifies, and says it cannot be simulated, as before."""
    from polindex.web.releases.freeze import SCORE_FIELDS, checksum

    stored = asem.scores.order_by("id").values_list(*SCORE_FIELDS)
    rows = [dict(zip(SCORE_FIELDS, v, strict=True)) for v in stored]
    used = {"weights_used": asem.weights_used, "methods_used": asem.methods_used}
    old = checksum(
        asem.framework, asem.spec, asem.inputs_csv, rows, asem.robustness, asem.notes, used,
        asem.units,
    )  # fmt: skip
    Release.objects.filter(pk=asem.pk).update(variables_csv="", uncertainty_design={}, checksum=old)
    before = Release.objects.get(pk=asem.pk)
    assert recomputed_checksum(before) == before.checksum == old
    assert not simulable(before)
    r = Client().get("/Index/2018/what-if/AUT/")
    assert r.status_code == 404
    assert "variables (denominators, groups) the release does not keep" in r.content.decode()
