"""Segment sums plane by plane give numpy's own doubles (decision 064)."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.engine import segments
from polindex.engine.segments import Segments, segment_count, segment_sum


@pytest.fixture
def always_planes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the plane-by-plane path whatever the size (it is the fast path of large arrays)."""
    monkeypatch.setattr(segments, "SEGMENTED_FROM", 1)


def _case(rng: np.random.Generator, lengths: list[int], rest: tuple[int, ...]) -> np.ndarray:
    shape = (sum(lengths), *rest)
    x = rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 6, size=shape)
    x[rng.random(shape) < 0.05] = np.nan
    return x


@pytest.mark.usefixtures("always_planes")
@pytest.mark.parametrize(
    "lengths",
    [
        [1],
        [7],
        [8],
        [9],
        [15] * 20,  # the synthetic benchmark's indicators: one group, a view
        [16, 17, 24, 25, 129, 130, 300],  # 8 running sums, a second block, split in two
        [3, 15, 3, 15, 1],  # equal lengths that do not follow one another: gathered
    ],
)
def test_same_doubles_as_reduceat(lengths: list[int]) -> None:
    rng = np.random.default_rng(sum(lengths))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.intp)
    for rest in [(), (3,), (2, 5)]:
        x = _case(rng, lengths, rest)
        want = np.add.reduceat(x, starts, axis=0)
        got = segment_sum(x, Segments.of(starts, len(x)))
        assert got.shape == want.shape
        # bit for bit: the same NaNs, the same signs of zero, the same last digits
        assert np.array_equal(got, want, equal_nan=True)
        assert np.array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.usefixtures("always_planes")
def test_summation_order_is_numpys_not_the_plain_one() -> None:
    # 1 + 16 tiny values: in order they vanish one by one into 1.0; pairwise (numpy's) they
    # are added to one another first and survive. The plane-by-plane sum must do the same.
    x = np.array([1.0] + [2.0**-53] * 16)[:, None]
    starts = np.array([0])
    got = segment_sum(x, Segments.of(starts, 17))
    assert got[0, 0] == 1.0 + 16 * 2.0**-53 == np.add.reduceat(x, starts, axis=0)[0, 0]
    in_order = 0.0
    for v in x[:, 0]:
        in_order += v
    assert in_order == 1.0  # what a plain loop would have published


def test_small_planes_use_reduceat_and_agree() -> None:
    x = np.arange(12.0).reshape(6, 2) / 2
    starts = np.array([0, 2, 5])
    assert segment_sum(x, Segments.of(starts, 6)).tolist() == [[1.0, 2.0], [9.0, 10.5], [5.0, 5.5]]


@pytest.mark.usefixtures("always_planes")
def test_counts() -> None:
    mask = np.array([[1, 0, 1], [1, 1, 0], [0, 0, 0], [1, 1, 1]], dtype=bool)
    got = segment_count(mask, Segments.of(np.array([0, 1, 3]), 4))
    assert got.dtype == np.int16
    assert got.tolist() == [[1, 0, 1], [1, 1, 0], [1, 1, 1]]


def test_groups_by_length() -> None:
    s = Segments.of(np.array([0, 3, 6, 8]), 11)
    assert [(length, pos.tolist()) for length, pos, _ in s.groups] == [(2, [2]), (3, [0, 1, 3])]
    assert s.groups[0][2] == slice(6, 8)
    assert s.groups[1][2].tolist() == [0, 1, 2, 3, 4, 5, 8, 9, 10]


@pytest.mark.usefixtures("always_planes")
@pytest.mark.parametrize("length", [1, 2, 3, 9, 12, 20, 140])
def test_negative_zeros_stay_negative(length: int) -> None:
    # numpy's pairwise sum starts from -0.0, so a segment of -0.0 sums to -0.0
    x = np.full((length, 3), -0.0)
    got = segment_sum(x, Segments.of(np.array([0]), length))
    assert np.signbit(got).all()
    assert np.array_equal(np.signbit(got), np.signbit(np.add.reduceat(x, [0], axis=0)))


@pytest.mark.usefixtures("always_planes")
@pytest.mark.filterwarnings("ignore:invalid value encountered in multiply")  # inf · 0
@pytest.mark.parametrize(
    "weights",
    [
        [1.0, 2.0, 3.0, 0.5, 1.5, 2.5, 0.0, 4.0],  # unequal, one zero
        [1.0, -2.0, 3.0, 0.5, 1.5, 2.5, 1.0, 4.0],  # a negative weight: the general path
    ],
)
def test_weighted_arithmetic_is_the_reduceat_formula(weights: list[float]) -> None:
    from polindex.engine.aggregate import ChildValues, weighted_arithmetic

    rng = np.random.default_rng(9)
    x = rng.uniform(-50, 50, (8, 2, 5))
    x[rng.random(x.shape) < 0.2] = np.nan
    x[6, 0, 0] = np.inf  # an infinite value under a zero weight: inf·0 is NaN either way
    starts = np.array([0, 3])
    avail = ~np.isnan(x)
    count = np.add.reduceat(avail * 1.0, starts, axis=0)
    w = np.array(weights)[:, None, None]
    kids = ChildValues(x, avail, count, starts, segments=Segments.of(starts, 8))
    score, wsum = weighted_arithmetic(kids, w)
    want_wsum = np.add.reduceat(avail * 1.0 * w, starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        want = np.add.reduceat(np.where(avail, x, 0.0) * w, starts, axis=0) / want_wsum
    assert np.array_equal(wsum, want_wsum)
    assert np.array_equal(score, want, equal_nan=True)


@pytest.mark.usefixtures("always_planes")
@pytest.mark.parametrize(
    "lengths", [[1], [7], [9], [15] * 20, [16, 17, 24, 25, 129, 130, 300], [3, 15, 3, 15, 1]]
)
def test_terms_made_plane_by_plane_give_the_same_doubles(lengths: list[int]) -> None:
    # segment_sum_of makes each row's terms when it adds them (decision 070): the sums must be
    # those of the whole array of terms, for weights per row and per row and variant
    rng = np.random.default_rng(len(lengths))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.intp)
    segs = Segments.of(starts, sum(lengths))
    x = _case(rng, lengths, (1, 6))
    present = ~np.isnan(x)
    for w in [rng.uniform(0.1, 3.0, (len(x), 1, 1)), rng.uniform(-2.0, 2.0, (len(x), 4, 1))]:
        want = np.add.reduceat(np.where(present, x, 0.0) * w, starts, axis=0)
        got = segments.segment_sum_of(
            lambda v, a, w: np.where(a, v, 0.0) * w, (x, present, w), segs
        )
        assert got.shape == want.shape
        assert np.array_equal(got, want, equal_nan=True)
        assert np.array_equal(np.signbit(got), np.signbit(want))
        weight_sums = segments.segment_sum_of(np.multiply, (present, w), segs)
        assert np.array_equal(weight_sums, np.add.reduceat(present * w, starts, axis=0))
