"""Polindex: run a comparative policy index end to end.

>>> import polindex
>>> fw = polindex.load_framework({"code": "T", "name": "Toy",
...     "indicators": [{"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}]})
>>> res = polindex.score(fw, [("A", 2024, "q1", "true"), ("A", 2024, "q2", "false")])
>>> float(res.score("T", unit="A", period=2024))
50.0
"""

from polindex.framework import Framework, FrameworkError, load_framework

__version__ = "0.1.0"

__all__ = ["Framework", "FrameworkError", "__version__", "load_framework"]
