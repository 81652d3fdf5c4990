"""Weights: mapping, equal, effective, PCA, balance (Nelder–Mead)."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.engine.aggregate import aggregate
from polindex.engine.structure import Structure
from polindex.engine.weights import (
    balance_weights,
    effective_weights,
    equal_weights,
    pca_weights,
    weights_from_mapping,
)
from polindex.framework import load_framework

FW = load_framework(
    {
        "code": "T",
        "name": "T",
        "children": [
            {
                "code": "A",
                "weight": 2,
                "indicators": [
                    {"code": "a1", "type": "numeric", "weight": 3},
                    {"code": "a2", "type": "numeric"},
                ],
            },
            {"code": "B", "indicators": [{"code": "b1", "type": "numeric"}]},
        ],
    }
)
S = Structure.from_framework(FW)


def test_effective_weights_multiply_relative_weights_down_the_tree() -> None:
    eff = dict(zip(S.codes, effective_weights(S).tolist(), strict=True))
    # A = 2/3, B = 1/3; a1 = 3/4 · 2/3, a2 = 1/4 · 2/3
    assert eff == pytest.approx(
        {"a1": 0.5, "a2": 1 / 6, "b1": 1 / 3, "A": 2 / 3, "B": 1 / 3, "T": 1}
    )
    # indicators' effective weights sum to 1
    assert sum(eff[c] for c in ("a1", "a2", "b1")) == pytest.approx(1.0)


def test_effective_weights_of_given_edges() -> None:
    eff = effective_weights(S, equal_weights(S))
    assert dict(zip(S.codes, eff.tolist(), strict=True))["a1"] == 0.25


def test_mapping_replaces_named_weights_and_checks_codes() -> None:
    w = weights_from_mapping(S, {"a2": 3, "B": 2})
    by_child = {S.codes[c]: x for c, x in zip(S.edges[0], w, strict=True)}
    assert by_child == {"a1": 3.0, "a2": 3.0, "b1": 1.0, "A": 2.0, "B": 2.0}
    with pytest.raises(KeyError, match="zz"):
        weights_from_mapping(S, {"zz": 1})
    with pytest.raises(ValueError, match="non-negative"):
        weights_from_mapping(S, {"a1": -1})


def test_pca_weights_are_first_component_loadings() -> None:
    rng = np.random.default_rng(4)
    f = rng.normal(size=200)
    a1 = f + rng.normal(scale=0.1, size=200)
    a2 = f + rng.normal(scale=0.1, size=200)
    x = np.stack([a1, a2, rng.normal(size=200)], axis=1)[:, None, :]
    w = pca_weights(S, x, height=1)
    by_child = {S.codes[c]: v for c, v in zip(S.edges[0], w, strict=True)}
    # two standardised, strongly correlated children: loadings 1/sqrt(2) each
    assert by_child["a1"] == pytest.approx(1 / np.sqrt(2), abs=1e-3)
    assert by_child["a2"] == pytest.approx(1 / np.sqrt(2), abs=1e-3)
    # compare with numpy's eigen decomposition of the correlation matrix
    _, vecs = np.linalg.eigh(np.corrcoef(a1, a2))
    np.testing.assert_allclose(
        sorted([by_child["a1"], by_child["a2"]]), sorted(np.abs(vecs[:, -1]))
    )
    assert by_child["A"] == 2.0  # other heights keep the framework's weights


def test_pca_weights_refuse_negative_loadings() -> None:
    rng = np.random.default_rng(5)
    f = rng.normal(size=100)
    x = np.stack([f, -f + rng.normal(scale=0.1, size=100), f], axis=1)[:, None, :]
    with pytest.raises(ValueError, match="negative loading"):
        pca_weights(S, x, height=1)


def test_balance_weights_equalise_correlations() -> None:
    fw = load_framework(
        {
            "code": "T",
            "name": "T",
            "children": [
                {"code": c, "indicators": [{"code": c.lower(), "type": "numeric"}]}
                for c in ("A", "B", "C")
            ],
        }
    )
    s = Structure.from_framework(fw)
    rng = np.random.default_rng(1)
    # very different spreads: with equal weights the widest child dominates the index
    x = np.stack([rng.normal(50, sd, 60) for sd in (1, 5, 25)], axis=1)[:, None, :]
    before = _corr(s, x, s.edges[2])
    assert before.max() - before.min() > 0.3
    res = balance_weights(s, x, height=2)
    after = _corr(s, x, res.weights)
    assert after.max() - after.min() < 0.01
    np.testing.assert_allclose(res.correlations, after / after.sum())
    assert res.codes == ("A", "B", "C")
    assert res.weights[-3] > res.weights[-2] > res.weights[-1]  # narrow children weigh more


def _corr(s: Structure, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    scores = aggregate(s, x, weights=w).scores[0, :, 0, :]
    nodes = [s.index[c] for c in ("A", "B", "C")]
    return np.array([np.corrcoef(scores[:, n], scores[:, s.root])[0, 1] for n in nodes])


def test_balance_with_a_target() -> None:
    fw = load_framework(
        {
            "code": "T",
            "name": "T",
            "children": [
                {"code": c, "indicators": [{"code": c.lower(), "type": "numeric"}]}
                for c in ("A", "B")
            ],
        }
    )
    s = Structure.from_framework(fw)
    rng = np.random.default_rng(2)
    x = rng.normal(50, 10, size=(80, 1, 2))
    res = balance_weights(s, x, height=2, target=np.array([2.0, 1.0]))
    np.testing.assert_allclose(res.correlations, [2 / 3, 1 / 3], atol=1e-3)
    with pytest.raises(ValueError, match="target needs 2 values"):
        balance_weights(s, x, height=2, target=np.array([1.0, 1.0, 1.0]))
