"""From a data set of indicator scores to :class:`Results`: aggregate, rank, band."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from polindex.engine.aggregate import aggregate
from polindex.engine.dataset import Dataset
from polindex.engine.rank import band_index, rank_scores
from polindex.engine.results import Results
from polindex.engine.structure import FloatArray, Structure
from polindex.framework.models import Framework


def compute(
    framework: Framework,
    dataset: Dataset,
    *,
    weights: FloatArray | None = None,
    structure: Structure | None = None,
    spec: Mapping[str, Any] | None = None,
    inputs: pd.DataFrame | None = None,
) -> Results:
    """Score every node for every unit and period of ``dataset``; rank and band the scores.

    ``weights`` (edges,) or (batch, edges) replace the framework's weights (see
    :func:`~polindex.engine.aggregate.aggregate`); ranks are per batch, period and node.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric"}]})
    >>> ds = Dataset.from_arrays(["A", "B"], [2024], ["q1", "q2"],
    ...                          np.array([[[80.0, 20.0]], [[40.0, np.nan]]]))
    >>> res = compute(fw, ds)
    >>> res.score(unit="A"), res.score(unit="B"), res.rank(unit="B")
    (50.0, 40.0, 2.0)
    """
    if tuple(dataset.indicators) != tuple(i.code for i in framework.indicators):
        raise ValueError("the data set's indicators are not the framework's, in its order")
    s = structure or Structure.from_framework(framework)
    agg = aggregate(s, dataset.values[None], dataset.not_applicable, weights)
    ranks = rank_scores(agg.scores, framework.polarity == "higher_is_better", axis=1)
    # rows absent from the input get no rank and do not count
    ranks[:, ~dataset.present] = np.nan
    minimums = np.array(sorted(b.min for b in framework.bands), dtype=np.float64)
    bands = band_index(agg.scores, minimums)
    for arr in (agg.scores, agg.status, agg.n_used, agg.n_applicable, agg.weight_sum, ranks):
        arr.setflags(write=False)
    return Results(
        framework=framework,
        structure=s,
        dataset=dataset,
        aggregation=agg,
        ranks=ranks,
        bands=bands,
        spec=dict(spec or {}),
        inputs=inputs,
        stages={"scored": dataset.values[None], "aggregated": agg.scores},
    )
