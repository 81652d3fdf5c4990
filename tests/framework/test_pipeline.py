"""The pipeline spec: YAML shape, cross-checks against the framework, errors with path and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from polindex.framework import load_framework
from polindex.framework.loader import check_framework_text
from polindex.framework.pipeline import (
    ImputeStep,
    NormaliseStep,
    Pipeline,
    load_pipeline,
)
from polindex.framework.problems import FrameworkError

FW = {
    "code": "T",
    "name": "T",
    "levels": ["area"],
    "areas": [
        {
            "code": "A",
            "indicators": [{"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric"}],
        },
        {"code": "B", "indicators": [{"code": "q3", "type": "numeric"}]},
    ],
}


def problems(source: object, fw: object = None) -> list[str]:
    framework = load_framework(FW) if fw is None else fw
    with pytest.raises(FrameworkError) as info:
        load_pipeline(source, framework)  # type: ignore[arg-type]
    return [f"{p.path}: {p.message}" for p in info.value.problems]


def test_python_objects_and_yaml_are_the_same_pipeline() -> None:
    from_objects = Pipeline(
        steps=(
            ImputeStep(method="median"),
            NormaliseStep(method="zscore", params={"mean": 10, "sd": 2}),
        )
    )
    from_data = load_pipeline(
        [
            {"step": "impute", "method": "median"},
            {"step": "normalise", "method": "zscore", "params": {"mean": 10, "sd": 2}},
        ]
    )
    assert from_objects == from_data
    assert from_data.stage_names == ["raw", "imputed", "normalised"]


def test_a_step_may_appear_once_and_aggregate_comes_last() -> None:
    assert problems([{"step": "impute"}, {"step": "impute"}]) == [
        ": step 'impute' appears twice (each step runs at most once)"
    ]
    assert problems([{"step": "aggregate"}, {"step": "impute"}]) == [
        ": 'aggregate' must be the last step"
    ]


def test_unknown_step_and_unknown_key_are_named() -> None:
    assert problems({"steps": [{"step": "normalize"}, {"step": "impute", "methd": "mean"}]}) == [
        "steps[0].step: unknown step 'normalize'; one of: denominate, screen, impute, treat, "
        "normalise, weights, aggregate; did you mean 'normalise'?",
        "steps[1].methd: unknown key 'methd'",
    ]


def test_codes_methods_and_parameters_are_checked_against_the_framework() -> None:
    found = problems(
        {
            "variables": [
                {"code": "pop", "role": "denominator"},
                {"code": "region", "role": "group"},
            ],
            "steps": [
                {"step": "denominate", "by": {"q1": "pop", "q9": "region"}},
                {"step": "impute", "method": "mean_group"},
                {
                    "step": "normalise",
                    "method": "minmax",
                    "params": {"low": 0, "hi": 1},
                    "overrides": {
                        "B": {"method": "goalposts", "params": {"low": 0, "high": 5}},
                        "q2": {"method": "sigmoid"},
                    },
                },
                {
                    "step": "aggregate",
                    "levels": {"pillar": {"method": "geometric"}},
                    "overrides": {"q1": {"method": "median"}},
                },
            ],
        }
    )
    assert found == [
        "steps[0].by.q9: 'q9' is not an indicator of the framework",
        "steps[0].by.q9: 'region' is not a denominator listed under variables",
        "steps[1].group: mean_group needs a group variable",
        "steps[2].overrides.q2.method: unknown method 'sigmoid'; one of: minmax, zscore, scaled, "
        "goalposts, dist2max, dist2ref, dist2targ, fracmax, prank, rank, borda",
        "steps[2].params.hi: unknown parameter 'hi' of minmax; it takes: low, high",
        "steps[3].levels.pillar: unknown level 'pillar'; levels: area, index",
        "steps[3].overrides.q1: 'q1' is an indicator; aggregation is set on groups",
    ]


def test_aggregation_methods_and_parameters_are_checked() -> None:
    found = problems(
        [
            {
                "step": "aggregate",
                "method": "generalised",
                "levels": {"area": {"method": "geometric", "params": {"p": 2}}},
                "overrides": {"A": {"method": "copland"}, "B": {"params": {"p": 0.5}}},
            }
        ]
    )
    assert found == [
        "steps[0].levels.area.params.p: unknown parameter 'p' of geometric; "
        "it takes: no parameters",
        "steps[0].overrides.A.method: unknown method 'copland'; one of: arithmetic, geometric, "
        "harmonic, generalised, median, copeland; did you mean 'copeland'?",
        "steps[0].params: generalised needs the parameter 'p'",
    ]


def test_ties_of_the_aggregate_step_is_rounded_or_exact() -> None:
    assert load_pipeline([{"step": "aggregate", "ties": "exact"}]).ties == "exact"
    assert load_pipeline([{"step": "aggregate"}]).ties == "rounded"
    assert load_pipeline([{"step": "impute"}]).ties == "rounded"  # no aggregate step
    assert problems([{"step": "aggregate", "ties": "exakt"}]) == [
        "steps[0].ties: 'exakt' is not one of: rounded, exact; did you mean 'exact'?"
    ]


def test_a_weight_for_the_index_itself_fails_when_loaded(tmp_path: Path) -> None:
    # the index has no weight: this used to pass the check and fail with a KeyError in build
    found = problems([{"step": "weights", "method": "explicit", "values": {"T": 2, "q1": 3}}])
    assert found == [
        "steps[0].values.T: 'T' is the index itself, which has no weight; weights are set on "
        "the indicators and groups below it"
    ]
    text = textwrap.dedent(
        """\
        code: T
        name: T
        indicators:
          - {code: q1, type: numeric}
          - {code: q2, type: numeric}
        pipeline:
          - step: weights
            method: explicit
            values:
              q1: 3
              T: 2
        """
    )
    (tmp_path / "fw.yaml").write_text(text)
    with pytest.raises(FrameworkError) as info:
        load_framework(tmp_path / "fw.yaml")
    assert [(p.line, p.path) for p in info.value.problems] == [(11, "pipeline.steps[0].values.T")]


def test_screen_needs_a_rule() -> None:
    assert problems([{"step": "screen"}]) == [
        "steps[0]: give min_availability, min_nonzero or exclude (else it does nothing)"
    ]


def test_pipeline_section_of_a_framework_file_with_lines(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        code: T
        name: T
        indicators:
          - {code: q1, type: numeric}
        pipeline:
          steps:
            - {step: impute, method: mean}
            - {step: normalise, method: minmax, params: {low: 0, high: 100, scale: 3}}
        """
    )
    path = tmp_path / "fw.yaml"
    path.write_text(text)
    fw = load_framework(
        {"code": "T", "name": "T", "indicators": [{"code": "q1", "type": "numeric"}]}
    )
    with pytest.raises(FrameworkError) as info:
        load_pipeline(path, fw)
    (p,) = info.value.problems
    assert (p.line, p.path) == (8, "pipeline.steps[1].params.scale")
    # a framework file whose pipeline is faulty does not load either
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert [(p.line, p.path) for p in info.value.problems] == [
        (8, "pipeline.steps[1].params.scale")
    ]
    # `polindex validate` (check_framework_text) reports it too, with the same line
    (q,) = check_framework_text(text)
    assert (q.line, q.path) == (8, "pipeline.steps[1].params.scale")


def test_framework_without_pipeline_section_is_a_pipeline_file_error(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("- {step: impute, method: median}\n- step: aggregate\n")
    assert [s.step for s in load_pipeline(path).steps] == ["impute", "aggregate"]
