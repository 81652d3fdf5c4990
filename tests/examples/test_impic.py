"""IMPIC 2016: recompute every published aggregate from the items, for all 1,085 country-years."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import polindex
from polindex.io import ReadOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FRAMEWORK = EXAMPLES / "impic" / "framework.yaml"
OPTIONS = ReadOptions(
    unit_column="cntry", period_column="year", column_prefix="AvgS_", extra_columns="ignore"
)
SUB_DIMENSIONS = [f"{d}_{f}" for d in ("elig", "cond", "secu", "righ") for f in "ABCD"]
PUBLISHED = [
    *SUB_DIMENSIONS,
    *[f"{k}_{f}" for k in ("ExtReg", "IntReg", "Reg") for f in "ABCD"],
    "ExtCont",
    "IntCont",
    "Cont",
    "ImmPol",
]


@pytest.fixture(scope="module")
def impic(request: pytest.FixtureRequest) -> tuple[polindex.Results, pd.DataFrame]:
    path: Path = request.getfixturevalue("impic_csv")
    results = polindex.score(FRAMEWORK, path, options=OPTIONS)
    return results, pd.read_csv(path)


def test_framework_structure_matches_the_codebook() -> None:
    fw = polindex.load_framework(FRAMEWORK)
    assert fw.polarity == "lower_is_better"
    assert (fw.scale.min, fw.scale.max) == (0.0, 1.0)
    assert len(fw.indicators) == 67  # 11 + 16 + 14 + 13 regulation items, 13 control items
    assert {n.code for n in fw.nodes} == set(PUBLISHED)
    assert [c.code for c in fw.root.children] == ["Reg_A", "Reg_B", "Reg_C", "Reg_D", "Cont"]


def test_every_published_aggregate_is_reproduced(
    impic: tuple[polindex.Results, pd.DataFrame],
) -> None:
    results, published = impic
    assert len(results.table()["unit"].unique()) == 35
    assert int(results.dataset.present.sum()) == 1085
    mine = results.wide().reset_index()
    mine["period"] = mine["period"].astype(int)
    merged = published.merge(
        mine, left_on=["cntry", "year"], right_on=["unit", "period"], validate="1:1"
    )
    assert len(merged) == 1085
    for code in PUBLISHED:
        expected = merged[f"AvgS_{code}"].to_numpy(dtype=float)
        got = merged[code].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(expected), np.isnan(got)), f"{code}: missing differs"
        ok = ~np.isnan(expected)
        assert ok.sum() > 0
        np.testing.assert_allclose(got[ok], expected[ok], rtol=0, atol=1e-6, err_msg=code)


def test_reg_d_is_missing_without_a_co_ethnic_policy(
    impic: tuple[polindex.Results, pd.DataFrame],
) -> None:
    results, published = impic
    no_coethnic = published[published["AvgS_Reg_D"].isna()].iloc[0]
    unit, year = no_coethnic["cntry"], int(no_coethnic["year"])
    assert np.isnan(results.score("Reg_D", unit=unit, period=year))
    # the overall index is the mean of the four other fields
    others = [results.score(c, unit=unit, period=year) for c in ("Reg_A", "Reg_B", "Reg_C")]
    others.append(results.score("Cont", unit=unit, period=year))
    assert results.score(unit=unit, period=year) == pytest.approx(np.mean(others), abs=1e-12)


def test_ranking_puts_the_most_open_country_first(
    impic: tuple[polindex.Results, pd.DataFrame],
) -> None:
    results, published = impic
    ranking = results.ranking(period=2010)
    latest = published[published["year"] == 2010].set_index("cntry")["AvgS_ImmPol"]
    # the EU's regulations (er) and directives (ed) are scored but ranked among no countries:
    # er's 0.67 is the highest score of 2010, and was ranked last "country" (Eritrea on a map)
    assert latest.idxmax() == "er"
    unranked = ranking[ranking["rank"].isna()]
    assert sorted(unranked["unit"]) == ["ed", "er"]
    assert unranked["score"].notna().all()
    countries = latest.drop(["er", "ed"])
    ranked = ranking[ranking["rank"].notna()]
    assert len(ranked) == 33
    assert ranked.iloc[0]["unit"] == countries.idxmin()
    assert ranked.iloc[-1]["unit"] == countries.idxmax()
    assert ranked.iloc[-1]["rank"] == 33
    assert ranked["rank"].tolist() == sorted(ranked["rank"].tolist())
