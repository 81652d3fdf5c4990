"""Aggregation methods beyond the arithmetic mean, each by hand, and their errors."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.engine.aggregate import AGGREGATORS, AggregationError, aggregate
from polindex.engine.structure import Method, Structure
from polindex.framework import load_framework
from polindex.framework.vocabulary import AGGREGATION_PARAMS

NAN = np.nan
FW = load_framework(
    {
        "code": "T",
        "name": "T",
        "children": [
            {
                "code": "A",
                "indicators": [
                    {"code": "a1", "type": "numeric", "weight": 3},
                    {"code": "a2", "type": "numeric"},
                    {"code": "a3", "type": "numeric"},
                ],
            },
            {"code": "B", "indicators": [{"code": "b1", "type": "numeric"}]},
        ],
    }
)
BASE = Structure.from_framework(FW)


def score(method: Method, x: list[list[float]], node: str = "A") -> list[float]:
    s = BASE.with_methods({"A": method})
    values = np.array(x, dtype=float)[:, None, :]  # units × 1 period × 4 indicators
    return aggregate(s, values).scores[0, :, 0, s.index[node]].tolist()


def test_every_method_of_the_vocabulary_is_implemented_with_its_parameters() -> None:
    assert tuple(AGGREGATORS) == tuple(AGGREGATION_PARAMS)
    x = [[2, 4, 8, 5], [1, 1, 1, 5]]
    # weights a1 3, a2 1, a3 1: each method's A of unit 1, by hand
    want = {
        "arithmetic": (3 * 2 + 4 + 8) / 5,
        "geometric": (2**3 * 4 * 8) ** (1 / 5),
        "harmonic": 5 / (3 / 2 + 1 / 4 + 1 / 8),
        "generalised": ((3 * 2**2 + 4**2 + 8**2) / 5) ** (1 / 2),  # p = 2
        "median": 2.0,  # weighted median: a1 holds 3 of 5
        "copeland": 1.0,  # +1 per unit it outranks: unit 2, on a1, a2 and a3 (all the weight)
    }
    assert list(want) == list(AGGREGATION_PARAMS)
    for name, value in want.items():
        params = dict.fromkeys(AGGREGATION_PARAMS[name], 2)
        assert score(Method.of(name, **params), x)[0] == pytest.approx(value), name


def test_geometric() -> None:
    # (1^3 · 10 · 100)^(1/5) = 1000^(1/5)
    assert score(Method.of("geometric"), [[1, 10, 100, 5]]) == pytest.approx([1000 ** (1 / 5)])
    # a missing child is dropped: (1^3 · 100)^(1/4)
    assert score(Method.of("geometric"), [[1, NAN, 100, 5]]) == pytest.approx([100 ** (1 / 4)])


def test_harmonic() -> None:
    # 5 / (3/1 + 1/10 + 1/100)
    assert score(Method.of("harmonic"), [[1, 10, 100, 5]]) == pytest.approx([5 / 3.11])


@pytest.mark.parametrize("p", [-2.0, 0.5, 3.0])
def test_generalised_mean(p: float) -> None:
    want = ((3 * 2**p + 4**p + 8**p) / 5) ** (1 / p)
    assert score(Method.of("generalised", p=p), [[2, 4, 8, 5]]) == pytest.approx([want])


def test_generalised_mean_special_cases() -> None:
    x = [[2, 4, 8, 5]]
    assert score(Method.of("generalised", p=1), x) == pytest.approx(
        score(Method.of("arithmetic"), x)
    )
    assert score(Method.of("generalised", p=-1), x) == pytest.approx(
        score(Method.of("harmonic"), x)
    )
    assert score(Method.of("generalised", p=0), x) == pytest.approx(
        score(Method.of("geometric"), x)
    )
    assert score(Method.of("generalised", p=1e-9), x) == pytest.approx(
        score(Method.of("geometric"), x), rel=1e-7
    )


def test_generalised_mean_drops_missing_children_unlike_coinr() -> None:
    # COINr returns NA here; the consistent answer renormalises over a1 and a3
    got = score(Method.of("generalised", p=2), [[2, NAN, 8, 5]])
    assert got == pytest.approx([((3 * 4 + 64) / 4) ** 0.5])


def test_weighted_median() -> None:
    # values 2 (w3), 4 (w1), 8 (w1): cumulative 3 of 5 ≥ half at 2
    assert score(Method.of("median"), [[2, 4, 8, 5]]) == [2.0]
    # equal weights and an even count: the mean of the two middle values
    s = BASE.with_methods({"T": Method.of("median")})
    values = np.array([[[1.0, 1.0, 1.0, 9.0]]])  # A = 1 (arithmetic), B = 9 → median 5
    assert aggregate(s, values).scores[0, 0, 0, s.root] == 5.0


def test_copeland_across_units() -> None:
    # three units; A's children: unit 0 beats unit 1 on a1 (weight 3/5) but loses on a2, a3
    x = [[3, 1, 1, 0], [2, 2, 2, 0], [1, 3, 3, 0]]
    # O[0,1] = 3/5 > 0.5 → +1; O[0,2] = 3/5 → +1; O[1,2] = 3/5 → +1
    assert score(Method.of("copeland"), x) == [2.0, 0.0, -2.0]


def test_copeland_ties_count_half() -> None:
    x = [[1, 1, 1, 0], [1, 1, 1, 0]]
    assert score(Method.of("copeland"), x) == [0.0, 0.0]


def test_mixed_methods_in_one_height() -> None:
    s = BASE.with_methods({"A": Method.of("geometric"), "B": Method.of("median")})
    values = np.array([[[1.0, 10.0, 100.0, 7.0]]])
    got = aggregate(s, values).scores[0, 0, 0]
    assert got[s.index["A"]] == pytest.approx(1000 ** (1 / 5))
    assert got[s.index["B"]] == 7.0


def test_batch_of_weights_with_geometric() -> None:
    s = BASE.with_methods({"A": Method.of("geometric")})
    w = np.tile(s.edges[2], (2, 1))
    w[1, 0] = 1.0  # a1's weight 3 → 1 in the second variant
    values = np.array([[[1.0, 10.0, 100.0, 7.0]]])
    got = aggregate(s, values, weights=w).scores[:, 0, 0, s.index["A"]]
    assert got.tolist() == pytest.approx([1000 ** (1 / 5), 10.0])


def test_geometric_mean_of_zero_or_negative_is_an_error_listing_every_case() -> None:
    s = BASE.with_methods({"A": Method.of("geometric")})
    values = np.array([[[0.0, 1.0, 2.0, 1.0]], [[1.0, 1.0, 1.0, 1.0]], [[1.0, -3.0, 2.0, 1.0]]])
    with pytest.raises(AggregationError) as info:
        aggregate(s, values)
    err = info.value
    assert [(o.node, o.unit, o.period, o.values) for o in err.offences] == [
        ("A", 0, 0, (0.0, 1.0, 2.0)),
        ("A", 2, 0, (1.0, -3.0, 2.0)),
    ]
    text = err.describe(("X", "Y", "Z"), (2024,))
    assert "A (geometric) of X, 2024: needs positive values; children a1=0, a2=1, a3=2" in text
    assert "Fix (geometric): normalise onto a strictly positive range" in text


def test_harmonic_mean_of_zero_and_fractional_power_of_negative() -> None:
    values = np.array([[[0.0, 1.0, 2.0, 1.0]]])
    with pytest.raises(AggregationError, match="needs non-zero values"):
        aggregate(BASE.with_methods({"A": Method.of("harmonic")}), values)
    with pytest.raises(AggregationError, match="generalised"):
        aggregate(BASE.with_methods({"A": Method.of("generalised", p=-1)}), values)
    neg = np.array([[[-1.0, 1.0, 2.0, 1.0]]])
    with pytest.raises(AggregationError):
        aggregate(BASE.with_methods({"A": Method.of("generalised", p=0.5)}), neg)
    # an integer power of a negative value is fine
    aggregate(BASE.with_methods({"A": Method.of("generalised", p=3)}), neg)


def test_missing_child_is_not_an_offence() -> None:
    values = np.array([[[NAN, 1.0, 2.0, 1.0]]])
    got = aggregate(BASE.with_methods({"A": Method.of("geometric")}), values)
    assert got.scores[0, 0, 0, BASE.index["A"]] == pytest.approx(2**0.5)


def test_with_methods_rejects_indicators_and_unknown_codes() -> None:
    with pytest.raises(KeyError, match="a1"):
        BASE.with_methods({"a1": Method.of("median")})
    with pytest.raises(KeyError, match="ZZ"):
        BASE.with_methods({"ZZ": Method.of("median")})
