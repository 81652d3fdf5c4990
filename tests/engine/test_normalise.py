"""Every normalisation method against values worked out by hand (COINr's formulas)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from polindex.engine.normalise import NORMALISERS, NormalisationError, normalise
from polindex.framework.vocabulary import NORMALISATION_PARAMS

NAN = np.nan
X = np.array([[2.0, 4.0, 10.0, NAN]])  # min 2, max 10, mean 16/3


def norm(method: str, x: np.ndarray = X, **kw: object) -> list[float]:
    return normalise(x, method, **kw)[0].tolist()  # type: ignore[arg-type]


def close(got: list[float], want: list[float]) -> None:
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_minmax() -> None:
    close(norm("minmax"), [0.0, 25.0, 100.0, NAN])
    close(norm("minmax", low=1, high=11), [1.0, 3.5, 11.0, NAN])


def test_minmax_direction_reverses() -> None:
    close(norm("minmax", direction=-1), [100.0, 75.0, 0.0, NAN])


def test_zscore_uses_the_sample_sd() -> None:
    # deviations -10/3, -4/3, 14/3; sd = sqrt((100 + 16 + 196) / 9 / 2) = sqrt(52/3)
    sd = np.sqrt(52 / 3)
    close(norm("zscore"), [(-10 / 3) / sd, (-4 / 3) / sd, (14 / 3) / sd, NAN])
    close(
        norm("zscore", mean=100, sd=10),
        [100 + 10 * (-10 / 3) / sd, 100 + 10 * (-4 / 3) / sd, 100 + 10 * (14 / 3) / sd, NAN],
    )


def test_scaled() -> None:
    close(norm("scaled", low=0, high=20), [10.0, 20.0, 50.0, NAN])
    close(norm("scaled", low=0, high=20, scale=1), [0.1, 0.2, 0.5, NAN])


def test_goalposts_truncate_and_scale() -> None:
    close(norm("goalposts", low=3, high=8), [0.0, 0.2, 1.0, NAN])
    close(norm("goalposts", low=3, high=8, truncate=False), [-0.2, 0.2, 1.4, NAN])
    close(norm("goalposts", low=3, high=8, scale=100), [0.0, 20.0, 100.0, NAN])


def test_goalposts_after_direction_take_negated_posts() -> None:
    # lower is better, 3 best and 8 worst: values −2, −4, −10 between posts −8 and −3
    close(norm("goalposts", low=-8, high=-3, direction=-1), [1.0, 0.8, 0.0, NAN])


def test_dist2max() -> None:
    close(norm("dist2max"), [0.0, 0.25, 1.0, NAN])


def test_dist2ref_with_and_without_cap() -> None:
    # reference = column 1 (value 4): 1 − (4 − x) / (4 − 2)
    close(norm("dist2ref", reference=1), [0.0, 1.0, 4.0, NAN])
    close(norm("dist2ref", reference=1, cap=True), [0.0, 1.0, 1.0, NAN])


def test_dist2targ() -> None:
    close(norm("dist2targ", target=6), [0.0, 0.5, 2.0, NAN])
    close(norm("dist2targ", target=6, cap=True), [0.0, 0.5, 1.0, NAN])
    # direction −1: values −2, −4, −10 (min −10), target −6: (x + 10) / 4
    close(norm("dist2targ", target=-6, direction=-1), [2.0, 1.5, 0.0, NAN])


def test_fracmax() -> None:
    close(norm("fracmax"), [0.2, 0.4, 1.0, NAN])


def test_ranks_with_ties_min_and_missing_kept() -> None:
    x = np.array([[5.0, 1.0, 5.0, NAN, 3.0]])
    close(norm("rank", x), [3.0, 1.0, 3.0, NAN, 2.0])
    close(norm("borda", x), [2.0, 0.0, 2.0, NAN, 1.0])
    close(norm("prank", x), [2 / 3, 0.0, 2 / 3, NAN, 1 / 3])


def test_rank_direction() -> None:
    close(norm("rank", np.array([[5.0, 1.0, 3.0]]), direction=-1), [1.0, 3.0, 2.0])


def test_per_row_parameters_and_directions() -> None:
    x = np.array([[0.0, 10.0], [0.0, 10.0]])
    out = normalise(
        x, "minmax", low=np.array([0, 1]), high=np.array([1, 100]), direction=np.array([1, -1])
    )
    assert out.tolist() == [[0.0, 1.0], [100.0, 1.0]]


def test_input_not_modified() -> None:
    x = X.copy()
    normalise(x, "minmax", direction=-1)
    np.testing.assert_array_equal(x, X)


@pytest.mark.parametrize(
    ("method", "x", "kw", "reason"),
    [
        ("minmax", [[3.0, 3.0]], {}, "every value is the same (range 0)"),
        ("dist2max", [[3.0, 3.0]], {}, "every value is the same (range 0)"),
        ("zscore", [[3.0, 3.0]], {}, "the standard deviation is 0 (or fewer than two values)"),
        ("fracmax", [[0.0, -1.0]], {}, "the maximum is 0"),
        ("prank", [[1.0, NAN]], {}, "fewer than two values"),
        ("dist2ref", [[1.0, 2.0]], {"reference": 0}, "the reference unit has the lowest value"),
        ("dist2ref", [[NAN, 2.0]], {"reference": 0}, "the reference unit's value is missing"),
        ("dist2targ", [[1.0, 2.0]], {"target": 1}, "the target equals the minimum"),
    ],
)
def test_degenerate_rows_are_errors_naming_the_row(
    method: str, x: list[list[float]], kw: dict[str, object], reason: str
) -> None:
    rows = np.array([[9.0, 5.0], *x])  # the faulty row is row 1
    with pytest.raises(NormalisationError) as info:
        normalise(rows, method, **kw)  # type: ignore[arg-type]
    assert (info.value.rows, info.value.reason) == ([1], reason)


def test_unknown_method_and_parameter() -> None:
    with pytest.raises(ValueError, match="unknown normalisation method 'minimax'; one of: minmax"):
        normalise(X, "minimax")
    with pytest.raises(ValueError, match="unknown parameter 'target' of rank; it takes: none"):
        normalise(X, "rank", target=3)


def test_every_method_of_the_vocabulary_is_implemented_with_its_parameters() -> None:
    assert tuple(NORMALISERS) == tuple(NORMALISATION_PARAMS)
    for name, fn in NORMALISERS.items():
        params = tuple(inspect.signature(fn).parameters)
        assert params == ("x", *NORMALISATION_PARAMS[name]), name
    assert NORMALISATION_PARAMS["goalposts"] == ("low", "high", "scale", "truncate")
