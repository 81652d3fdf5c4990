"""The one list of method names a framework or pipeline may use, with their parameters.

The framework's validation reads these tables; the engine's function tables are built with
:func:`method_table`, which checks at import that they implement exactly these names (and, where
a signature says so, these parameters). Adding a method therefore means adding it here and
implementing it in the engine; neither can be forgotten without an error at import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Literal, get_args

NORMALISATION_PARAMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "minmax": ("low", "high"),
        "zscore": ("mean", "sd"),
        "scaled": ("low", "high", "scale"),
        "goalposts": ("low", "high", "scale", "truncate"),
        "dist2max": (),
        "dist2ref": ("reference", "cap"),
        "dist2targ": ("target", "cap"),
        "fracmax": (),
        "prank": (),
        "rank": (),
        "borda": (),
    }
)
"""Every normalisation method and the parameters it takes (a pipeline's normalise step)."""

IMPUTATION_PARAMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "mean": (),
        "median": (),
        "mean_group": ("group",),
        "median_group": ("group",),
        "row_mean": (),
        "locf": (),
        "linear": (),
    }
)
"""Every imputation method and what it needs (``group``: a grouping variable)."""

AGGREGATION_PARAMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "arithmetic": (),
        "geometric": (),
        "harmonic": (),
        "generalised": ("p",),
        "median": (),
        "copeland": (),
    }
)
"""Every aggregation method and the parameters it needs (set in a pipeline's aggregate step)."""


class VocabularyError(RuntimeError):
    """An implementation table does not match the vocabulary (raised when the engine is
    imported: a programming error, never a user's)."""


StepName = Literal["denominate", "screen", "impute", "treat", "normalise", "weights", "aggregate"]
"""The construction steps, in COINr's order."""

STAGE_OF_STEP: Mapping[StepName, str] = MappingProxyType(
    {
        "denominate": "denominated",
        "screen": "screened",
        "impute": "imputed",
        "treat": "treated",
        "normalise": "normalised",
        "weights": "weighted",
        "aggregate": "aggregated",
    }
)
"""The name of the data set each step produces (``raw`` is the input); every step has one
(checked below, when this module is imported)."""
if tuple(STAGE_OF_STEP) != get_args(StepName):
    raise VocabularyError(f"STAGE_OF_STEP {tuple(STAGE_OF_STEP)} differs from {get_args(StepName)}")

METHODS: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "normalisation": NORMALISATION_PARAMS,
        "imputation": IMPUTATION_PARAMS,
        "aggregation": AGGREGATION_PARAMS,
    }
)
"""Each kind of method and its table of names → parameters."""

IMPUTATION_METHODS: tuple[str, ...] = tuple(IMPUTATION_PARAMS)
"""Imputation method names, in the vocabulary's order."""

AGGREGATION_METHODS: tuple[str, ...] = tuple(m for m, p in AGGREGATION_PARAMS.items() if not p)
"""Aggregation methods a node may name in the framework (``aggregation: geometric``); methods
with parameters (``generalised``) are chosen in the pipeline's aggregate step."""

Ties = Literal["rounded", "exact"]
"""Which scores rank as equal: ``rounded`` — equal to 10 decimals (Polindex's default, see
docs/decisions/004-ranks-and-ties.md); ``exact`` — equal as floating-point numbers (COINr's)."""

TIES: tuple[str, ...] = get_args(Ties)

MISSING_TOKENS: frozenset[str] = frozenset({"", "na", "nan", "null", "none", "."})
"""Cell texts read as *missing* (no data), compared case-insensitively."""

NOT_APPLICABLE_TOKENS: frozenset[str] = frozenset({"n/a", "not applicable", "not_applicable"})
"""Cell texts read as *not applicable* (excluded from averages, never scored 0)."""


def method_table[T](
    kind: str,
    implementations: Mapping[str, T],
    parameters: Callable[[T], tuple[str, ...]] | None = None,
) -> Mapping[str, T]:
    """The read-only table of ``kind``'s implementations, in the vocabulary's order, after
    checking that it implements every name of :data:`METHODS` ``[kind]`` and no other, and
    (given ``parameters``, which reads an implementation's parameter names) with the same
    parameters.

    Raises
    ------
    VocabularyError
        Naming every method missing, unknown or taking other parameters.

    Examples
    --------
    >>> table = method_table("aggregation", {m: len(p) for m, p in AGGREGATION_PARAMS.items()})
    >>> list(table)[:3], table["generalised"]
    (['arithmetic', 'geometric', 'harmonic'], 1)
    >>> try:
    ...     method_table("imputation", {**{m: 0 for m in IMPUTATION_METHODS[1:]}, "mode": 0})
    ... except VocabularyError as exc:
    ...     print(str(exc).split("): ")[1])
    no implementation of mean; not in the vocabulary: mode
    """
    vocabulary = METHODS[kind]
    problems = []
    missing = [m for m in vocabulary if m not in implementations]
    if missing:
        problems.append(f"no implementation of {', '.join(missing)}")
    unknown = [m for m in implementations if m not in vocabulary]
    if unknown:
        problems.append(f"not in the vocabulary: {', '.join(unknown)}")
    if parameters is not None:
        for name, impl in implementations.items():
            takes = parameters(impl)
            if name in vocabulary and takes != vocabulary[name]:
                problems.append(
                    f"{name} takes ({', '.join(takes)}) but the vocabulary says "
                    f"({', '.join(vocabulary[name])})"
                )
    if problems:
        raise VocabularyError(
            f"the {kind} methods implemented differ from the vocabulary "
            f"(polindex.framework.vocabulary): {'; '.join(problems)}"
        )
    return MappingProxyType({name: implementations[name] for name in vocabulary})
