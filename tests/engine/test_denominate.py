"""Denomination: x / (denominator / scale)."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.engine.denominate import denominate


def test_divides_with_scale_factor() -> None:
    # 30 thousand seats for 6 million people, per thousand people: 30 / (6000 / 1000) = 5
    assert denominate(np.array([30.0]), np.array([6000.0]), scale=1000).tolist() == [5.0]


def test_missing_value_or_denominator_gives_missing() -> None:
    out = denominate(np.array([1.0, np.nan, 4.0]), np.array([np.nan, 2.0, 8.0]))
    assert np.isnan(out[:2]).all()
    assert out[2] == 0.5


def test_zero_denominator_is_an_error_not_infinity() -> None:
    with pytest.raises(ZeroDivisionError, match="1 value"):
        denominate(np.array([1.0, 2.0]), np.array([0.0, 1.0]))


def test_zero_denominator_of_a_missing_value_is_fine() -> None:
    out = denominate(np.array([np.nan, 2.0]), np.array([0.0, 4.0]))
    assert np.isnan(out[0])
    assert out[1] == 0.5


def test_input_is_not_modified() -> None:
    x = np.array([2.0, 4.0])
    denominate(x, np.array([2.0, 2.0]))
    assert x.tolist() == [2.0, 4.0]
