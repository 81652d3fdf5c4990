"""Names a framework may use for methods; the engine keeps one implementation per name."""

from __future__ import annotations

from typing import Literal, get_args

AGGREGATION_PARAMS: dict[str, tuple[str, ...]] = {
    "arithmetic": (),
    "geometric": (),
    "harmonic": (),
    "generalised": ("p",),
    "median": (),
    "copeland": (),
}
"""Every aggregation method and the parameters it needs (set in a pipeline's aggregate step)."""

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
