"""Custom weights: the ranking under a reader's weights beside the official one, each unit's
custom rank against its official rank interval, and clear errors for unusable weights.
TINY's units: see conftest.py (A, B per unit: X 75, 25 · Y 50, 75 · Z 50, 50)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import polindex
from polindex.analysis.custom_weights import WeightsError, custom_ranking
from polindex.analysis.intervals import RankIntervals
from polindex.analysis.whatif import Simulator


def test_equal_area_weights_by_hand(tiny_sim: Simulator) -> None:
    out = custom_ranking(tiny_sim.results, {"A": 1, "B": 1})
    # X (75 + 25) / 2 = 50, Y (50 + 75) / 2 = 62.5, Z 50: X and Z tie for second
    table = out.table
    assert table[
        ["unit", "custom_score", "custom_rank", "rank", "rank_difference"]
    ].values.tolist() == [
        ["Y", 62.5, 1, 1, 0],
        ["X", 50.0, 2, 3, 1],
        ["Z", 50.0, 2, 2, 0],
    ]
    assert out.weights["A"] == out.weights["B"] == 1.0
    assert out.weights["q1"] == 1.0  # the others keep theirs
    assert table["within"].isna().all()
    assert out.share_within is None


def test_all_weight_on_one_area_against_intervals(tiny_sim: Simulator) -> None:
    intervals = RankIntervals("TINY", "2024", {"X": (2.0, 3.0), "Y": (1.0, 1.0), "Z": (2.0, 3.0)})
    out = custom_ranking(tiny_sim.results, {"A": 5, "B": 0}, intervals=intervals)
    # only A counts: X 75 first; Y and Z tie at 50
    assert out.table[["unit", "custom_rank", "within"]].values.tolist() == [
        ["X", 1, False],
        ["Y", 2, False],
        ["Z", 2, True],
    ]
    assert out.share_within == pytest.approx(1 / 3)
    assert out.table.loc[0, ["interval_low", "interval_high"]].tolist() == [2.0, 3.0]


def test_intervals_of_another_node_are_left_out(tiny_sim: Simulator) -> None:
    intervals = RankIntervals("A", "2024", {"X": (1.0, 1.0)})
    out = custom_ranking(tiny_sim.results, {"A": 2}, intervals=intervals)
    assert out.note.startswith("the rank intervals are for A in 2024, not for TINY in 2024")
    assert out.table["within"].isna().all()
    by_node = custom_ranking(tiny_sim.results, {"q1": 3}, node="A", intervals=intervals)
    assert by_node.note == ""
    # A = (3 · q1 + q2) / 4: Y (300 + 0) / 4 = 75, X (150 + 100) / 4 = 62.5, Z 100 / 4 = 25;
    # X's interval for A is [1, 1]: its custom rank, 2, lies outside
    assert by_node.table[["unit", "custom_score", "custom_rank", "within"]].values.tolist() == [
        ["Y", 75.0, 1, None],
        ["X", 62.5, 2, False],
        ["Z", 25.0, 3, None],
    ]


@pytest.mark.parametrize(
    ("weights", "messages"),
    [
        ({"A": 0, "B": 0}, ["all the weights of TINY's children are zero: its score would be "
                            "undefined"]),
        ({"A": -1}, ["weight of 'A': -1 is not a number ≥ 0"]),
        ({"A": "heavy", "B": float("nan")}, ["weight of 'A': 'heavy' is not a number ≥ 0",
                                             "weight of 'B': nan is not a number ≥ 0"]),
        ({"C": 1, "TINY": 2}, ["weight of 'C': no node 'C' in TINY",
                               "weight of 'TINY': the index itself has no weight (weigh its areas "
                               "or other nodes)"]),
        ({"q1": 0, "q2": 0}, ["all the weights of A's children are zero: its score would be "
                              "undefined"]),
    ],
)  # fmt: skip
def test_unusable_weights_are_refused(
    tiny_sim: Simulator, weights: dict[str, object], messages: list[str]
) -> None:
    with pytest.raises(WeightsError) as exc:
        custom_ranking(tiny_sim.results, weights)
    assert exc.value.messages() == messages
    assert isinstance(exc.value, polindex.PolindexError)


def test_unknown_node_or_period(tiny_sim: Simulator) -> None:
    with pytest.raises(WeightsError, match="unknown node 'C'"):
        custom_ranking(tiny_sim.results, {"A": 1}, node="C")
    with pytest.raises(WeightsError, match="unknown period 2030"):
        custom_ranking(tiny_sim.results, {"A": 1}, period=2030)


def test_a_built_release_against_its_uncertainty(robust_files: tuple[Path, Path]) -> None:
    released = polindex.release_results(*robust_files, robustness=True)
    frozen = released.robustness.as_json()["uncertainty"]
    intervals = RankIntervals.from_json(frozen)
    assert intervals == RankIntervals.of(released.robustness.uncertainty)
    # the official weights reproduce the official ranking, inside every interval
    same = custom_ranking(released.results, {"A": 1, "B": 1}, intervals=intervals)
    np.testing.assert_allclose(same.table["custom_score"], same.table["score"])
    assert same.share_within == 1.0
    # B alone: the normalised b1, b2 averaged (the pipeline's scores, aggregated again)
    only_b = custom_ranking(released.results, {"A": 0}, intervals=intervals)
    scores = released.results.scores[0, :, 0, released.results.structure.index["B"]]
    expected = dict(zip(released.results.units, scores, strict=True))
    for unit, score in only_b.table[["unit", "custom_score"]].values:
        assert score == pytest.approx(expected[unit])
    assert only_b.share_within is not None
    assert only_b.share_within < 1.0


def test_mipex_style_custom_ranking_is_in_order(mipex_sim: Simulator) -> None:
    out = custom_ranking(mipex_sim.results, {"LMM": 5, "FAM": 0, "EDU": 2})
    assert len(out.table) == 50
    ranks = out.table["custom_rank"].to_numpy(dtype=float)
    assert ranks[0] == 1
    assert (np.diff(ranks) >= 0).all()
    scores = out.table["custom_score"].to_numpy()
    assert (np.diff(scores) <= 1e-9).all()
