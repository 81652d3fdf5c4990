"""ASEM (COINr's example): aggregating P1's normalised values reproduces P1's scores and ranks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import polindex

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FRAMEWORK = EXAMPLES / "asem" / "framework.yaml"
P1 = "P1_impgrp_minmax_amean"


@pytest.fixture(scope="module")
def p1(request: pytest.FixtureRequest) -> tuple[polindex.Results, Path]:
    ref: Path = request.getfixturevalue("coinr_reference")
    normalised = pd.read_csv(ref / f"{P1}_normalised.csv").rename(columns={"uCode": "unit"})
    normalised.insert(1, "period", 2018)
    results = polindex.score(FRAMEWORK, normalised, scored=True)
    return results, ref


def test_framework_matches_imeta(asem_dir: Path) -> None:
    fw = polindex.load_framework(FRAMEWORK)
    meta = pd.read_csv(asem_dir / "asem_iMeta.csv")
    indicators = meta[meta["Type"] == "Indicator"]
    assert [i.code for i in fw.indicators] == indicators["iCode"].tolist()
    directions = dict(zip(indicators["iCode"], indicators["Direction"], strict=True))
    assert all(i.direction == directions[i.code] for i in fw.indicators)
    structure = polindex.engine.Structure.from_framework(fw)
    parents = dict(zip(meta["iCode"], meta["Parent"], strict=True))
    for code in structure.codes[:-1]:
        parent = structure.codes[structure.parent[structure.index[code]]]
        assert parent == parents[code], code


def test_p1_aggregates_match_coinr(p1: tuple[polindex.Results, Path]) -> None:
    results, ref = p1
    expected = pd.read_csv(ref / f"{P1}_aggregated.csv").set_index("uCode")
    got = results.wide(period=2018)
    assert len(expected) == 51
    for code in expected.columns:
        np.testing.assert_allclose(
            got.loc[expected.index, code].to_numpy(dtype=float),
            expected[code].to_numpy(dtype=float),
            rtol=0,
            atol=1e-9,
            err_msg=code,
        )


def test_p1_ranks_match_coinr_exactly(p1: tuple[polindex.Results, Path]) -> None:
    results, ref = p1
    expected = pd.read_csv(ref / f"{P1}_ranks.csv").set_index("uCode")
    got = results.wide("rank", period=2018)
    for code in expected.columns:
        assert got.loc[expected.index, code].astype(int).tolist() == expected[code].tolist(), code
