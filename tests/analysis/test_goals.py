"""Goal seeking: the smallest sets of answer changes that reach a band, rank or score, checked
by hand on TINY (see conftest.py), against brute force on a small index, and on the
MIPEX-style example (every proposal reaches the goal, is minimal and has the fewest changes)."""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest
from tests.analysis.conftest import TINY_ROWS
from tests.conftest import TINY

import polindex
from polindex.analysis.answers import ChangeError
from polindex.analysis.goals import GoalSeek, improvements, seek_goal
from polindex.analysis.recommendations import recommend
from polindex.analysis.whatif import Simulator


def _found(out: GoalSeek) -> list[tuple[dict[str, str], float, float]]:
    return [(p.query(), p.step, round(p.score, 6)) for p in out.proposals]


def test_a_band_with_one_change_or_two_smaller_ones(tiny_sim: Simulator) -> None:
    # X at 41.667 needs 60: q4 2 → 1 adds 100/3 (one change, step 100); q1 b → a adds 8.333,
    # and q3 must add the 10 still missing: 30 points of its score, 12 → 4.8 months
    out = seek_goal(tiny_sim, "X", band="slightly_favourable")
    assert out.reachable
    assert not out.already
    assert out.exact
    assert (out.score, out.band, out.rank) == (pytest.approx(125 / 3), "halfway_favourable", 3)
    assert _found(out) == [({"q4": "1"}, 100.0, 75.0), ({"q3": "4.8", "q1": "a"}, 80.0, 60.0)]
    first, second = out.proposals
    assert (first.band, first.rank, first.size) == ("slightly_favourable", 1, 1)
    assert [(m.after.indicator, m.before.text, m.after.text) for m in second.moves] == [
        ("q3", "12", "4.8"),
        ("q1", "b", "a"),
    ]
    assert [round(m.gain, 6) for m in second.moves] == [10.0, round(50 / 6, 6)]


def test_a_rank_is_reached_by_tying(tiny_sim: Simulator) -> None:
    # rank 1 means reaching Y's 66.667: q1 → a and q3 → 0 months add exactly 25 (a tie)
    out = seek_goal(tiny_sim, "X", rank=1)
    assert _found(out) == [
        ({"q4": "1"}, 100.0, 75.0),
        ({"q3": "0", "q1": "a"}, 100.0, round(200 / 3, 6)),
    ]
    assert [p.rank for p in out.proposals] == [1, 1]


def test_a_score_needs_part_of_a_numeric_answer(tiny_sim: Simulator) -> None:
    # 90 needs 48.333: q4 (33.333) and q3 for 15 more: 45 points, 12 → 1.2 months
    out = seek_goal(tiny_sim, "X", score=90)
    assert _found(out) == [({"q4": "1", "q3": "1.2"}, 145.0, 90.0)]


def test_a_rule_switching_change_is_searched_with_its_consequence(tiny_sim: Simulator) -> None:
    # Y: q2 → true puts A at 100 (q4 then applies, unanswered: left out), and q3 must reach
    # 85 (3.6 months) for B = 85 and TINY = (100 + 170) / 3 = 90
    out = seek_goal(tiny_sim, "Y", score=90)
    assert _found(out) == [({"q2": "true", "q3": "3.6"}, 110.0, 90.0)]
    assert seek_goal(tiny_sim, "Y", "A", band="favourable").proposals[0].query() == {"q2": "true"}


def test_reached_already_and_out_of_reach(tiny_sim: Simulator) -> None:
    done = seek_goal(tiny_sim, "Y", rank=1)
    assert done.already
    assert done.reachable
    assert done.proposals == ()
    # with one change, 90 is out of reach: the best is q4 → 1, at 75
    capped = seek_goal(tiny_sim, "X", score=90, max_changes=1)
    assert not capped.reachable
    assert capped.proposals == ()
    assert capped.best is not None
    assert (capped.best.query(), capped.best.score) == ({"q4": "1"}, 75.0)


def test_out_of_reach_says_how_far_it_gets(tiny_spec: dict) -> None:
    tiny_spec["areas"][0]["indicators"][0]["options"][0]["score"] = 60  # q1's best is now 60
    rows = [("X", 2024, "q1", "c"), ("X", 2024, "q2", "true"), ("X", 2024, "q3", 12),
            ("X", 2024, "q4", "2")]  # fmt: skip
    sim = polindex.simulator(tiny_spec, rows)
    out = seek_goal(sim, "X", "A", score=90)
    assert not out.reachable
    assert out.best is not None
    assert out.best.query() == {"q1": "a"}
    assert out.best.score == 80.0  # (60 + 100) / 2: the most area A can get


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give one goal: a band, a rank or a score"),
        ({"band": "best", "rank": 1}, "give one goal: a band, a rank or a score"),
        ({"band": "best"}, "no band 'best' in TINY (bands: critically_unfavourable, "
         "unfavourable, slightly_unfavourable, halfway_favourable, slightly_favourable, "
         "favourable)"),
        ({"rank": 4}, "rank 4: give a whole number from 1 to 3"),
        ({"score": 120}, "score 120 is outside the index scale 0–100"),
        ({"score": 90, "node": "C"}, "no node 'C' in TINY"),
    ],
)  # fmt: skip
def test_bad_goals_raise_one_clear_error(
    tiny_sim: Simulator, kwargs: dict[str, object], message: str
) -> None:
    node = kwargs.pop("node", None)
    with pytest.raises(ChangeError) as exc:
        seek_goal(tiny_sim, "X", node, **kwargs)  # type: ignore[arg-type]
    assert exc.value.messages() == [message]


def test_a_built_index_is_refused(robust_files: tuple) -> None:
    sim = polindex.simulator(*robust_files)
    with pytest.raises(ChangeError, match="built by a construction pipeline"):
        seek_goal(sim, "AT", rank=1)


def test_the_smallest_sets_match_brute_force() -> None:
    """Five questions with unequal weights: every set of changes tried, the best kept."""
    weights = [1, 2, 3, 5, 8]
    fw = polindex.load_framework(
        {"code": "T", "name": "T", "indicators": [
            {"code": f"q{k}", "type": "categorical", "weight": w, "options": [
                {"code": "a", "score": 100}, {"code": "b", "score": 60},
                {"code": "c", "score": 25}, {"code": "d", "score": 0}]}
            for k, w in enumerate(weights)]}
    )  # fmt: skip
    now = ["d", "c", "d", "b", "c"]
    sim = polindex.simulator(fw, [("X", 2024, f"q{k}", a) for k, a in enumerate(now)])
    score = {"a": 100, "b": 60, "c": 25, "d": 0}
    base = sum(w * score[a] for w, a in zip(weights, now, strict=True)) / sum(weights)
    for goal in (55, 70, 85, 95):
        best: tuple[int, float] | None = None
        for choice in itertools.product(*[[a] + [o for o in "abcd" if score[o] > score[a]]
                                          for a in now]):  # fmt: skip
            moved = [k for k in range(5) if choice[k] != now[k]]
            total = sum(w * score[c] for w, c in zip(weights, choice, strict=True)) / 19
            if round(total, 10) < goal:
                continue
            step = sum(score[choice[k]] - score[now[k]] for k in moved)
            key = (len(moved), step)
            best = key if best is None or key < best else best
        out = seek_goal(sim, "X", score=goal)
        assert base < goal
        assert best is not None
        first = out.proposals[0]
        assert (first.size, first.step) == best, goal
        assert first.score >= goal


def test_mipex_style_proposals_are_minimal_and_fewest(mipex_sim: Simulator) -> None:
    root = mipex_sim.structure.root
    scores = mipex_sim.results.scores[0, :, 1, root]
    unit = mipex_sim.dataset.units[int(np.argsort(scores)[2])]  # one of the lowest scores
    out = seek_goal(mipex_sim, unit, band="slightly_favourable")
    assert out.exact
    assert out.reachable
    assert len(out.proposals) == 5
    # fewest: each question's largest gain, summed from the largest, does not reach 60 with
    # one change fewer
    singles = recommend(mipex_sim, unit, per_group=None)
    gains = sorted(singles.groupby("indicator")["gain"].max(), reverse=True)
    k = out.proposals[0].size
    assert out.score + sum(gains[: k - 1]) < 60 <= out.score + sum(gains[:k])
    assert len(improvements(mipex_sim, mipex_sim.answers(unit))) == len(singles)
    steps = [p.step for p in out.proposals]
    assert steps == sorted(steps)
    assert {p.size for p in out.proposals} == {k}
    first = out.proposals[0].query()
    reached = mipex_sim.simulate(unit, first).row()
    assert reached["new_score"] >= 60
    assert reached["new_band"] == "slightly_favourable"
    for drop in list(first)[:3]:  # minimal: without any one change, it falls short
        fewer = {c: t for c, t in first.items() if c != drop}
        assert mipex_sim.simulate(unit, fewer).row()["new_score"] < 60


def test_lower_is_better_passes_the_band_boundary(tiny_spec: dict) -> None:
    tiny_spec["polarity"] = "lower_is_better"
    sim = polindex.simulator(tiny_spec, TINY_ROWS)
    # X at 41.667 must get below 41 (strictly: 41 is halfway_favourable's minimum): q3 from 12
    # to 12.5 months lowers its score to 47.917 and TINY to 40.972 (12.4 would leave 41.04)
    out = seek_goal(sim, "X", band="slightly_unfavourable")
    assert out.goal.strict
    assert [(p.query(), round(p.score, 3), p.band) for p in out.proposals[:2]] == [
        ({"q3": "12.5"}, 40.972, "slightly_unfavourable"),
        ({"q1": "c"}, 33.333, "slightly_unfavourable"),
    ]
    assert seek_goal(sim, "X", rank=1).already  # the lowest score is the best here


def test_a_goal_for_one_question(tiny_sim: Simulator) -> None:
    assert [p.query() for p in seek_goal(tiny_sim, "X", "q1", score=100).proposals] == [{"q1": "a"}]
    # q3 favourable (80): 12 → 4.8 months
    assert seek_goal(tiny_sim, "X", "q3", band="favourable").proposals[0].query() == {"q3": "4.8"}


def test_scored_data_are_a_continuum() -> None:
    """Given indicator scores (no answers), every question moves freely on the scale, and
    applicability rules are not applied (the scores say what applies)."""
    rows = [("X", 2024, "q1", 50), ("X", 2024, "q2", 100), ("X", 2024, "q3", 50),
            ("X", 2024, "q4", 0), ("Y", 2024, "q1", 100), ("Y", 2024, "q2", 0),
            ("Y", 2024, "q3", 75), ("Y", 2024, "q4", "n/a")]  # fmt: skip
    sim = polindex.simulator(copy.deepcopy(TINY), rows, scored=True)
    assert sim.mode == "scored"
    # q4 0 → 40: B = (50 + 40) / 2 = 45, TINY = (75 + 90) / 3 = 55
    assert sim.simulate("X", {"q4": 40}).row()["new_score"] == pytest.approx(55.0)
    # 60 needs 18.333: q4 alone (1/3 each point) moves 55 points, to 55
    out = seek_goal(sim, "X", score=60)
    first = out.proposals[0]
    assert first.query() == {"q4": "55"}
    assert first.score == pytest.approx(60.0)
    assert first.step == pytest.approx(55.0)
    with pytest.raises(ChangeError, match=r"'140' is not a score of q4 \(a number from 0 to 100\)"):
        sim.simulate("X", {"q4": 140})
