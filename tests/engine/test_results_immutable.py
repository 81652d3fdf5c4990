"""Results is an immutable value: no array can be written, no attribute reassigned."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from polindex.engine import Results


@pytest.mark.parametrize(
    "name",
    [
        "scores",
        "ranks",
        "bands",
        "contribution_array",
    ],
)
def test_result_arrays_are_read_only(results: Results, name: str) -> None:
    arr = getattr(results, name)
    assert not arr.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        arr[(0,) * arr.ndim] = 1


@pytest.mark.parametrize(
    "name", ["scores", "not_applicable", "n_used", "n_applicable", "weight_sum"]
)
def test_aggregation_arrays_are_read_only(results: Results, name: str) -> None:
    assert not getattr(results.aggregation, name).flags.writeable


@pytest.mark.parametrize("name", ["raw", "values", "not_applicable", "present"])
def test_dataset_arrays_are_read_only(results: Results, name: str) -> None:
    assert not getattr(results.dataset, name).flags.writeable


def test_stage_arrays_are_read_only(results: Results) -> None:
    assert set(results.stages) == {"scored", "aggregated"}
    for stage in results.stages.values():
        assert not stage.values.flags.writeable


@pytest.mark.parametrize("name", ["spec", "framework", "dataset", "inputs", "stages"])
def test_assigning_an_attribute_raises(results: Results, name: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(results, name, None)


def test_scores_survive_an_attempted_write(results: Results) -> None:
    before = results.score(unit="X", period=2021)
    with pytest.raises(ValueError, match="read-only"):
        results.scores[0, 0, 1, -1] = 0.0
    assert results.score(unit="X", period=2021) == before == 55.0
    assert np.isnan(results.score("A", unit="Z", period=2021))
