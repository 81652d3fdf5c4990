"""The uncertainty designs' Sobol' points are SciPy's, bit for bit, without scipy.stats
(decision 065); Spearman ranks and p-values are SciPy's too."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy import stats as sps
from scipy.stats import qmc

from polindex.analysis import sobol
from polindex.analysis.correlations import _ranks, correlate
from polindex.analysis.uncertainty import base_sample


@pytest.mark.parametrize("dim", [1, 2, 5, 12, 40])
@pytest.mark.parametrize("n", [1, 2, 7, 100, 1025])
@pytest.mark.parametrize("seed", [0, 1, 2024])
def test_points_are_scipys(dim: int, n: int, seed: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # n need not be a power of two
        want = qmc.Sobol(d=dim, scramble=True, seed=seed).random(n)
    assert np.array_equal(sobol.sobol_points(n, dim, seed), want)


def test_base_sample_uses_them() -> None:
    assert np.array_equal(base_sample(64, 6, "sobol", 3), sobol.sobol_points(64, 6, 3))


def test_first_points_are_a_balanced_design() -> None:
    # every point a multiple of 2**-30 in [0, 1); four points, one in each quarter
    x = sobol.sobol_points(4, 1, seed=1)[:, 0]
    assert ((x * 2**30) % 1 == 0).all()
    assert ((x >= 0) & (x < 1)).all()
    assert sorted((x * 4).astype(int).tolist()) == [0, 1, 2, 3]  # one point per quarter


def test_without_scipys_data_file_scipy_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sobol, "_direction_numbers", lambda: None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        want = qmc.Sobol(d=3, scramble=True, seed=5).random(10)
    assert np.array_equal(sobol.sobol_points(10, 3, 5), want)


def test_drawing_a_design_does_not_import_scipy_stats() -> None:
    code = (
        "import sys; from polindex.analysis.uncertainty import base_sample; "
        "base_sample(100, 8); print('scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_ranks_are_scipys_average_ranks() -> None:
    rng = np.random.default_rng(4)
    # ties share their average rank: 1.0 twice (ranks 1, 2), 3.0 three times (ranks 4, 5, 6)
    ranks = _ranks(np.array([3.0, 1.0, 2.0, 1.0, 3.0, 3.0]))
    assert ranks.tolist() == [5.0, 1.5, 3.0, 1.5, 5.0, 5.0]
    for k in range(300):
        n = int(rng.integers(1, 40))
        v = rng.integers(0, 6, n).astype(float) if k % 2 else rng.standard_normal(n)
        assert np.array_equal(_ranks(v), sps.rankdata(v))


def test_spearman_p_values_are_scipys() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((30, 4))
    x[:, 1] += x[:, 0]
    x[rng.random(x.shape) < 0.1] = np.nan
    c = correlate(x, method="spearman")
    for i in range(4):
        for j in range(4):
            both = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            if i == j:
                continue
            r, p = sps.spearmanr(x[both, i], x[both, j])
            assert c.r[i, j] == pytest.approx(r, abs=1e-12)
            assert c.p[i, j] == pytest.approx(p, rel=1e-9)
