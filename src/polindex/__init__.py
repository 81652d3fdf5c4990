"""Polindex: run a comparative policy index end to end.

>>> import polindex
>>> fw = polindex.load_framework({"code": "T", "name": "Toy",
...     "indicators": [{"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}]})
>>> res = polindex.score(fw, [("A", 2024, "q1", "true"), ("A", 2024, "q2", "false")])
>>> res.score(unit="A", period=2024)
50.0
"""

__version__ = "0.1.0"

from polindex.api import build, score
from polindex.engine import Dataset, Results
from polindex.engine.pipeline import BuildError
from polindex.framework import Framework, FrameworkError, load_framework
from polindex.framework.pipeline import Pipeline, load_pipeline
from polindex.io import DataError, write_results

__all__ = [
    "BuildError",
    "DataError",
    "Dataset",
    "Framework",
    "FrameworkError",
    "Pipeline",
    "Results",
    "__version__",
    "build",
    "load_framework",
    "load_pipeline",
    "score",
    "write_results",
]
