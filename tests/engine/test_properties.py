"""Properties of aggregation, ranking and contributions on random small trees and data."""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import polindex
from polindex.engine import Dataset, Structure, aggregate, compute, rank_scores
from polindex.engine.aggregate import NOT_APPLICABLE
from polindex.framework.models import Framework

FAST = settings(max_examples=100, deadline=None, database=None)
TOL = 1e-9

# a tree shape: 0 is an indicator, a list is a group of its children
SHAPES = st.recursive(st.just(0), lambda kids: st.lists(kids, min_size=1, max_size=3), max_leaves=7)
ROOTS = st.lists(SHAPES, min_size=1, max_size=3)
SCORES = st.floats(0, 100, allow_nan=False)
WEIGHTS = st.floats(0.1, 10, allow_nan=False)


def framework_from(shape: list[Any], weights: list[float] | None) -> Framework:
    """A framework with the tree ``shape``; ``weights`` are used in turn for every node."""
    counter = itertools.count()
    pool = iter(weights or [])

    def weight() -> dict[str, float]:
        return {"weight": next(pool)} if weights is not None else {}

    def group(kids: list[Any], code: str) -> dict[str, Any]:
        out: dict[str, Any] = {"code": code}
        leaves = [k for k in kids if not isinstance(k, list)]
        groups = [k for k in kids if isinstance(k, list)]
        if leaves:
            out["indicators"] = [
                {"code": f"q{next(counter)}", "type": "numeric", **weight()} for _ in leaves
            ]
        if groups:
            out["children"] = [{**group(g, f"g{next(counter)}"), **weight()} for g in groups]
        return out

    return polindex.load_framework({**group(shape, "T"), "name": "Random"})


def count_items(shape: list[Any]) -> int:
    return sum(1 + (count_items(k) if isinstance(k, list) else 0) for k in shape)


@st.composite
def trees(draw: st.DrawFn, equal_weights: bool = False) -> Framework:
    shape = draw(ROOTS)
    n = count_items(shape)
    weights = None if equal_weights else draw(st.lists(WEIGHTS, min_size=n, max_size=n))
    return framework_from(shape, weights)


@st.composite
def cases(
    draw: st.DrawFn, equal_weights: bool = False, missing: bool = True
) -> tuple[Structure, np.ndarray]:
    """A compiled random tree and values (unit, period, indicator), NaN where missing."""
    s = Structure.from_framework(draw(trees(equal_weights)))
    units, periods = draw(st.integers(1, 4)), draw(st.integers(1, 2))
    elements = st.one_of(st.just(np.nan), SCORES) if missing else SCORES
    values = draw(hnp.arrays(np.float64, (units, periods, s.n_indicators), elements=elements))
    return s, values


def weighted_mean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mean over the last axis, ignoring NaN; NaN where nothing is left."""
    ok = ~np.isnan(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(ok, x, 0.0) @ w) / (ok @ w)


@FAST
@given(case=cases(), data=st.data())
def test_permuting_units_permutes_scores_and_ranks(
    case: tuple[Structure, np.ndarray], data: st.DataObject
) -> None:
    s, values = case
    perm = np.array(data.draw(st.permutations(range(values.shape[0]))))
    before = aggregate(s, values).scores
    after = aggregate(s, values[perm]).scores
    np.testing.assert_array_equal(after, before[:, perm])
    np.testing.assert_array_equal(rank_scores(after), rank_scores(before)[:, perm])


@FAST
@given(case=cases(equal_weights=True), data=st.data())
def test_equal_weights_give_the_plain_mean_of_available_children(
    case: tuple[Structure, np.ndarray], data: st.DataObject
) -> None:
    s, values = case
    na = data.draw(hnp.arrays(np.bool_, values.shape))
    agg = aggregate(s, values, na)
    scores, status = agg.scores[0], agg.status[0]
    for p in range(s.n_indicators, s.n_nodes):
        kids = np.flatnonzero(s.parent == p)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # nanmean of an all-NaN slice
            expected = np.nanmean(scores[..., kids], axis=-1)
        np.testing.assert_allclose(scores[..., p], expected, rtol=0, atol=TOL)
        all_na = (status[..., kids] == NOT_APPLICABLE).all(axis=-1)
        np.testing.assert_array_equal(status[..., p] == NOT_APPLICABLE, all_na)


@FAST
@given(case=cases(missing=False), data=st.data())
def test_a_missing_child_leaves_the_parent_the_mean_of_the_others(
    case: tuple[Structure, np.ndarray], data: st.DataObject
) -> None:
    s, values = case
    k = data.draw(st.integers(0, s.n_indicators - 1))
    p = s.parent[k]
    siblings = np.array([j for j in np.flatnonzero(s.parent == p) if j != k])
    values = values.copy()
    values[..., k] = np.nan
    scores = aggregate(s, values).scores[0]
    if len(siblings) == 0:
        assert np.isnan(scores[..., p]).all()
        return
    expected = weighted_mean(scores[..., siblings], s.weight[siblings])
    np.testing.assert_allclose(scores[..., p], expected, rtol=1e-12, atol=TOL)


@FAST
@given(case=cases(), data=st.data())
def test_raising_one_indicator_never_lowers_an_ancestor(
    case: tuple[Structure, np.ndarray], data: st.DataObject
) -> None:
    s, values = case
    u = data.draw(st.integers(0, values.shape[0] - 1))
    t = data.draw(st.integers(0, values.shape[1] - 1))
    k = data.draw(st.integers(0, s.n_indicators - 1))
    raised = values.copy()
    old = 0.0 if np.isnan(values[u, t, k]) else values[u, t, k]
    raised[u, t, k] = data.draw(st.floats(old, 100))
    if np.isnan(values[u, t, k]):
        values = values.copy()
        values[u, t, k] = old  # compare like with like: the cell has a value in both
    before = aggregate(s, values).scores[0, u, t]
    after = aggregate(s, raised).scores[0, u, t]
    np.testing.assert_array_equal(np.isnan(after), np.isnan(before))
    ok = ~np.isnan(before)
    assert (after[ok] >= before[ok] - TOL).all()


@FAST
@given(fw=trees(), data=st.data())
def test_contributions_sum_to_the_parent_score(fw: Framework, data: st.DataObject) -> None:
    codes = [i.code for i in fw.indicators]
    units, periods = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 2))
    elements = st.one_of(st.just(np.nan), SCORES)
    values = data.draw(hnp.arrays(np.float64, (units, periods, len(codes)), elements=elements))
    ds = Dataset.from_arrays([f"U{i}" for i in range(units)], list(range(periods)), codes, values)
    res = compute(fw, ds)
    _, parent, _ = res.structure.edges
    for p in np.unique(parent):
        total = res.contribution_array[..., parent == p].sum(axis=-1)
        score = res.scores[..., p]
        ok = ~np.isnan(score)
        np.testing.assert_allclose(total[ok], score[ok], rtol=1e-12, atol=TOL)
