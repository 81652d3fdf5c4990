"""Variance-based sensitivity analysis: first-order and total indices with bootstrap intervals.

The design is Saltelli's ``[A; B; AB_1; …; AB_d]`` (N·(d + 2) evaluations); the estimators are
Saltelli (2010) for the first-order index, ``S_i = mean(y_B · (y_ABi − y_A)) / V``, and Jansen
(1999) for the total index, ``ST_i = mean((y_A − y_ABi)²) / (2 V)``, with ``V`` the variance of
``[y_A; y_B]`` — the estimators COINr uses. Outputs are first centred on the mean of
``[y_A; y_B]``: the estimates have the same expectation, and the first-order one far less
variance when the output's mean is large compared with its spread (COINr does not centre, one
reason its N = 100 estimates can put a first-order index above the total). Outputs can be vectors
(one index per unit's rank).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from polindex.analysis.uncertainty import Evaluation, design_matrix, evaluate
from polindex.engine.dataset import Dataset, Variables
from polindex.engine.structure import FloatArray
from polindex.framework.models import Framework
from polindex.framework.pipeline import Pipeline
from polindex.framework.uncertainty import Uncertainty


@dataclass(frozen=True)
class Indices:
    """First-order and total indices per input (and per output column when ``y`` was 2-D),
    with bootstrap 5–95 % intervals; arrays are (input,) or (input, output)."""

    first: FloatArray
    total: FloatArray
    first_low: FloatArray
    first_high: FloatArray
    total_low: FloatArray
    total_high: FloatArray
    variance: FloatArray


def sobol_indices(
    y: FloatArray,
    n: int,
    d: int,
    *,
    bootstrap: int = 1000,
    seed: int = 1,
    level: float = 0.9,
    centre: bool = True,
) -> Indices:
    """Estimate the indices from outputs ``y`` of a Saltelli design (N·(d + 2) rows, output
    columns optional).

    Bootstrap intervals resample the N base rows jointly (the same rows for ``A``, ``B`` and
    every ``AB_i``) and take the 5th and 95th percentiles (``level`` 0.9).

    Examples
    --------
    >>> from polindex.analysis.uncertainty import base_sample, saltelli
    >>> m = base_sample(4096, 4)             # scrambled Sobol: A and B side by side
    >>> x = saltelli(m[:, :2], m[:, 2:])
    >>> y = x[:, 0]                          # only the first input matters
    >>> ind = sobol_indices(y, 4096, 2, bootstrap=0)
    >>> np.round(ind.first, 2).tolist(), np.round(ind.total, 2).tolist()
    ([1.0, 0.0], [1.0, 0.0])
    """
    yy = np.asarray(y, dtype=np.float64)
    vector = yy.ndim == 2
    if not vector:
        yy = yy[:, None]
    if yy.shape[0] != n * (d + 2):
        raise ValueError(
            f"y has {yy.shape[0]} rows; a Saltelli design of N={n}, d={d} has {n * (d + 2)}"
        )
    # centred on the mean of y_A and y_B: the same estimators in expectation (E[y_ABi − y_A]
    # is 0), with much less variance when the output's mean is large (as rank shifts are)
    if centre:  # ``centre=False`` is COINr's SA_estimate exactly
        yy = yy - np.mean(yy[: 2 * n], axis=0)
    ya, yb = yy[:n], yy[n : 2 * n]
    yab = yy[2 * n :].reshape(d, n, -1)

    def estimate(rows: np.ndarray | slice) -> tuple[FloatArray, FloatArray, FloatArray]:
        a, b, ab = ya[rows], yb[rows], yab[:, rows]
        var = np.var(np.concatenate([a, b]), axis=0, ddof=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            first = np.mean(b * (ab - a), axis=1) / var
            total = np.mean((a - ab) ** 2, axis=1) / (2 * var)
        return first, total, var

    first, total, var = estimate(slice(None))
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        boot_first = np.empty((bootstrap, *first.shape))
        boot_total = np.empty_like(boot_first)
        # resamples in blocks, each one vectorised estimate over (resample, draw)
        step = max(1, 4_000_000 // max(1, n * yy.shape[1] * (d + 2)))
        for start in range(0, bootstrap, step):
            rows = rng.integers(0, n, (min(step, bootstrap - start), n))
            a, b, ab = ya[rows], yb[rows], yab[:, rows]  # (r, n, out), (d, r, n, out)
            var = np.var(np.concatenate([a, b], axis=1), axis=1, ddof=1)  # (r, out)
            with np.errstate(invalid="ignore", divide="ignore"):
                first_r = np.mean(b * (ab - a), axis=2) / var  # (d, r, out)
                total_r = np.mean((a - ab) ** 2, axis=2) / (2 * var)
            boot_first[start : start + len(rows)] = np.moveaxis(first_r, 0, 1)
            boot_total[start : start + len(rows)] = np.moveaxis(total_r, 0, 1)
        bounds = [
            np.nanquantile(b, q, axis=0) for b in (boot_first, boot_total) for q in (lo_q, hi_q)
        ]
    else:
        bounds = [np.full_like(first, np.nan)] * 4

    def squeeze(a: FloatArray) -> FloatArray:
        return a if vector else a[:, 0]

    return Indices(
        first=squeeze(first),
        total=squeeze(total),
        first_low=squeeze(bounds[0]),
        first_high=squeeze(bounds[1]),
        total_low=squeeze(bounds[2]),
        total_high=squeeze(bounds[3]),
        variance=var if vector else var[:1],
    )


@dataclass(frozen=True)
class Sensitivity:
    """A sensitivity analysis: the evaluations and the indices for COINr's target (mean
    absolute rank shift) and for each unit's rank."""

    evaluation: Evaluation
    inputs: tuple[str, ...]
    n: int
    rank_shift: Indices
    unit_ranks: Indices

    def table(self) -> pd.DataFrame:
        """One row per input: S, ST and their intervals for the mean rank shift."""
        s = self.rank_shift
        return pd.DataFrame(
            {
                "input": list(self.inputs),
                "first_order": s.first,
                "first_order_q05": s.first_low,
                "first_order_q95": s.first_high,
                "total": s.total,
                "total_q05": s.total_low,
                "total_q95": s.total_high,
            }
        )

    def unit_table(self) -> pd.DataFrame:
        """Long table: unit, input, first-order and total index of the unit's rank."""
        u = self.unit_ranks
        units = self.evaluation.units
        rows = [
            (unit, name, u.first[i, j], u.total[i, j])
            for j, unit in enumerate(units)
            for i, name in enumerate(self.inputs)
        ]
        return pd.DataFrame(rows, columns=["unit", "input", "first_order", "total"])


def sensitivity_analysis(
    framework: Framework,
    dataset: Dataset,
    pipeline: Pipeline,
    spec: Uncertainty,
    variables: Variables | None = None,
    *,
    design: FloatArray | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """Sample a Saltelli design of ``spec.runs`` base rows (or replay ``design``), evaluate
    it in batches and estimate the indices with ``spec.bootstrap`` resamples."""
    d = len(spec.inputs)
    if d < 2:
        raise ValueError("a sensitivity analysis needs at least two uncertain inputs")
    u = design if design is not None else design_matrix(spec, "sensitivity")
    if len(u) % (d + 2):
        raise ValueError(f"a Saltelli design has N·(d + 2) rows; got {len(u)} for d = {d}")
    n = len(u) // (d + 2)
    ev = evaluate(framework, dataset, pipeline, spec, u, variables, on_progress=on_progress)
    shift = ev.mean_rank_shift()
    return Sensitivity(
        evaluation=ev,
        inputs=tuple(i.name for i in spec.inputs),
        n=n,
        rank_shift=sobol_indices(
            shift, n, d, bootstrap=spec.bootstrap, seed=spec.seed, centre=spec.centre_outputs
        ),
        unit_ranks=sobol_indices(ev.ranks, n, d, bootstrap=0, centre=spec.centre_outputs),
    )
