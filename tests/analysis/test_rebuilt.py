"""Goal seeking and recommendations for an index built by a pipeline, by rebuilding it
(decision 049), on the robustness toy index (min-max 1–100 per indicator, arithmetic means).

Hand-checked figures (a2 has direction −1):

    a1 10..80 · a2 1..9 (reversed) · b1 1..9 · b2 20..90, each normalised to 1 + 99 (x − min)/span
    AT: a1 10 → 1, a2 5 → 50.5, b1 3 → 25.75, b2 40 → 29.29: A 25.75, B 27.52, index 26.63
    IT (the best) 76.58; AT ranks 5th of 6.
"""

from __future__ import annotations

import pytest

import polindex
from polindex.analysis.answers import ChangeError
from polindex.analysis.rebuilt import levers, recommend_built, seek_built_goal
from polindex.analysis.whatif import Simulator


@pytest.fixture
def sim(robust_files: tuple) -> Simulator:
    return polindex.simulator(*robust_files)


def test_levers_go_to_the_best_value_observed(sim: Simulator) -> None:
    found = {v.indicator: (v.current, v.best, v.leader, v.low, v.high) for v in levers(sim, "AT")}
    assert found == {
        "a1": (10.0, 80.0, "NL", 10.0, 80.0),
        "a2": (5.0, 1.0, "NL", 1.0, 9.0),  # lower is better for a2
        "b1": (3.0, 9.0, "IT", 1.0, 9.0),
        "b2": (40.0, 90.0, "DE", 20.0, 90.0),
    }
    assert [v.indicator for v in levers(sim, "NL")] == ["b1", "b2"]  # NL leads a1 and a2


def test_recommendations_rank_each_move_by_the_rebuilt_index(sim: Simulator) -> None:
    table = recommend_built(sim, "AT")
    rows = {r["indicator"]: r for r in table.to_dict("records")}
    # a1 → 80: a1 100 (BE's 20 the new minimum), A (100 + 50.5) / 2 = 75.25, gain 49.5 / 2
    assert rows["a1"]["gain"] == pytest.approx(24.75)
    assert rows["a1"]["group_gain"] == pytest.approx(49.5)
    assert rows["a2"]["gain"] == pytest.approx((100 - 50.5) / 4)
    assert rows["b1"]["gain"] == pytest.approx((100 - 25.75) / 4)
    assert rows["b2"]["gain"] == pytest.approx((100 - (1 + 99 * 20 / 70)) / 4)
    assert table["indicator"].tolist() == ["a1", "a2", "b1", "b2"]  # by area, best first
    assert (rows["a1"]["proposed"], rows["a1"]["units"]) == ("80", ("NL",))
    assert rows["a1"]["step"] == pytest.approx(100.0)  # the whole observed range
    assert rows["b2"]["units"] == ("DE",)


def test_a_goal_one_value_reaches(sim: Simulator) -> None:
    out = seek_built_goal(sim, "AT", score=50)
    assert (round(out.score, 3), out.rank, out.exact, out.already) == (26.634, 5, False, False)
    assert [p.query() for p in out.proposals] == [{"a1": "76.65"}]  # x ≥ 76.645 (hand)
    check = sim.simulate("AT", {"a1": "76.65"}, intervals=False).row()
    assert check["new_score"] == pytest.approx(out.proposals[0].score)
    assert check["new_score"] >= 50
    below = sim.simulate("AT", {"a1": "76.64"}, intervals=False).row()
    assert below["new_score"] < 50  # the smallest move, to a hundredth


def test_a_goal_no_single_value_reaches_adds_values_by_their_gains(sim: Simulator) -> None:
    # rank 1: a1 → 80 and b1 → 9 give AT 69.95; a1 at 80 makes BE's 20 the minimum, so IT's
    # a1 falls from 71.71 to 1 + 99·40/60 = 67 and IT's index to 75.40. AT needs B ≥ 2·75.40 −
    # 75.25 = 75.55, i.e. b2 normalised ≥ 51.09: b2 ≥ 20 + 70·50.09/99 = 55.42 (hand-checked)
    # — a proposal, not a proven minimum
    out = seek_built_goal(sim, "AT", rank=1)
    assert len(out.proposals) == 1
    (p,) = out.proposals
    assert p.query()["a1"] == "80"
    assert p.query()["b1"] == "9"
    assert p.query()["b2"] == "55.42"
    assert p.rank == 1
    assert "a smaller set of changes may exist" in out.notes[0]


def test_the_top_score_needs_every_value_at_the_best(sim: Simulator) -> None:
    out = seek_built_goal(sim, "AT", score=100)
    (p,) = out.proposals
    assert p.query() == {"a1": "80", "b1": "9", "b2": "90", "a2": "1"}  # by their own gains
    assert p.score == pytest.approx(100.0)


def test_an_index_scored_as_given_is_refused(tiny_sim: Simulator) -> None:
    with pytest.raises(ChangeError, match="not built by a pipeline"):
        seek_built_goal(tiny_sim, "X", score=50)
