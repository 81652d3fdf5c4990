"""Results as tables: the tidy table, wide views, the ranking and change between periods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from polindex.engine import Results

nan = np.nan
COLUMNS = [
    "unit", "period", "node", "level", "depth", "parent", "score", "rank", "band", "status",
    "n_used", "n_applicable",
]  # fmt: skip


def test_scores_match_the_hand_computed_values(results: Results) -> None:
    expected = {
        ("X", 2020): [70, 10, 30],
        ("X", 2021): [85, 40, 55],
        ("Y", 2020): [15, 90, 65],
        ("Y", 2021): [20, 90, 200 / 3],
        ("Z", 2020): [60, nan, 60],
        ("Z", 2021): [nan, 30, 30],
    }
    for (unit, period), (a, b, r) in expected.items():
        got = [results.score(n, unit=unit, period=period) for n in ("A", "B", "R")]
        np.testing.assert_allclose(got, [a, b, r], atol=1e-12)
    assert results.score(unit="Y") == pytest.approx(200 / 3, abs=1e-12)  # latest, index


def test_table_has_one_row_per_unit_period_node(results: Results) -> None:
    t = results.table()
    assert list(t.columns) == COLUMNS
    assert len(t) == 3 * 2 * 6
    assert t[["unit", "period", "node"]].iloc[0].tolist() == ["X", 2020, "q1"]
    assert t["node"].iloc[:6].tolist() == ["q1", "q2", "q3", "A", "B", "R"]


def test_table_row_for_a_scored_group(results: Results) -> None:
    t = results.table()
    row = t[(t.unit == "X") & (t.period == 2021) & (t.node == "A")].iloc[0]
    assert row["level"] == "area"
    assert row["depth"] == 1
    assert row["parent"] == "R"
    assert row["score"] == 85.0
    assert row["rank"] == 1  # A in 2021: X 85, Y 20, Z missing
    assert row["band"] == "favourable"
    assert row["status"] == "ok"
    assert row["n_used"] == 2
    assert row["n_applicable"] == 2


def test_table_row_for_a_missing_group(results: Results) -> None:
    t = results.table()
    row = t[(t.unit == "Z") & (t.period == 2021) & (t.node == "A")].iloc[0]
    assert np.isnan(row["score"])
    assert row["rank"] is pd.NA
    assert row["band"] == ""
    assert row["status"] == "missing"
    assert row["n_used"] == 0
    assert row["n_applicable"] == 2


def test_table_levels_and_parents(results: Results) -> None:
    t = results.table().iloc[:6]
    assert t["level"].tolist() == ["indicator"] * 3 + ["area", "area", "index"]
    assert t["parent"].tolist() == ["A", "A", "B", "R", "R", ""]
    assert t["depth"].tolist() == [2, 2, 2, 1, 1, 0]


def test_table_returns_a_copy(results: Results) -> None:
    t = results.table()
    t.loc[0, "score"] = -1.0
    assert results.table().loc[0, "score"] == 40.0


def test_wide_by_unit_and_period(results: Results) -> None:
    w = results.wide()
    assert w.shape == (6, 6)
    assert list(w.columns) == ["q1", "q2", "q3", "A", "B", "R"]
    assert w.loc[("X", 2021)].tolist() == [100.0, 80.0, 40.0, 85.0, 40.0, 55.0]


def test_wide_for_one_period(results: Results) -> None:
    w = results.wide(period=2020)
    assert w.shape == (3, 6)
    assert w["R"].tolist() == [30.0, 65.0, 60.0]
    assert results.wide("rank", period=2020)["R"].tolist() == [3, 1, 2]


def test_wide_for_one_node(results: Results) -> None:
    w = results.wide(node="R")
    assert w.shape == (3, 2)
    assert list(w.columns) == [2020, 2021]
    np.testing.assert_allclose(w.loc["Y"], [65.0, 200 / 3], atol=1e-12)
    assert results.wide("rank", node="R").loc["Z"].tolist() == [2, 3]


def test_ranking_orders_units_with_band_and_change(results: Results) -> None:
    r = results.ranking()
    assert r["unit"].tolist() == ["Y", "X", "Z"]
    assert r["rank"].tolist() == [1, 2, 3]
    assert r["band"].tolist() == ["Slightly favourable", "Halfway favourable",
                                  "Slightly unfavourable"]  # fmt: skip
    np.testing.assert_allclose(r["change"], [200 / 3 - 65, 25.0, -30.0], atol=1e-12)


def test_ranking_of_the_first_period_has_no_change_column(results: Results) -> None:
    r = results.ranking(period=2020)
    assert list(r.columns) == ["rank", "unit", "score", "band"]
    assert r["unit"].tolist() == ["Y", "Z", "X"]
    assert r["score"].tolist() == [65.0, 60.0, 30.0]


def test_ranking_of_a_group_puts_missing_scores_last(results: Results) -> None:
    r = results.ranking(node="A")
    assert r["unit"].tolist() == ["X", "Y", "Z"]
    assert r["rank"].tolist()[:2] == [1, 2]
    assert r["rank"].iloc[2] is pd.NA
    # a band without a label shows its code; no score, no band
    assert r["band"].tolist() == ["Favourable", "unfavourable", ""]


def test_change_between_two_periods(results: Results) -> None:
    c = results.change(2020, 2021, node="R").set_index("unit")
    assert c.loc["X", "score_start"] == 30.0
    assert c.loc["X", "score_end"] == 55.0
    assert c.loc["X", "change"] == 25.0
    assert c.loc["Z", "change"] == -30.0
    assert c.loc["Y", "change"] == pytest.approx(200 / 3 - 65, abs=1e-12)
    assert c["rank_start"].tolist() == [3, 1, 2]
    assert c["rank_end"].tolist() == [2, 1, 3]
    assert c["rank_change"].tolist() == [1, 0, -1]


def test_change_for_every_node(results: Results) -> None:
    c = results.change(2020, 2021)
    assert len(c) == 3 * 6
    b = c[(c.unit == "Z") & (c.node == "B")].iloc[0]
    assert np.isnan(b["score_start"])
    assert b["score_end"] == 30.0
    assert np.isnan(b["change"])


def test_unknown_unit_period_or_node_raise_key_error(results: Results) -> None:
    with pytest.raises(KeyError, match="unknown unit 'W'"):
        results.score(unit="W")
    with pytest.raises(KeyError, match=r"unknown period 1999; periods are \[2020, 2021\]"):
        results.score(unit="X", period=1999)
    with pytest.raises(KeyError, match="unknown node 'C' in framework 'R'"):
        results.score("C", unit="X")


def test_one_rank_before_and_after_the_full_rank_array(results: Results) -> None:
    # ranks of one node and period are computed on demand; they must match the full array
    assert results.rank(unit="X", period=2020) == 3.0
    assert results.rank("A", unit="Y") == 2.0
    assert np.isnan(results.rank("A", unit="Z"))
    full = results.ranks
    assert full[0, :, 0, -1].tolist() == [3.0, 1.0, 2.0]
    assert results.rank(unit="X", period=2020) == 3.0
    assert results.rank("B", unit="Z", period=2021) == full[0, 2, 1, 4] == 3.0


def test_ranking_before_the_full_rank_array_matches_it(results: Results) -> None:
    before = results.ranking(node="B", period=2021)
    assert before["unit"].tolist() == ["Y", "X", "Z"]
    assert before["rank"].tolist() == [1, 2, 3]
    after = results.ranks[0, :, 1, results.structure.index["B"]]
    assert after.tolist() == [2.0, 1.0, 3.0]  # X, Y, Z
    pd.testing.assert_frame_equal(results.ranking(node="B", period=2021), before)
