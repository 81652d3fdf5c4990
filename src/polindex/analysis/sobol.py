"""Scrambled Sobol' points without importing ``scipy.stats`` (decision 065).

The uncertainty and sensitivity designs draw scrambled Sobol' points as
``scipy.stats.qmc.Sobol(d, scramble=True, seed=seed).random(n)`` does. Importing ``scipy.stats``
runs the whole package (0.4–0.85 s of a ``release create``), for a sequence of XORs. This module
makes the same points: SciPy's own direction numbers (Joe and Kuo's, read from the data file
SciPy installs, never copied here), the same random bits from ``numpy.random.default_rng(seed)``
in the same order (a digital shift, then a lower-triangular linear matrix scramble), and the
points in Gray-code order. ``tests/analysis/test_sobol.py`` compares them with SciPy's, bit for
bit; when SciPy's data file is not where it is expected, SciPy's engine is used.
"""

from __future__ import annotations

import importlib.util
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

BITS = 30  # SciPy's default resolution: points are multiples of 2**-30

FloatArray = npt.NDArray[np.float64]
UIntArray = npt.NDArray[np.uint64]


@cache
def _direction_file() -> Path | None:
    """SciPy's file of direction numbers, found without importing ``scipy.stats``."""
    spec = importlib.util.find_spec("scipy")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "stats" / "_sobol_direction_numbers.npz"
        if path.is_file():
            return path
    return None


@cache
def _direction_numbers() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    path = _direction_file()
    if path is None:
        return None
    with np.load(path) as f:
        return f["poly"].astype(np.int64), f["vinit"].astype(np.int64)


def _directions(dim: int, poly: npt.NDArray[np.int64], vinit: npt.NDArray[np.int64]) -> UIntArray:
    """Direction numbers ``v[d, j]`` (Bratley and Fox's recurrence), scaled to ``BITS`` bits."""
    v = np.zeros((dim, BITS), dtype=np.int64)
    v[0] = 1
    for d in range(1, dim):
        p = int(poly[d])
        m = p.bit_length() - 1
        v[d, :m] = vinit[d, :m]
        for j in range(m, BITS):
            new = int(v[d, j - m])
            for k in range(m):
                if (p >> (m - 1 - k)) & 1:
                    new ^= int(v[d, j - k - 1]) << (k + 1)
            v[d, j] = new
    return (v << (BITS - 1 - np.arange(BITS))).astype(np.uint64)


def _parity(x: UIntArray) -> UIntArray:
    out: UIntArray = np.bitwise_count(x).astype(np.uint64) & np.uint64(1)
    return out


def sobol_points(n: int, dim: int, seed: int) -> FloatArray:
    """The first ``n`` points of SciPy's scrambled Sobol' sequence in ``dim`` dimensions.

    Equal, bit for bit, to ``scipy.stats.qmc.Sobol(dim, scramble=True, seed=seed).random(n)``.

    Examples
    --------
    >>> x = sobol_points(4, 2, seed=1)
    >>> x.shape, bool(((x >= 0) & (x < 1)).all())
    ((4, 2), True)
    >>> sorted((x[:, 0] * 4).astype(int).tolist())   # one point in each quarter
    [0, 1, 2, 3]
    """
    numbers = _direction_numbers()
    if numbers is None or dim > len(numbers[0]):
        return _scipy_points(n, dim, seed)
    poly, vinit = numbers
    v = _directions(dim, poly, vinit)
    rng = np.random.default_rng(seed)
    powers = np.uint64(1) << np.arange(BITS, dtype=np.uint64)
    shift_bits = rng.integers(2, size=(dim, BITS), dtype=np.uint32).astype(np.uint64)
    shift = (shift_bits * powers).sum(axis=1, dtype=np.uint64)
    lower = np.tril(rng.integers(2, size=(dim, BITS, BITS), dtype=np.uint32)).astype(np.uint64)
    lower[:, np.arange(BITS), np.arange(BITS)] = 1
    # row p of each matrix read as a number, its first column the highest bit
    rows = (lower * powers[::-1]).sum(axis=2, dtype=np.uint64)  # (dim, BITS)
    # scrambled v[d, j]: bit (BITS - 1 - p) is the parity of row p AND v[d, j]
    bits = _parity(rows[:, :, None] & v[:, None, :])  # (dim, p, j)
    scrambled = (bits * powers[::-1][None, :, None]).sum(axis=1, dtype=np.uint64)  # (dim, j)
    k = np.arange(n, dtype=np.uint64)
    gray = k ^ (k >> np.uint64(1))
    quasi = np.broadcast_to(shift, (n, dim)).copy()
    for b in range(BITS):
        on = ((gray >> np.uint64(b)) & np.uint64(1)).astype(bool)
        quasi[on] ^= scrambled[:, b]
    out: FloatArray = quasi * (1.0 / 2**BITS)
    return out


def _scipy_points(n: int, dim: int, seed: int) -> FloatArray:
    from scipy.stats import qmc  # the data file was not found: SciPy's own engine

    sobol = qmc.Sobol(d=dim, scramble=True, seed=seed)
    with warnings.catch_warnings():  # n need not be a power of two
        warnings.simplefilter("ignore", UserWarning)
        points: FloatArray = sobol.random(n)
    return points
