"""Ranks (ties "min", NaN unranked, polarity) and bands (boundaries of MIPEX's six bands)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from polindex.engine import band_index, rank_scores

nan = np.nan
MIPEX_MINIMUMS = np.array([0.0, 1.0, 21.0, 41.0, 60.0, 80.0])
CRITICALLY, UNFAVOURABLE, SLIGHTLY_UNF, HALFWAY, SLIGHTLY_FAV, FAVOURABLE = range(6)


def test_ties_share_the_best_rank_and_the_next_rank_is_skipped() -> None:
    s = np.array([7.0, 3.0, 7.0, 9.0, 1.0])
    assert rank_scores(s, axis=0).tolist() == [2.0, 4.0, 2.0, 1.0, 5.0]


def test_missing_scores_get_no_rank_and_push_nobody_down() -> None:
    s = np.array([7.0, nan, 3.0, 9.0, nan])
    r = rank_scores(s, axis=0)
    assert r[[0, 2, 3]].tolist() == [2.0, 3.0, 1.0]
    assert np.isnan(r[[1, 4]]).all()


def test_lower_is_better_reverses_the_order() -> None:
    s = np.array([7.0, 3.0, 7.0, nan, 9.0, 1.0])
    r = rank_scores(s, higher_is_better=False, axis=0)
    assert r[[0, 1, 2, 4, 5]].tolist() == [3.0, 2.0, 3.0, 5.0, 1.0]
    assert np.isnan(r[3])


def test_equal_scores_reached_by_different_float_paths_tie() -> None:
    s = np.array([0.1 + 0.2, 0.3, 0.2])
    assert rank_scores(s, axis=0).tolist() == [1.0, 1.0, 3.0]


def test_exact_ties_rank_float_noise_apart_as_coinr_does() -> None:
    # COINr ranks the raw doubles: rank(-x, ties.method = "min"), NA kept
    s = np.array([0.1 + 0.2, 0.3, nan, 0.2, 0.3])
    r = rank_scores(s, axis=0, ties="exact")
    assert r[[0, 1, 3, 4]].tolist() == [1.0, 2.0, 4.0, 2.0]  # 0.30000000000000004 > 0.3
    assert np.isnan(r[2])
    low = rank_scores(s, higher_is_better=False, axis=0, ties="exact")
    assert low[[0, 1, 3, 4]].tolist() == [4.0, 2.0, 1.0, 2.0]
    assert rank_scores(s, axis=0)[[0, 1, 3, 4]].tolist() == [1.0, 1.0, 4.0, 1.0]


def test_exact_ties_on_batch_unit_period_node_arrays() -> None:
    s = np.array([[[[0.15000000000000002]], [[0.15]], [[0.0]]]])  # (batch, unit, period, node)
    assert rank_scores(s, ties="exact")[0, :, 0, 0].tolist() == [1.0, 2.0, 3.0]
    assert rank_scores(s)[0, :, 0, 0].tolist() == [1.0, 1.0, 3.0]


def test_an_unknown_ties_rule_is_refused() -> None:
    message = (
        "The 'ties' parameter of rank_scores must be one of: rounded, exact. Got 'exakt' instead."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        rank_scores(np.array([1.0]), axis=0, ties="exakt")  # type: ignore[arg-type]


def test_all_missing_lane_has_no_ranks() -> None:
    assert np.isnan(rank_scores(np.array([nan, nan, nan]), axis=0)).all()


def test_default_axis_ranks_units_of_batch_unit_period_node_arrays() -> None:
    # (batch 1, unit 3, period 2, node 1): each period ranked on its own
    s = np.array([[[[10.0], [5.0]], [[20.0], [5.0]], [[15.0], [nan]]]])
    r = rank_scores(s)
    assert r[0, :, 0, 0].tolist() == [3.0, 1.0, 2.0]
    assert r[0, :2, 1, 0].tolist() == [1.0, 1.0]
    assert np.isnan(r[0, 2, 1, 0])


def test_very_wide_scores_fall_back_to_float_sorting_with_the_same_ranks() -> None:
    s = np.array([1e300, -1e300, 0.0, 1e300, nan])
    r = rank_scores(s, axis=0)
    assert r[:4].tolist() == [1.0, 4.0, 3.0, 1.0]
    assert np.isnan(r[4])


def test_many_lanes_ranked_a_block_at_a_time_match_the_float_sort() -> None:
    # more lanes than one block of the packed ranking (decision 070), with ties, a lane of
    # ties only, NaN and an all-missing lane: the same ranks as the float sort gives
    rng = np.random.default_rng(70)
    s = np.round(rng.uniform(0, 100, (1300, 37)), 1)
    s[rng.random(s.shape) < 0.1] = nan
    s[5] = 42.0
    s[7] = nan
    packed = rank_scores(s, axis=1)
    floats = rank_scores(s, axis=1, ties="exact")  # the values have one decimal: no noise
    assert np.array_equal(packed, floats, equal_nan=True)
    assert packed[5].tolist() == [1.0] * 37
    assert np.isnan(packed[7]).all()
    lane = s[0][~np.isnan(s[0])]
    assert packed[0][~np.isnan(s[0])].tolist() == [1.0 + (lane > v).sum() for v in lane]


def _ranks_by_counting(s: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Ranks along the last axis by the rule itself: 1 + the number of better scores once
    rounded to 10 decimals (NaN: no rank)."""
    k = np.round(s, 10) * (1.0 if higher_is_better else -1.0)
    better = np.nan_to_num(k, nan=-np.inf)[..., None, :] > k[..., :, None]
    return np.where(np.isnan(s), nan, 1.0 + better.sum(axis=-1))


def test_zero_and_negative_zero_tie_whatever_the_polarity() -> None:
    # decision 074: main ranked a score of -0.0 (or one that rounds to -0.0, as -1e-12)
    # ahead of 0.0 when the lowest key of the whole array was +0.0
    for s in ([0.0, -0.0, 0.0], [-0.0, 0.0, -0.0], [1e-12, 0.0, -1e-12], [-1e-12, 0.0, 1e-12]):
        for higher in (True, False):
            assert rank_scores(np.array(s), higher, axis=0).tolist() == [1.0, 1.0, 1.0]
    s = np.array([2.0, -1e-12, 0.0, nan, 1e-12, 3.0])
    assert rank_scores(s, axis=0)[[0, 1, 2, 4, 5]].tolist() == [2.0, 3.0, 3.0, 3.0, 1.0]
    low = rank_scores(s, higher_is_better=False, axis=0)
    assert low[[0, 1, 2, 4, 5]].tolist() == [4.0, 1.0, 1.0, 1.0, 5.0]
    assert np.isnan(low[3])


def test_ties_at_the_tenth_decimal_in_every_block_of_lanes() -> None:
    # 3.1 + 4e-11 rounds to 3.1 (a tie), 3.1 + 6e-11 to 3.1000000001 (one place above),
    # 3.1 - 6e-11 to 3.0999999999 (one below); lanes over several blocks (decision 074)
    lane = np.array([3.1, 3.1 + 4e-11, 3.1 + 6e-11, nan, 3.1 - 6e-11, 3.1 - 4e-11])
    s = np.tile(lane, (20_000, 1))
    assert rank_scores(s, axis=1)[-1, [0, 1, 2, 4, 5]].tolist() == [2.0, 2.0, 1.0, 5.0, 2.0]
    low = rank_scores(s, higher_is_better=False, axis=1)
    assert low[-1, [0, 1, 2, 4, 5]].tolist() == [2.0, 2.0, 5.0, 1.0, 2.0]
    assert np.isnan(low[:, 3]).all()
    assert (low == low[0]).sum() == low.size - len(low)  # every lane the same, NaN aside


@pytest.mark.parametrize("higher_is_better", [True, False])
@pytest.mark.parametrize("units", [1, 2, 7, 200, 300])
def test_packed_ranks_follow_the_rule_across_blocks_polarity_and_missing(
    higher_is_better: bool, units: int
) -> None:
    # lanes of very different magnitudes in different blocks (each block is shifted by its
    # own lowest key), scores with many ties, NaN and all-missing lanes
    rng = np.random.default_rng(units)
    lanes = 70_000 // units + 3
    s = np.round(rng.uniform(-50, 50, (lanes, units)), 0)
    s *= np.where(np.arange(lanes) < lanes // 2, 1.0, 1000.0)[:, None]
    s[rng.random(s.shape) < 0.1] = nan
    s[lanes // 3] = nan
    r = rank_scores(s, higher_is_better, axis=1)
    assert np.array_equal(r, _ranks_by_counting(s, higher_is_better), equal_nan=True)
    assert np.isnan(r[lanes // 3]).all()
    assert np.nanmin(r) == 1.0


def test_the_whole_array_decides_between_packed_and_float_ranking() -> None:
    # each block alone spans little, but the last lanes' scores (1e9 higher) make the whole
    # array too wide to pack: ranked by the float sort, with the same ranks (the rule)
    s = np.tile(np.array([5.0, 1.0, 5.0 + 4e-11, nan]), (30_000, 1))
    s[-5_000:] += 1e9
    s[-1] = [1e12, -1e12, 0.0, 1e12]
    r = rank_scores(s, axis=1)
    assert r[0, :3].tolist() == r[-2, :3].tolist() == [1.0, 3.0, 1.0]
    assert r[-1].tolist() == [1.0, 4.0, 3.0, 1.0]
    assert np.array_equal(r, _ranks_by_counting(s), equal_nan=True)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0.0, CRITICALLY),
        (0.5, CRITICALLY),
        (0.999, CRITICALLY),
        (1.0, UNFAVOURABLE),
        (20.99, UNFAVOURABLE),
        (21.0, SLIGHTLY_UNF),
        (40.99, SLIGHTLY_UNF),
        (41.0, HALFWAY),
        (59.99, HALFWAY),
        (60.0, SLIGHTLY_FAV),
        (79.99, SLIGHTLY_FAV),
        (80.0, FAVOURABLE),
        (100.0, FAVOURABLE),
    ],
)
def test_mipex_band_boundaries(score: float, band: int) -> None:
    assert band_index(np.array([score]), MIPEX_MINIMUMS).tolist() == [band]


def test_below_every_band_or_missing_is_minus_one() -> None:
    assert band_index(np.array([-0.5, nan]), MIPEX_MINIMUMS).tolist() == [-1, -1]


def test_band_index_keeps_the_shape_of_the_scores() -> None:
    out = band_index(np.array([[0.5, 50.0], [85.0, 21.0]]), MIPEX_MINIMUMS)
    assert out.shape == (2, 2)
    assert out.tolist() == [[CRITICALLY, HALFWAY], [FAVOURABLE, SLIGHTLY_UNF]]
