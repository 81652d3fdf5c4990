"""Comparing two results: per-unit score and rank differences, the biggest movers first, each
explained by its children's changes of contribution (which sum to its change of score)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from tests.analysis.conftest import TINY_ROWS
from tests.conftest import TINY

import polindex
from polindex.analysis.comparison import ComparisonError, compare_results
from polindex.analysis.whatif import Simulator


def test_reweighting_tiny_by_hand() -> None:
    before = polindex.score(copy.deepcopy(TINY), TINY_ROWS)
    spec = copy.deepcopy(TINY)
    spec["areas"][1]["weight"] = 1  # B weighs as much as A
    after = polindex.score(spec, TINY_ROWS)
    out = compare_results(before, after)
    # X 41.667 → 50, Y 66.667 → 62.5, Z 50 → 50; X climbs from third to a tie for second
    assert out.table[["unit", "rank_a", "rank_b", "rank_difference"]].values.tolist() == [
        ["X", 3, 2, 1],
        ["Y", 1, 1, 0],
        ["Z", 2, 2, 0],
    ]
    assert out.table["score_difference"].tolist() == pytest.approx([25 / 3, -25 / 6, 0.0])
    # X: A's contribution 25 → 37.5, B's 50/3 → 12.5
    assert out.explain("X") == [("A", pytest.approx(12.5)), ("B", pytest.approx(-25 / 6))]
    for unit, rows in out.reasons.groupby("unit"):
        change = out.table.set_index("unit").loc[unit, "score_difference"]
        assert rows["difference"].sum() == pytest.approx(change)


def test_a_dropped_indicator_explains_the_change() -> None:
    before = polindex.score(copy.deepcopy(TINY), TINY_ROWS)
    spec = copy.deepcopy(TINY)
    spec["areas"][0]["indicators"] = spec["areas"][0]["indicators"][:1]  # q2 dropped
    rows = [r for r in TINY_ROWS if r[2] != "q2" and r[2] != "q4"]
    spec["areas"][1]["indicators"] = spec["areas"][1]["indicators"][:1]  # and q4 (its rule)
    after = polindex.score(spec, rows)
    out = compare_results(before, after, node="A")
    # A was (q1 + q2) / 2, now q1: Y 50 → 100, X 75 → 50, Z 50 → 0
    assert out.table.set_index("unit")["score_b"].to_dict() == {"X": 50.0, "Y": 100.0, "Z": 0.0}
    assert out.explain("Y") == [("q1", 50.0), ("q2", 0.0)]
    assert out.explain("Z") == [("q2", -50.0), ("q1", 0.0)]


def test_two_periods_and_units_on_one_side(mipex_sim: Simulator) -> None:
    res = mipex_sim.results
    out = compare_results(res, res, period_a=2023, period_b=2024, movers=3)
    assert (out.period_a, out.period_b) == (2023, 2024)
    assert len(out.table) == 50
    moved = out.table["rank_difference"].abs().to_numpy(dtype=float)
    assert moved[0] == moved.max()
    assert out.reasons["unit"].nunique() == 3
    for unit in out.reasons["unit"].unique():
        total = out.reasons[out.reasons["unit"] == unit]["difference"].sum()
        change = out.table.set_index("unit").loc[unit, "score_difference"]
        assert np.isclose(total, change)
    fewer = polindex.score(res.framework, res.inputs[res.inputs["unit"] != "U00"])
    one_sided = compare_results(res, fewer)
    assert one_sided.only_a == ("U00",)
    assert one_sided.only_b == ()


def test_unknown_node_and_period(tiny_sim: Simulator) -> None:
    with pytest.raises(ComparisonError) as exc:
        compare_results(tiny_sim.results, tiny_sim.results, node="C", period_b=2030)
    assert exc.value.messages() == [
        "no node 'C' in a (TINY)",
        "no node 'C' in b (TINY)",
        "b: unknown period 2030; periods are [2024]",
    ]
