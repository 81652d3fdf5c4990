"""Names a framework may use for methods; the engine keeps one implementation per name."""

from __future__ import annotations

AGGREGATION_METHODS: tuple[str, ...] = ("arithmetic",)
"""Aggregation methods a node may name (``aggregation: arithmetic``)."""

MISSING_TOKENS: frozenset[str] = frozenset({"", "na", "nan", "null", "none", "."})
"""Cell texts read as *missing* (no data), compared case-insensitively."""

NOT_APPLICABLE_TOKENS: frozenset[str] = frozenset({"n/a", "not applicable", "not_applicable"})
"""Cell texts read as *not applicable* (excluded from averages, never scored 0)."""
