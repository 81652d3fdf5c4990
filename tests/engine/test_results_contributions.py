"""Contributions: children's shares of their parent's score, and of its change."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.engine import Results


def test_contributions_sum_to_every_scored_parent(results: Results) -> None:
    _, parent, _ = results.structure.edges
    c = results.contribution_array
    scores = results.scores
    checked = 0
    for p in np.unique(parent):
        total = c[..., parent == p].sum(axis=-1)
        ok = ~np.isnan(scores[..., p])
        np.testing.assert_allclose(total[ok], scores[..., p][ok], rtol=0, atol=1e-12)
        assert np.isnan(total[~ok]).all()
        checked += int(ok.sum())
    assert checked == 6 + 5 + 5  # R every cell; A all but Z 2021; B all but Z 2020


def test_contribution_values_by_hand(results: Results) -> None:
    c = results.contributions(period=2021)
    x = c[(c.unit == "X") & (c.parent == "R")].set_index("child")
    # R = (1·A + 2·B) / 3 with A = 85, B = 40
    assert x.loc["A", "contribution"] == pytest.approx(85 / 3, abs=1e-12)
    assert x.loc["B", "contribution"] == pytest.approx(80 / 3, abs=1e-12)
    assert x.loc["A", "weight_share"] == pytest.approx(1 / 3, abs=1e-12)
    assert x.loc["B", "weight_share"] == pytest.approx(2 / 3, abs=1e-12)
    y = c[(c.unit == "Y") & (c.parent == "A")].set_index("child")
    # q2 is missing: q1 carries the whole of A
    assert y.loc["q1", "weight_share"] == 1.0
    assert y.loc["q2", "weight_share"] == 0.0
    assert y.loc["q1", "contribution"] == 20.0
    assert y.loc["q2", "contribution"] == 0.0


def test_contributions_table_covers_every_edge_unit_and_period(results: Results) -> None:
    c = results.contributions()
    assert list(c.columns) == [
        "unit", "period", "parent", "child", "child_score", "weight_share", "contribution"
    ]  # fmt: skip
    assert len(c) == 3 * 2 * 5
    sums = c.groupby(["unit", "period", "parent"])["contribution"].sum(min_count=1)
    assert sums.loc[("X", 2020, "A")] == pytest.approx(70.0, abs=1e-12)
    assert sums.loc[("Z", 2020, "R")] == pytest.approx(60.0, abs=1e-12)


def test_a_parent_without_a_score_has_no_contributions(results: Results) -> None:
    c = results.contributions(period=2021)
    z = c[(c.unit == "Z") & (c.parent == "A")]
    assert z["contribution"].isna().all()


def test_contributions_to_change_sum_to_the_parents_change(results: Results) -> None:
    cc = results.contributions_to_change(2020, 2021)
    change = results.change(2020, 2021).set_index(["unit", "node"])["change"]
    sums = cc.groupby(["unit", "parent"])["change"].sum(min_count=1)
    compared = 0
    for (unit, parent), total in sums.items():
        expected = change.loc[(unit, parent)]
        if np.isnan(expected):
            continue
        assert total == pytest.approx(expected, abs=1e-12)
        compared += 1
    assert compared == 3 + 2 + 2  # R for all; A and B where both periods are scored


def test_contributions_to_change_by_hand(results: Results) -> None:
    cc = results.contributions_to_change(2020, 2021)
    x = cc[(cc.unit == "X") & (cc.parent == "R")].set_index("child")
    assert x.loc["A", "change"] == pytest.approx(85 / 3 - 70 / 3, abs=1e-12)  # 5
    assert x.loc["B", "change"] == pytest.approx(80 / 3 - 20 / 3, abs=1e-12)  # 20
    z = cc[(cc.unit == "Z") & (cc.parent == "R")].set_index("child")
    # 2020: A alone makes R = 60; 2021: B alone makes R = 30
    assert z.loc["A", "change"] == pytest.approx(-60.0, abs=1e-12)
    assert z.loc["B", "change"] == pytest.approx(30.0, abs=1e-12)
