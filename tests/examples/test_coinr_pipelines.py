"""COINr parity: P1 and P2 on ASEM, rebuilt end to end from COINr's iData/iMeta.

Every imputed, treated, normalised and aggregated value matches COINr 1.1.14 to 1e-9 and
every rank exactly (``../shared/reference/coinr/README.md`` describes both pipelines).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import polindex
from polindex.analysis.audit import audit
from polindex.cli import app
from polindex.io.coinr import PipelineChoices, import_coinr

LEVELS = ["Indicator", "Pillar", "Sub-index", "Index"]
P1 = "P1_impgrp_minmax_amean"
P2 = "P2_example_full"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "asem" / "framework.yaml"

P1_CHOICES = PipelineChoices(
    denominate=False,
    impute="mean",
    impute_group="EurAsia_group",
    screen_availability=None,
    winmax=None,
)
P2_CHOICES = PipelineChoices(
    denominate=True, impute="mean", impute_group="EurAsia_group", screen_availability=0.9, winmax=5
)


def _build(asem_dir: Path, tmp: Path, choices: PipelineChoices) -> polindex.Results:
    imported = import_coinr(
        asem_dir / "asem_iData.csv",
        asem_dir / "asem_iMeta.csv",
        level_names=LEVELS,
        choices=choices,
    )
    paths = imported.write(tmp)
    return polindex.build(paths["framework"], paths["data"])


@pytest.fixture(scope="module")
def p1(asem_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> polindex.Results:
    return _build(asem_dir, tmp_path_factory.mktemp("p1"), P1_CHOICES)


@pytest.fixture(scope="module")
def p2(asem_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> polindex.Results:
    return _build(asem_dir, tmp_path_factory.mktemp("p2"), P2_CHOICES)


def assert_stage_matches(results: polindex.Results, stage: str, reference: Path) -> None:
    assert_frame_matches(results.stages[stage].frame(), reference, stage)


def assert_frame_matches(frame: pd.DataFrame, reference: Path, what: str) -> None:
    """Every value of COINr's reference table, to 1e-9 (absolute or relative)."""
    expected = pd.read_csv(reference).set_index("uCode")
    got = frame.set_index("unit")
    assert sorted(got.index) == sorted(expected.index)
    assert len(expected.columns) >= 49
    for code in expected.columns:
        np.testing.assert_allclose(
            got.loc[expected.index, code].to_numpy(dtype=float),
            expected[code].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-9,
            err_msg=f"{what} {code}",
        )


def assert_ranks_match(results: polindex.Results, reference: Path) -> None:
    expected = pd.read_csv(reference).set_index("uCode")
    got = results.wide("rank", period=2018)
    for code in expected.columns:
        assert got.loc[expected.index, code].astype(int).tolist() == expected[code].tolist(), code


@pytest.mark.parametrize("stage", ["imputed", "normalised", "aggregated"])
def test_p1_stage_matches_coinr(p1: polindex.Results, coinr_reference: Path, stage: str) -> None:
    assert_stage_matches(p1, stage, coinr_reference / f"{P1}_{stage}.csv")


def test_p1_ranks_match_coinr(p1: polindex.Results, coinr_reference: Path) -> None:
    assert_ranks_match(p1, coinr_reference / f"{P1}_ranks.csv")


@pytest.mark.parametrize("stage", ["imputed", "treated", "normalised", "aggregated"])
def test_p2_stage_matches_coinr(p2: polindex.Results, coinr_reference: Path, stage: str) -> None:
    assert_stage_matches(p2, stage, coinr_reference / f"{P2}_{stage}.csv")


def test_p2_ranks_match_coinr(p2: polindex.Results, coinr_reference: Path) -> None:
    assert_ranks_match(p2, coinr_reference / f"{P2}_ranks.csv")


def test_exact_ties_give_coinrs_ranks_too(
    p1: polindex.Results, p2: polindex.Results, coinr_reference: Path
) -> None:
    # COINr ranks the raw doubles (ties: exact); no ASEM scores differ by float noise alone
    assert_ranks_match(replace(p1, ties="exact"), coinr_reference / f"{P1}_ranks.csv")
    assert_ranks_match(replace(p2, ties="exact"), coinr_reference / f"{P2}_ranks.csv")


def test_audit_correlates_every_pillar_with_every_pillar(
    p2: polindex.Results, coinr_reference: Path
) -> None:
    # COINr's get_corr(coin, dset = "Aggregated", iCodes = list(pillars), Levels = c(2, 2)):
    # every pair of the 8 pillars, including pairs in different sub-indexes (Conn vs Sust),
    # computed here from COINr's own aggregated scores
    conn, sust = ["ConEcFin", "Instit", "P2P", "Physical", "Political"], ["Environ", "Social"]
    pillars = [*conn, *sust, "SusEcFin"]
    reference = pd.read_csv(coinr_reference / f"{P2}_aggregated.csv")[pillars].corr()
    table = audit(p2, period=2018).correlations
    got = table[(table["method"] == "pearson") & table["var1"].isin(pillars)]
    got = got[got["var2"].isin(pillars)]
    assert len(got) == 8 * 7 // 2
    assert set(got["relation"]) == {"sibling", "same level"}
    for var1, var2, r in got[["var1", "var2", "r"]].itertuples(index=False):
        assert r == pytest.approx(reference.loc[var1, var2], abs=1e-9), (var1, var2)
    assert got.set_index(["var1", "var2"]).loc[("Instit", "Environ"), "parent"] == "Index"


def test_p2_log_and_headline_figures(p2: polindex.Results) -> None:
    # the README's checks from the same COINr run
    assert p2.log.screen is not None
    assert p2.log.screen.removed == []
    assert p2.log.treat is not None
    treated = {e.indicator: e.status for e in p2.log.treat}
    assert len(treated) == 15
    assert set(treated.values()) == {"winsorised"}
    index = p2.wide(period=2018)["Index"]
    assert index.mean() == pytest.approx(51.461134, abs=1e-6)
    assert index.std() == pytest.approx(9.167510, abs=1e-6)
    top = p2.ranking(period=2018).head(5)
    assert top["unit"].tolist() == ["CHE", "NLD", "DNK", "NOR", "BEL"]
    assert top["score"].round(5).tolist() == [68.38372, 64.81952, 64.80408, 64.46778, 63.53952]


def test_cli_import_then_build_reproduces_p2(
    asem_dir: Path, coinr_reference: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    imported = runner.invoke(
        app,
        [
            "import-coinr",
            str(asem_dir / "asem_iData.csv"),
            str(asem_dir / "asem_iMeta.csv"),
            "-o",
            str(tmp_path / "asem"),
            "--level-names",
            ",".join(LEVELS),
            "--impute-group",
            "EurAsia_group",
            "--screen",
            "0.9",
        ],
    )
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "p2.xlsx"
    built = runner.invoke(
        app,
        [
            "build",
            str(tmp_path / "asem" / "framework.yaml"),
            str(tmp_path / "asem" / "data.csv"),
            "-o",
            str(out),
        ],
    )
    assert built.exit_code == 0, built.output
    assert "Outlier treatment, winsorised: 15" in built.output
    sheets = pd.read_excel(out, sheet_name=None)
    assert {
        "raw",
        "denominated",
        "imputed",
        "screened",
        "treated",
        "normalised",
        "aggregated",
    } <= set(sheets)
    assert {"scores", "screening", "treatment", "imputation"} <= set(sheets)
    assert_frame_matches(sheets["aggregated"], coinr_reference / f"{P2}_aggregated.csv", "xlsx")
    assert len(sheets["treatment"]) == 15


def test_example_framework_pipeline_builds_p2_from_idata(
    asem_dir: Path, coinr_reference: Path
) -> None:
    # examples/asem/framework.yaml carries P2 as its pipeline and reads COINr's iData directly
    results = polindex.build(
        EXAMPLE,
        asem_dir / "asem_iData.csv",
        unit_column="uCode",
        period_column="Time",
        extra_columns="ignore",
    )
    assert_stage_matches(results, "aggregated", coinr_reference / f"{P2}_aggregated.csv")
