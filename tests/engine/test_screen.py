"""Screening units by data availability and share of non-zero values (COINr's Screen)."""

from __future__ import annotations

import numpy as np

from polindex.engine.screen import screen

NAN = np.nan
# three units × four cells
X = np.array(
    [
        [1.0, 2.0, 3.0, 4.0],  # complete, no zeros
        [1.0, NAN, NAN, 0.0],  # 2/4 present; 1 of 2 present values is zero
        [0.0, 0.0, 0.0, 5.0],  # complete; 3 of 4 zeros
    ]
)


def test_availability_and_nonzero_shares() -> None:
    s = screen(X)
    assert s.availability.tolist() == [1.0, 0.5, 1.0]
    assert s.nonzero.tolist() == [1.0, 0.5, 0.25]
    assert s.kept.tolist() == [True, True, True]  # no threshold: nothing removed
    assert s.reason == ("", "", "")


def test_threshold_on_availability_only() -> None:
    s = screen(X, min_availability=0.9)
    assert s.kept.tolist() == [True, False, True]
    assert s.reason[1] == "data availability 0.5 < 0.9"


def test_availability_at_the_threshold_is_kept() -> None:
    # COINr removes units with Dat_Avail < dat_thresh: equal is kept
    assert screen(X, min_availability=0.5).kept.tolist() == [True, True, True]


def test_threshold_on_zeros_only() -> None:
    s = screen(X, min_nonzero=0.3)
    assert s.kept.tolist() == [True, True, False]
    assert s.reason[2] == "non-zero share 0.25 < 0.3"


def test_both_thresholds_give_both_reasons() -> None:
    s = screen(X, min_availability=0.75, min_nonzero=0.6)
    assert s.kept.tolist() == [True, False, False]
    assert s.reason[1] == "data availability 0.5 < 0.75; non-zero share 0.5 < 0.6"


def test_forced_include_and_exclude_win() -> None:
    s = screen(
        X,
        min_availability=0.9,
        include=np.array([False, True, False]),
        exclude=np.array([True, False, False]),
    )
    assert s.kept.tolist() == [False, True, True]
    assert s.forced.tolist() == [True, True, False]
    assert s.reason[0] == "excluded by the pipeline's exclude list"
    assert s.reason[1] == ""


def test_not_applicable_cells_leave_the_counts() -> None:
    applicable = np.array([[True] * 4, [True, False, False, True], [True] * 4])
    s = screen(X, min_availability=0.9, applicable=applicable)
    assert s.availability.tolist() == [1.0, 1.0, 1.0]  # unit 2's missing cells were N/A
    assert s.kept.all()


def test_a_unit_without_any_value() -> None:
    s = screen(np.array([[NAN, NAN], [1.0, 2.0]]), min_availability=0.1)
    assert s.availability.tolist() == [0.0, 1.0]
    assert s.nonzero.tolist() == [0.0, 1.0]
    assert s.kept.tolist() == [False, True]
