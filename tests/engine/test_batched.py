"""Batched aggregation (matrix products) equals the general aggregation, variant by variant."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.engine.aggregate import AggregationError, aggregate
from polindex.engine.batched import batched_aggregate, supports
from polindex.engine.structure import Method, Structure
from polindex.framework import load_framework

FW = load_framework(
    {
        "code": "T",
        "name": "T",
        "levels": ["area", "dimension"],
        "min_coverage": 0.5,
        "areas": [
            {
                "code": "A",
                "dimensions": [
                    {
                        "code": "A1",
                        "indicators": [{"code": f"a1{i}", "type": "numeric"} for i in range(3)],
                    },
                    {
                        "code": "A2",
                        "indicators": [{"code": f"a2{i}", "type": "numeric"} for i in range(2)],
                    },
                ],
            },
            {
                "code": "B",
                "indicators": [
                    {"code": "b0", "type": "numeric"}
                ],  # unbalanced: an indicator under an area
                "dimensions": [
                    {
                        "code": "B1",
                        "min_coverage": 0.6,
                        "indicators": [{"code": f"b1{i}", "type": "numeric"} for i in range(4)],
                    },
                ],
            },
        ],
    }
)
S = Structure.from_framework(FW)
METHODS = {
    "arithmetic": Method.of("arithmetic"),
    "geometric": Method.of("geometric"),
    "harmonic": Method.of("harmonic"),
    "power": Method.of("generalised", p=2.5),
}


def data(seed: int, n_units: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 100, size=(n_units, S.n_indicators))
    x[rng.random(x.shape) < 0.2] = np.nan
    na = rng.random(x.shape) < 0.05
    w = rng.uniform(0.2, 2.0, size=(5, len(S.edges[0])))
    w[0] = S.edges[2]
    w[1, 3] = 0.0  # an excluded child
    return x, na, w


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("method", sorted(METHODS))
def test_equals_general_aggregation(seed: int, method: str) -> None:
    s = S.with_methods({"A": METHODS[method], "B1": METHODS[method], "T": METHODS[method]})
    x, na, w = data(seed)
    got = batched_aggregate(s, x, na, w, list(range(S.n_nodes)))
    for b in range(len(w)):
        ref = aggregate(s, x[:, None, :], na[:, None, :], w[b]).scores[0, :, 0, :]  # (unit, node)
        np.testing.assert_allclose(got[b].T, ref, rtol=1e-12, atol=1e-12, equal_nan=True)


def test_configurations_pick_their_data() -> None:
    x1, na1, w = data(10)
    x2, na2, _ = data(11)
    config = np.array([0, 1, 1, 0, 1])
    got = batched_aggregate(S, np.stack([x1, x2]), np.stack([na1, na2]), w, [S.root], config)
    for b, c in enumerate(config):
        x, na = (x1, na1) if c == 0 else (x2, na2)
        ref = aggregate(S, x[:, None, :], na[:, None, :], w[b]).scores[0, :, 0, S.root]
        np.testing.assert_allclose(got[b, 0], ref, rtol=1e-12, equal_nan=True)


def test_invalid_values_are_reported() -> None:
    s = S.with_methods({"A1": Method.of("geometric")})
    x, na, w = data(1)
    x[2, 0] = 0.0
    na[2, 0] = False
    with pytest.raises(AggregationError, match="A1 \\(geometric\\)"):
        batched_aggregate(s, x, na, w, [S.root])


def test_supports_only_power_means() -> None:
    assert supports(S)
    assert not supports(S.with_methods({"A": Method.of("median")}))
    with pytest.raises(ValueError, match="cannot be batched"):
        batched_aggregate(
            S.with_methods({"A": Method.of("copeland")}), *data(0)[:2], data(0)[2], [0]
        )
