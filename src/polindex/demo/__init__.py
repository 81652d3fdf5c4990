"""The synthetic demonstration index: invented data generated deterministically by Polindex."""

from polindex.demo.synthetic import FRAMEWORK_PATH, synthetic_data

__all__ = ["FRAMEWORK_PATH", "synthetic_data"]
