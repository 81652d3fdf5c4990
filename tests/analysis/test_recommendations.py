"""Recommendations: per area, the single answer changes with the largest gain for the index,
with the units that already give that answer (hand-checked on TINY, see conftest.py)."""

from __future__ import annotations

import pytest

import polindex
from polindex.analysis.answers import ChangeError
from polindex.analysis.recommendations import recommend
from polindex.analysis.whatif import Simulator


def test_gains_under_effective_weights_with_peers(tiny_sim: Simulator) -> None:
    table = recommend(tiny_sim, "X")
    assert table[["group", "indicator", "current", "proposed", "step"]].values.tolist() == [
        ["A", "q1", "b", "a", 50.0],
        ["B", "q4", "2", "1", 100.0],
        ["B", "q3", "12", "0", 50.0],
    ]
    # q1 weighs 1/6 of TINY (half of A, a third of the index); q3 and q4 weigh 1/3
    assert table["gain"].tolist() == pytest.approx([50 / 6, 100 / 3, 50 / 3])
    assert table["effective_weight"].tolist() == pytest.approx([1 / 6, 1 / 3, 1 / 3])
    assert table["group_gain"].tolist() == pytest.approx([25.0, 50.0, 25.0])
    # Y answers q1 with a, Z q4 with 1; nobody has 0 months for q3
    assert table["units"].tolist() == [("Y",), ("Z",), ()]


def test_an_answer_that_switches_a_rule_counts_its_consequence(tiny_sim: Simulator) -> None:
    table = recommend(tiny_sim, "Y")
    # q2 → true: A = 100 (+50), q4 then applies unanswered and is left out, so B stays 75
    row = table[table["indicator"] == "q2"].iloc[0]
    assert (row["gain"], row["group_gain"], row["units"]) == (
        pytest.approx(50 / 3),
        50.0,
        ("X", "Z"),
    )
    # q4 is N/A for Y: no change is proposed for it; q3 alone carries B: 2/3 of TINY
    assert "q4" not in set(table["indicator"])
    q3 = table[table["indicator"] == "q3"].iloc[0]
    assert q3["effective_weight"] == pytest.approx(2 / 3)


def test_per_group_limits_and_levels(mipex_sim: Simulator) -> None:
    top = recommend(mipex_sim, "U03")
    assert top.groupby("group").size().max() <= 3
    areas = [n.code for n in mipex_sim.framework.nodes if n.level == "area"]
    assert list(dict.fromkeys(top["group"])) == [a for a in areas if a in set(top["group"])]
    for _, rows in top.groupby("group", sort=False):
        assert rows["gain"].is_monotonic_decreasing
    every = recommend(mipex_sim, "U03", per_group=None, level="dimension")
    assert len(every) >= len(top)
    assert set(every["group"]) <= {
        n.code for n in mipex_sim.framework.nodes if n.level == "dimension"
    }
    # a question's gain in its group: 0 → 100 on one of n answered questions adds 100 / n
    row = every[(every["current"] == "c") & (every["proposed"] == "a")].iloc[0]
    answered = [
        c
        for c in mipex_sim.structure.children_of(row["group"])
        if mipex_sim.answers("U03")[c].answered
    ]
    assert row["group_gain"] == pytest.approx(100 / len(answered))


def test_unknown_level_and_built_index(tiny_sim: Simulator, robust_files: tuple) -> None:
    with pytest.raises(ChangeError, match="no level 'pillar' of groups in TINY"):
        recommend(tiny_sim, "X", level="pillar")
    built = recommend(polindex.simulator(*robust_files), "AT")  # by rebuilding: test_rebuilt
    assert built["indicator"].tolist() == ["a1", "a2", "b1", "b2"]
