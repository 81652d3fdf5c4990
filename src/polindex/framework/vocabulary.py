"""Names a framework may use for methods; the engine keeps one implementation per name."""

from __future__ import annotations

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

MISSING_TOKENS: frozenset[str] = frozenset({"", "na", "nan", "null", "none", "."})
"""Cell texts read as *missing* (no data), compared case-insensitively."""

NOT_APPLICABLE_TOKENS: frozenset[str] = frozenset({"n/a", "not applicable", "not_applicable"})
"""Cell texts read as *not applicable* (excluded from averages, never scored 0)."""
