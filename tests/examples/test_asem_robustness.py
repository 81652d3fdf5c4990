"""Uncertainty and sensitivity on ASEM with COINr's vignette design, checked replication by
replication against plain single builds (one `run_pipeline` per replication)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import polindex
from polindex.analysis.sensitivity import sensitivity_analysis
from polindex.analysis.uncertainty import (
    UncertaintyError,
    design_matrix,
    evaluate,
    replication_pipeline,
    uncertainty_analysis,
)
from polindex.engine.pipeline import run_pipeline
from polindex.engine.structure import Structure
from polindex.framework.pipeline import load_pipeline
from polindex.framework.uncertainty import Uncertainty
from polindex.io.encode import encode
from polindex.io.tables import ReadOptions, long_from_frame, read_frame
from polindex.io.variables import align_variables, split_variables

FRAMEWORK = Path(__file__).resolve().parents[2] / "examples" / "asem" / "framework.yaml"
VIGNETTE = {
    "inputs": [
        {"name": "winmax", "step": "treat", "alternatives": [{"winmax": k} for k in range(1, 6)]},
        {
            "name": "normalisation",
            "step": "normalise",
            "alternatives": [
                {"method": "minmax", "params": {"low": 1, "high": 100}},
                {"method": "zscore", "params": {"mean": 10, "sd": 2}},
            ],
        },
        {"name": "weights", "weight_noise": {"pillar": 0.25, "sub_index": 0.25}, "sets": 100},
        {
            "name": "aggregation",
            "step": "aggregate",
            "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}],
        },
    ]
}


@pytest.fixture(scope="module")
def asem(asem_dir: Path):  # type: ignore[no-untyped-def]
    fw = polindex.load_framework(FRAMEWORK)
    pipe = load_pipeline(FRAMEWORK, fw)
    opts = ReadOptions(unit_column="uCode", period_column="Time", extra_columns="ignore")
    path = asem_dir / "asem_iData.csv"
    rest, var = split_variables(read_frame(path, opts), pipe, str(path), opts)
    ds = encode(fw, long_from_frame(rest, fw, str(path), opts), str(path), raw_numbers=True)
    return fw, pipe, ds, align_variables(var, pipe, ds, str(path))


def assert_matches_single_builds(asem, spec: Uncertainty, ev) -> None:  # type: ignore[no-untyped-def]
    fw, pipe, ds, variables = asem
    structure = Structure.from_framework(fw)
    for r in range(len(ev.scores)):
        single = run_pipeline(fw, ds, replication_pipeline(pipe, spec, ev, r, structure), variables)
        scores = single.wide(period=2018)["Index"].loc[list(ev.units)].to_numpy(dtype=float)
        ranks = single.wide("rank", period=2018)["Index"].loc[list(ev.units)].to_numpy(dtype=float)
        np.testing.assert_allclose(ev.scores[r], scores, rtol=1e-9, atol=1e-9, err_msg=f"rep {r}")
        np.testing.assert_array_equal(ev.ranks[r], ranks, err_msg=f"rep {r}")


def test_vignette_uncertainty_equals_plain_loop(asem) -> None:  # type: ignore[no-untyped-def]
    fw, pipe, ds, variables = asem
    spec = Uncertainty.model_validate({**VIGNETTE, "runs": 24, "seed": 4})
    ev = uncertainty_analysis(fw, ds, pipe, spec, variables)
    assert ev.scores.shape == (24, 51)
    assert set(ev.parameters.columns) == {"winmax", "normalisation", "weights", "aggregation"}
    assert ev.configurations > 4  # several step configurations were shared by replications
    assert_matches_single_builds(asem, spec, ev)
    # the nominal is COINr's P2 result: CHE first
    assert ev.units[int(np.nanargmin(ev.nominal_ranks))] == "CHE"


def test_replayed_sensitivity_design_equals_plain_loop(asem) -> None:  # type: ignore[no-untyped-def]
    fw, pipe, ds, variables = asem
    spec = Uncertainty.model_validate({**VIGNETTE, "runs": 4, "seed": 9})
    design = design_matrix(spec, "sensitivity")  # a table made elsewhere, replayed as given
    assert design.shape == (4 * 6, 4)
    ev = evaluate(fw, ds, pipe, spec, design, variables)
    assert_matches_single_builds(asem, spec, ev)


def test_exclusions_and_a_continuous_weight(asem) -> None:  # type: ignore[no-untyped-def]
    fw, pipe, ds, variables = asem
    spec = Uncertainty.model_validate(
        {
            "runs": 12,
            "inputs": [
                {"name": "drop", "exclude": [[], ["Flights"], ["Gas", "CPI"]]},
                {"name": "w_social", "weight": "Social", "range": [0.5, 2.0]},
            ],
        }
    )
    ev = uncertainty_analysis(fw, ds, pipe, spec, variables)
    assert_matches_single_builds(asem, spec, ev)
    assert sorted(set(ev.parameters["drop"])) == ["Flights", "Gas CPI", "none"]


def test_sensitivity_on_the_vignette_design(asem) -> None:  # type: ignore[no-untyped-def]
    fw, pipe, ds, variables = asem
    spec = Uncertainty.model_validate({**VIGNETTE, "runs": 256, "bootstrap": 200})
    sa = sensitivity_analysis(fw, ds, pipe, spec, variables)
    table = sa.table().set_index("input")
    assert len(sa.evaluation.scores) == 256 * 6
    # the aggregation method drives most of the rank shifts (COINr's vignette finds the same)
    assert table["total"].idxmax() == "aggregation"
    assert (table["total"] >= table["first_order"] - 0.1).all()
    assert sa.unit_ranks.total.shape == (4, 51)


def test_a_failing_variant_is_reported_with_its_configuration(asem) -> None:  # type: ignore[no-untyped-def]
    fw, pipe, ds, variables = asem
    spec = Uncertainty.model_validate(
        {
            "runs": 16,
            "inputs": [
                {
                    "name": "normalisation",
                    "step": "normalise",
                    "alternatives": [
                        {"method": "minmax", "params": {"low": 1, "high": 100}},
                        {"method": "minmax", "params": {"low": 0, "high": 100}},
                    ],
                },
                {
                    "name": "aggregation",
                    "step": "aggregate",
                    "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}],
                },
            ],
        }
    )
    with pytest.raises(UncertaintyError) as info:
        uncertainty_analysis(fw, ds, pipe, spec, variables)
    (problem,) = info.value.problems
    assert problem.startswith(
        "normalisation=method=minmax, params={'low': 0, 'high': 100}; aggregation=method=geometric:"
    )
    assert "needs positive values" in problem
