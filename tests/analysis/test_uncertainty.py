"""Uncertainty analysis: the design, the mapping of samples to choices, summaries, errors."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.analysis.uncertainty import (
    UncertaintyError,
    base_sample,
    check_design,
    cut_index,
    design_matrix,
    saltelli,
    uncertainty_analysis,
)
from polindex.engine.dataset import Dataset
from polindex.framework import load_framework
from polindex.framework.pipeline import Pipeline
from polindex.framework.problems import FrameworkError
from polindex.framework.uncertainty import Uncertainty, load_uncertainty

FW = load_framework(
    {
        "code": "T",
        "name": "T",
        "levels": ["area"],
        "areas": [
            {
                "code": "A",
                "indicators": [
                    {"code": "a1", "type": "numeric"},
                    {"code": "a2", "type": "numeric"},
                ],
            },
            {"code": "B", "indicators": [{"code": "b1", "type": "numeric"}]},
        ],
    }
)
X = np.array([[[1.0, 8.0, 3.0]], [[4.0, 2.0, 9.0]], [[7.0, 5.0, 1.0]], [[9.0, 9.0, 6.0]]])
DS = Dataset.from_arrays(["P", "Q", "R", "S"], [2024], ["a1", "a2", "b1"], X)
PIPE = Pipeline.model_validate(
    {"steps": [{"step": "normalise", "method": "minmax", "params": {"low": 1, "high": 100}}]}
)


def test_cut_index_follows_rs_cut_over_the_sampled_range() -> None:
    # R: cut(c(0.1, 0.3, 0.5, 0.7, 0.9), 2) → (0.0992,0.5] (0.5,0.9]: the range, not [0, 1]
    assert cut_index(np.array([0.1, 0.3, 0.5, 0.7, 0.9]), 2).tolist() == [0, 0, 0, 1, 1]
    assert cut_index(np.array([0.2, 0.2]), 3).tolist() == [1, 1]  # constant: the middle interval
    u = np.random.default_rng(0).random(1000)
    counts = np.bincount(cut_index(u, 5), minlength=5)
    assert counts.min() > 150  # roughly uniform over the five alternatives


def test_saltelli_design_shape_and_blocks() -> None:
    spec = Uncertainty.model_validate(
        {
            "runs": 8,
            "inputs": [
                {"name": "x", "weight": "A", "range": [0, 1]},
                {"name": "y", "weight": "B", "range": [0, 1]},
            ],
        }
    )
    design = design_matrix(spec, "sensitivity")
    a, b = design[:8], design[8:16]
    assert design.shape == (32, 2)
    np.testing.assert_array_equal(design[16:24], np.column_stack([b[:, 0], a[:, 1]]))
    np.testing.assert_array_equal(design[24:32], np.column_stack([a[:, 0], b[:, 1]]))
    np.testing.assert_array_equal(saltelli(a, b), design)
    assert base_sample(4, 2, "random", 3).tolist() == base_sample(4, 2, "random", 3).tolist()


def test_summary_by_hand() -> None:
    spec = Uncertainty.model_validate(
        {"runs": 5, "inputs": [{"name": "w", "weight": "A", "range": [0.1, 10]}]}
    )
    design = np.array([[0.0], [0.25], [0.5], [0.75], [1.0]])
    ev = uncertainty_analysis(FW, DS, PIPE, spec, design=design)
    # weight of A = 0.1 + u · 9.9; scores by hand for unit S (A = 100, B = 60.4)
    b_s = 1 + (6 - 1) / (9 - 1) * 99
    for r, u in enumerate(design[:, 0]):
        w = 0.1 + u * 9.9
        assert ev.scores[r, 3] == pytest.approx((w * 100 + b_s) / (w + 1))
    table = ev.summary().set_index("unit")
    assert table.loc["S", "rank_nominal"] == 1
    assert table.loc["S", "score_median"] == pytest.approx(np.median(ev.scores[:, 3]))
    assert table.loc["S", "score_q95"] == pytest.approx(np.quantile(ev.scores[:, 3], 0.95))
    assert ev.parameters["w"].tolist() == pytest.approx(0.1 + design[:, 0] * 9.9)


def test_design_checked_against_framework_and_pipeline() -> None:
    spec = Uncertainty.model_validate(
        {
            "target": "Z",
            "inputs": [
                {
                    "name": "imp",
                    "step": "impute",
                    "alternatives": [{"method": "mean"}, {"method": "median"}],
                },
                {"name": "noise", "weight_noise": {"pillar": 0.2}},
                {"name": "drop", "exclude": [[], ["zz"]]},
                {"name": "w", "weight": "nope", "range": [0, 1]},
            ],
        }
    )
    assert check_design(spec, FW, PIPE) == [
        "inputs[imp]: the pipeline has no impute step to vary",
        "inputs[noise]: unknown level 'pillar'; levels: area, index, indicator",
        "inputs[drop]: 'zz' is not a node of the framework",
        "inputs[w]: 'nope' is not a weighted node of the framework",
        "target: 'Z' is not a node of the framework",
    ]
    with pytest.raises(UncertaintyError, match="5 problems with the uncertainty design"):
        uncertainty_analysis(FW, DS, PIPE, spec)


def test_spec_errors_have_paths() -> None:
    with pytest.raises(FrameworkError) as info:
        load_uncertainty(
            {
                "uncertainty": {
                    "inputs": [
                        {"name": "x", "step": "treat", "alternatives": [{}]},
                        {"name": "y", "weight": "A"},
                    ],
                    "runz": 3,
                }
            }
        )
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("uncertainty.inputs[0]", "a step input needs at least two alternatives"),
        ("uncertainty.inputs[1]", "a weight input needs range: [low, high]"),
        ("uncertainty.runz", "unknown key 'runz'"),
    ]


def test_removing_a_step_is_an_alternative() -> None:
    pipe = Pipeline.model_validate(
        {"steps": [{"step": "treat"}, {"step": "normalise", "method": "minmax"}]}
    )
    spec = Uncertainty.model_validate(
        {
            "runs": 8,
            "inputs": [
                {"name": "treat", "step": "treat", "alternatives": [None, {"winmax": 3}]},
                {"name": "w", "weight": "A", "range": [1, 2]},
            ],
        }
    )
    ev = uncertainty_analysis(FW, DS, pipe, spec)
    assert set(ev.parameters["treat"]) == {"none", "winmax=3"}
    assert not np.isnan(ev.scores).any()


def test_given_weight_sets_replay_exactly(tmp_path: object) -> None:
    spec = Uncertainty.model_validate(
        {
            "runs": 4,
            "inputs": [
                {"name": "w", "weight_sets": [{"A": 1, "B": 3}, {"A": 2}]},
                {"name": "z", "weight": "a1", "range": [1, 1.0001]},
            ],
        }
    )
    design = np.array([[0.0, 0.0], [1.0, 0.0]])
    ev = uncertainty_analysis(FW, DS, PIPE, spec, design=design)
    assert ev.parameters["w"].tolist() == ["set 1", "set 2"]
    # unit S: A = (100 + 100·(1−0)…) — compare with the weights the sets give
    a_s = ev.scores[0, 3] * 4 - 3 * (1 + (6 - 1) / (9 - 1) * 99)  # A from set 1 (A 1, B 3)
    assert ev.scores[1, 3] == pytest.approx((2 * a_s + (1 + 5 / 8 * 99)) / 3)
    np.testing.assert_allclose(ev.weights[0, -2:], [1.0, 3.0])
    np.testing.assert_allclose(ev.weights[1, -2:], [2.0, 1.0])


def test_weight_sets_from_a_csv_file(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "sets.csv"
    path.write_text("A,B\n1,3\n2,1\n")
    inp = Uncertainty.model_validate({"inputs": [{"name": "w", "weight_sets": str(path)}]}).inputs[
        0
    ]
    assert inp.load_weight_sets() == [{"A": 1.0, "B": 3.0}, {"A": 2.0, "B": 1.0}]
    assert inp.n_alternatives == 2


def test_ranks_follow_the_ties_of_the_pipeline() -> None:
    indicators = [{"code": "a", "type": "numeric"}, {"code": "b", "type": "numeric"}]
    fw = load_framework({"code": "T", "name": "T", "indicators": indicators})
    # X: (0.1 + 0.2) / 2 = 0.15000000000000002; Y: 0.15 exactly; Z: 0
    ds = Dataset.from_arrays(
        ["X", "Y", "Z"], [2024], ["a", "b"], np.array([[[0.1, 0.2]], [[0.15, 0.15]], [[0.0, 0.0]]])
    )
    spec = Uncertainty.model_validate(
        {"runs": 8, "inputs": [{"name": "w_a", "weight": "a", "range": [0.5, 2]}]}
    )
    for ties, nominal in (("rounded", [1.0, 1.0, 3.0]), ("exact", [1.0, 2.0, 3.0])):
        pipe = Pipeline.model_validate({"steps": [{"step": "aggregate", "ties": ties}]})
        ev = uncertainty_analysis(fw, ds, pipe, spec)
        assert ev.nominal_ranks.tolist() == nominal
