"""The one vocabulary of method names: tables built from it are checked, with a real error."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from polindex.framework.pipeline import Step
from polindex.framework.vocabulary import (
    AGGREGATION_METHODS,
    AGGREGATION_PARAMS,
    IMPUTATION_PARAMS,
    METHODS,
    NORMALISATION_PARAMS,
    STAGE_OF_STEP,
    StepName,
    VocabularyError,
    method_table,
)


def test_every_kind_of_method_has_one_table() -> None:
    assert METHODS == {
        "normalisation": NORMALISATION_PARAMS,
        "imputation": IMPUTATION_PARAMS,
        "aggregation": AGGREGATION_PARAMS,
    }
    assert AGGREGATION_METHODS == ("arithmetic", "geometric", "harmonic", "median", "copeland")


def test_a_table_follows_the_vocabularys_order_and_is_read_only() -> None:
    implementations = {name: len(name) for name in reversed(list(AGGREGATION_PARAMS))}
    table = method_table("aggregation", implementations)
    assert list(table) == list(AGGREGATION_PARAMS)
    with pytest.raises(TypeError):
        table["mode"] = 1  # type: ignore[index]


def test_a_missing_or_unknown_implementation_is_a_real_error() -> None:
    implementations = {name: 0 for name in IMPUTATION_PARAMS if name != "locf"} | {"hot_deck": 0}
    message = (
        "the imputation methods implemented differ from the vocabulary "
        "(polindex.framework.vocabulary): no implementation of locf; "
        "not in the vocabulary: hot_deck"
    )
    with pytest.raises(VocabularyError, match=re.escape(message)):
        method_table("imputation", implementations)


def test_parameters_must_be_the_vocabularys() -> None:
    implementations = dict(NORMALISATION_PARAMS)
    implementations["minmax"] = ("lo", "hi")
    message = "minmax takes (lo, hi) but the vocabulary says (low, high)"
    with pytest.raises(VocabularyError, match=re.escape(message)):
        method_table("normalisation", implementations, parameters=lambda p: p)


def test_step_names_are_the_step_models_and_each_has_a_stage() -> None:
    (union, _) = get_args(Step)
    models = [m.model_fields["step"].default for m in get_args(union)]
    assert tuple(models) == get_args(StepName) == tuple(STAGE_OF_STEP)
    assert STAGE_OF_STEP["weights"] == "weighted"
