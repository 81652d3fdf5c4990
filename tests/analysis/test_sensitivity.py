"""Sensitivity estimators: the Ishigami function's analytic indices, and simple cases by hand."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.analysis.sensitivity import sobol_indices
from polindex.analysis.uncertainty import base_sample, saltelli

# Ishigami, a = 7, b = 0.1: V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2
A, B = 7.0, 0.1
V = A**2 / 8 + B * np.pi**4 / 5 + B**2 * np.pi**8 / 18 + 0.5
V1 = 0.5 * (1 + B * np.pi**4 / 5) ** 2
V2 = A**2 / 8
V13 = B**2 * np.pi**8 * (1 / 18 - 1 / 50)
FIRST = [V1 / V, V2 / V, 0.0]
TOTAL = [(V1 + V13) / V, V2 / V, V13 / V]


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.mark.parametrize("sampling", ["sobol", "random"])
def test_ishigami_indices_within_0_02(sampling: str) -> None:
    n, d = 2**14, 3
    m = base_sample(n, 2 * d, sampling, seed=5)
    x = saltelli(m[:, :d], m[:, d:]) * 2 * np.pi - np.pi
    ind = sobol_indices(ishigami(x), n, d, bootstrap=200)
    np.testing.assert_allclose(ind.first, FIRST, atol=0.02)
    np.testing.assert_allclose(ind.total, TOTAL, atol=0.02)
    # the analytic value lies inside (or within 0.02 of) each bootstrap interval
    assert np.all(ind.first_low - 0.02 <= FIRST)
    assert np.all(np.array(FIRST) <= ind.first_high + 0.02)
    assert np.all(ind.total_high - ind.total_low < 0.05)


def test_additive_function_has_equal_first_and_total() -> None:
    n, d = 4096, 3
    m = base_sample(n, 2 * d, seed=2)
    x = saltelli(m[:, :d], m[:, d:])
    y = x[:, 0] + 2 * x[:, 1]  # variances 1/12 and 4/12; x3 does nothing
    ind = sobol_indices(y, n, d, bootstrap=0)
    np.testing.assert_allclose(ind.first, [0.2, 0.8, 0.0], atol=0.01)
    np.testing.assert_allclose(ind.total, [0.2, 0.8, 0.0], atol=0.01)


def test_vector_outputs_give_one_index_per_output() -> None:
    n, d = 2048, 2
    m = base_sample(n, 2 * d, seed=3)
    x = saltelli(m[:, :d], m[:, d:])
    y = np.stack([x[:, 0], x[:, 1], x[:, 0] + x[:, 1]], axis=1)
    ind = sobol_indices(y, n, d, bootstrap=0)
    np.testing.assert_allclose(ind.total, [[1, 0, 0.5], [0, 1, 0.5]], atol=0.02)


def test_estimators_by_hand() -> None:
    # N = 2, d = 1: y_A = [0, 2], y_B = [1, 3], y_AB = [1, 3]; V = var([0, 2, 1, 3]) = 5/3
    y = np.array([0.0, 2.0, 1.0, 3.0, 1.0, 3.0])
    ind = sobol_indices(y, 2, 1, bootstrap=0, centre=False)  # COINr's SA_estimate
    # S = mean(y_B (y_AB − y_A)) / V = mean([1, 3]) / (5/3); ST = mean((y_A − y_AB)²) / (2V)
    assert ind.first[0] == pytest.approx(2.0 / (5 / 3))
    assert ind.total[0] == pytest.approx(1.0 / (2 * 5 / 3))
    # centred on mean(y_A, y_B) = 1.5: y_B − 1.5 = [−0.5, 1.5] → S = mean([−0.5, 1.5]) / V
    centred = sobol_indices(y, 2, 1, bootstrap=0)
    assert centred.first[0] == pytest.approx(0.5 / (5 / 3))
    assert centred.total[0] == ind.total[0]


def test_wrong_length_is_an_error() -> None:
    with pytest.raises(ValueError, match="a Saltelli design of N=10, d=2 has 40"):
        sobol_indices(np.zeros(39), 10, 2)
