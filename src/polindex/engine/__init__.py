"""Pure numerics on numpy arrays: the data set, aggregation, ranks, bands and results."""

from polindex.engine.aggregate import AGGREGATORS, Aggregation, AggregationError, aggregate
from polindex.engine.compute import compute
from polindex.engine.dataset import Dataset
from polindex.engine.rank import band_index, rank_scores
from polindex.engine.results import Results
from polindex.engine.structure import Structure

__all__ = [
    "AGGREGATORS",
    "Aggregation",
    "AggregationError",
    "Dataset",
    "Results",
    "Structure",
    "aggregate",
    "band_index",
    "compute",
    "rank_scores",
]
