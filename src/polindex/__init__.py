"""Polindex: run a comparative policy index end to end.

>>> import polindex
>>> index = polindex.load_index({"code": "T", "name": "Toy",
...     "indicators": [{"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}]})
>>> res = polindex.score(index, [("A", 2024, "q1", "true"), ("A", 2024, "q2", "false")])
>>> res.score(unit="A", period=2024)
50.0

The names below are imported on first use, so ``import polindex`` (and the command line's
start) stays fast: the numeric stack is loaded only when something needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from polindex.version import __version__

if TYPE_CHECKING:
    from polindex.analysis.comparison import compare_results
    from polindex.analysis.custom_weights import custom_ranking
    from polindex.analysis.goals import seek_goal
    from polindex.analysis.peers import nearest_peers
    from polindex.analysis.recommendations import recommend
    from polindex.analysis.typology import typology
    from polindex.analysis.whatif import Simulator
    from polindex.api import Inputs, build, read_inputs, release_results, score, simulator
    from polindex.engine import Dataset, Results
    from polindex.engine.compute import ScoreError
    from polindex.engine.pipeline import BuildError
    from polindex.errors import PolindexError
    from polindex.framework import (
        Framework,
        FrameworkError,
        IndexDefinition,
        load_framework,
        load_index,
    )
    from polindex.framework.pipeline import Pipeline, load_pipeline
    from polindex.io import DataError, write_results

_WHERE = {
    "BuildError": "polindex.engine.pipeline",
    "DataError": "polindex.io",
    "Dataset": "polindex.engine",
    "Framework": "polindex.framework",
    "FrameworkError": "polindex.framework",
    "IndexDefinition": "polindex.framework",
    "Inputs": "polindex.api",
    "Pipeline": "polindex.framework.pipeline",
    "PolindexError": "polindex.errors",
    "Results": "polindex.engine",
    "ScoreError": "polindex.engine.compute",
    "Simulator": "polindex.analysis.whatif",
    "build": "polindex.api",
    "compare_results": "polindex.analysis.comparison",
    "custom_ranking": "polindex.analysis.custom_weights",
    "load_framework": "polindex.framework",
    "load_index": "polindex.framework",
    "load_pipeline": "polindex.framework.pipeline",
    "nearest_peers": "polindex.analysis.peers",
    "read_inputs": "polindex.api",
    "recommend": "polindex.analysis.recommendations",
    "release_results": "polindex.api",
    "score": "polindex.api",
    "seek_goal": "polindex.analysis.goals",
    "simulator": "polindex.api",
    "typology": "polindex.analysis.typology",
    "write_results": "polindex.io",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'polindex' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


__all__ = [
    "BuildError",
    "DataError",
    "Dataset",
    "Framework",
    "FrameworkError",
    "IndexDefinition",
    "Inputs",
    "Pipeline",
    "PolindexError",
    "Results",
    "ScoreError",
    "Simulator",
    "__version__",
    "build",
    "compare_results",
    "custom_ranking",
    "load_framework",
    "load_index",
    "load_pipeline",
    "nearest_peers",
    "read_inputs",
    "recommend",
    "release_results",
    "score",
    "seek_goal",
    "simulator",
    "typology",
    "write_results",
]
