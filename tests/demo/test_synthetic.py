"""The synthetic demonstration data: deterministic, labelled synthetic, complete, consistent."""

from __future__ import annotations

import pandas as pd

import polindex
from polindex.demo import FRAMEWORK_PATH, synthetic_data


def test_the_same_seed_gives_the_same_data() -> None:
    pd.testing.assert_frame_equal(synthetic_data(seed=7), synthetic_data(seed=7))
    pd.testing.assert_frame_equal(synthetic_data(), synthetic_data(seed=2024))


def test_another_seed_gives_other_answers() -> None:
    a, b = synthetic_data(seed=1), synthetic_data(seed=2)
    assert a[["unit", "period", "indicator"]].equals(b[["unit", "period", "indicator"]])
    assert not a["value"].equals(b["value"])


def test_every_unit_is_labelled_synthetic() -> None:
    units = synthetic_data()["unit"].unique()
    assert all(u.startswith("Synthetic-") for u in units)


def test_twelve_units_by_six_periods_every_indicator() -> None:
    data = synthetic_data()
    indicators = [i.code for i in polindex.load_framework(FRAMEWORK_PATH).indicators]
    assert sorted(data["unit"].unique()) == [f"Synthetic-{c}" for c in "ABCDEFGHIJKL"]
    assert sorted(data["period"].unique()) == [2019, 2020, 2021, 2022, 2023, 2024]
    assert len(indicators) == 12
    assert data.shape == (12 * 6 * 12, 4)
    assert not data.duplicated(["unit", "period", "indicator"]).any()
    assert set(data["indicator"]) == set(indicators)


def test_n2_is_not_applicable_exactly_where_n0_is_false() -> None:
    wide = synthetic_data().pivot(index=["unit", "period"], columns="indicator", values="value")
    assert set(wide["N0"]) <= {"true", "false"}  # the filter question is always answered
    assert ((wide["N2"] == "n/a") == (wide["N0"] == "false")).all()
    assert (wide["N0"] == "false").any()
    assert (wide["N0"] == "true").any()


def test_the_synthetic_data_score_with_n2_not_applicable_where_n0_is_false() -> None:
    data = synthetic_data()
    res = polindex.score(FRAMEWORK_PATH, data)
    assert res.scores.shape == (1, 12, 6, 22)
    t = res.table()
    n2 = t[t.node == "N2"].set_index(["unit", "period"])["status"]
    n0 = data[data.indicator == "N0"].set_index(["unit", "period"])["value"]
    n0 = n0.reindex(n2.index)
    assert n0.notna().all()
    assert len(n0) == 72
    assert ((n2 == "not applicable") == (n0 == "false")).all()
