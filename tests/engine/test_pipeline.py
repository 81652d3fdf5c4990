"""The pipeline runner: steps in order, overrides, stages, log, and errors named in domain terms."""

from __future__ import annotations

import numpy as np
import pytest

from polindex.engine.dataset import Dataset, Variables
from polindex.engine.pipeline import BuildError, indicator_settings, run_pipeline
from polindex.framework import load_framework
from polindex.framework.pipeline import Pipeline

NAN = np.nan
FW = load_framework(
    {
        "code": "T",
        "name": "T",
        "levels": ["area"],
        "areas": [
            {
                "code": "A",
                "indicators": [
                    {"code": "q1", "type": "numeric"},
                    {"code": "q2", "type": "numeric"},
                ],
            },
            {"code": "B", "indicators": [{"code": "q3", "type": "numeric", "direction": -1}]},
        ],
    }
)
FW_NODE_A = 3  # nodes: q1, q2, q3, A, B, T
UNITS = ["U1", "U2", "U3", "U4"]
# (unit, period, indicator)
X = np.array([[1.0, 10.0, 5.0], [2.0, 20.0, 0.0], [3.0, 30.0, 10.0], [NAN, 40.0, 5.0]])[:, None, :]
VARS = Variables(
    numbers={"pop": np.array([[1.0], [2.0], [4.0], [5.0]])},
    labels={"region": np.array([["n"], ["n"], ["s"], ["s"]], dtype=object)},
)
VARIABLES = [{"code": "pop", "role": "denominator"}, {"code": "region", "role": "group"}]


def build(steps: list[dict[str, object]], x: np.ndarray = X, **kw: object):  # type: ignore[no-untyped-def]
    units = UNITS[: len(x)] if len(x) <= len(UNITS) else [f"U{k + 1}" for k in range(len(x))]
    ds = Dataset.from_arrays(units, [2024], ["q1", "q2", "q3"], x)
    pipe = Pipeline.model_validate({"variables": VARIABLES, "steps": steps})
    variables = VARS if len(x) == len(UNITS) else None
    return run_pipeline(FW, ds, pipe, variables, **kw)  # type: ignore[arg-type]


def stage(res, name: str) -> list[list[float]]:  # type: ignore[no-untyped-def]
    return res.stages[name].values[:, 0, :].tolist()


def test_every_step_in_order_with_stages_and_log() -> None:
    res = build(
        [
            {"step": "denominate", "by": {"q2": "pop"}},
            {"step": "impute", "method": "mean_group", "group": "region"},
            {"step": "screen", "min_nonzero": 0.9},
            {"step": "normalise", "method": "minmax", "params": {"low": 0, "high": 100}},
            {"step": "aggregate"},
        ]
    )
    assert list(res.stages) == [
        "raw",
        "denominated",
        "imputed",
        "screened",
        "normalised",
        "scored",
        "aggregated",
    ]
    # q2 / pop: 10/1, 20/2, 30/4, 40/5
    assert [r[1] for r in stage(res, "denominated")] == [10.0, 10.0, 7.5, 8.0]
    # U4's q1 is the mean of its region's (s) other values: U3 = 3
    assert stage(res, "imputed")[3][0] == 3.0
    assert res.log.impute.cells == [("U4", 2024, "q1")]
    # U2 has a zero in q3: non-zero share 2/3 < 0.9
    assert res.log.screen.removed == ["U2"]
    assert res.log.screen.reason[1] == "non-zero share 0.6667 < 0.9"
    assert res.units == ("U1", "U3", "U4")
    assert res.stages["screened"].units == ("U1", "U3", "U4")
    # minmax over the kept units; q3 has direction -1 (5, 10, 5 → 100, 0, 100)
    assert stage(res, "normalised") == [
        [0.0, 100.0, 100.0],
        [100.0, 0.0, 0.0],
        [100.0, 20.0, 100.0],
    ]
    # A = mean(q1, q2), B = q3, T = mean(A, B)
    assert res.score("A", unit="U1") == 50.0
    assert res.score(unit="U1") == 75.0
    assert res.score(unit="U4") == pytest.approx((60.0 + 100.0) / 2)
    assert res.spec["pipeline"]["steps"][0] == {
        "step": "denominate",
        "by": {"q2": "pop"},
        "scale": 1.0,
        "overrides": {},
    }


def test_overrides_by_group_and_indicator() -> None:
    res = build(
        [
            {
                "step": "normalise",
                "method": "minmax",
                "params": {"low": 0, "high": 10},
                "overrides": {"A": {"params": {"high": 1}}, "q2": {"method": "rank"}},
            },
        ],
        x=X[:3],
    )
    assert stage(res, "normalised") == [[0.0, 1.0, 5.0], [0.5, 2.0, 10.0], [1.0, 3.0, 0.0]]


def test_indicator_settings_nearest_override_wins() -> None:
    settings = indicator_settings(
        FW, {"method": "mean"}, {"T": {"method": "median"}, "B": {"method": "locf"}}
    )
    assert [s["method"] for s in settings] == ["median", "median", "locf"]


def test_treat_skips_and_logs() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 10, size=(30, 1, 3))
    x[0, 0, 0] = 500.0  # an outlier in q1
    x[0, 0, 1] = 500.0  # and in q2, which is told to skip treatment
    res = build(
        [{"step": "treat", "winmax": 5, "overrides": {"q2": {"skip": True}}}],
        x=x,
    )
    (entry,) = res.log.treat
    assert entry.indicator == "q1"
    assert entry.status == "winsorised"
    assert entry.units == ("U1",)
    assert entry.n_winsorised == 1
    treated = res.stages["treated"].values[:, 0, :]
    assert treated[0, 0] == np.sort(x[:, 0, 0])[-2]  # the next value inward
    assert treated[0, 1] == 500.0


def test_panel_normalised_globally_or_per_period() -> None:
    x = np.array([[[0.0], [10.0]], [[10.0], [20.0]]])  # 2 units × 2 periods × 1 indicator
    fw = load_framework(
        {"code": "T", "name": "T", "indicators": [{"code": "q", "type": "numeric"}]}
    )
    ds = Dataset.from_arrays(["A", "B"], [2023, 2024], ["q"], x)
    whole = run_pipeline(fw, ds, Pipeline.model_validate({"steps": [{"step": "normalise"}]}))
    assert whole.stages["normalised"].values[:, :, 0].tolist() == [[0.0, 50.0], [50.0, 100.0]]
    each = run_pipeline(
        fw, ds, Pipeline.model_validate({"steps": [{"step": "normalise", "by_period": True}]})
    )
    assert each.stages["normalised"].values[:, :, 0].tolist() == [[0.0, 0.0], [100.0, 100.0]]


def test_not_applicable_cells_are_never_imputed() -> None:
    na = np.zeros(X.shape, dtype=bool)
    na[3, 0, 0] = True
    ds = Dataset.from_arrays(UNITS, [2024], ["q1", "q2", "q3"], X, na)
    res = run_pipeline(FW, ds, Pipeline.model_validate({"steps": [{"step": "impute"}]}))
    assert np.isnan(res.stages["imputed"].values[3, 0, 0])
    assert res.log.impute.imputed == 0


def test_explicit_weights_step() -> None:
    res = build(
        [
            {"step": "normalise", "method": "minmax"},
            {"step": "weights", "method": "explicit", "values": {"A": 3, "q2": 0}},
        ],
        x=X[:3],
    )
    # A = q1 only (q2 weighs 0); T = (3·A + B) / 4
    assert res.score("A", unit="U2") == 50.0
    assert res.score(unit="U2") == (3 * 50.0 + 100.0) / 4
    assert res.weights_used.source == "explicit"
    assert res.weights_used.given["A"] == 3.0
    # effective weights: A 3/4 → q1 3/4 (q2 0), B 1/4 → q3 1/4
    eff = res.weights_used.effective
    assert (eff["q1"], eff["q2"], eff["q3"], eff["T"]) == (0.75, 0.0, 0.25, 1.0)


def test_zero_denominator_is_named() -> None:
    vars0 = Variables(numbers={"pop": np.array([[1.0], [0.0], [4.0], [5.0]])}, labels=VARS.labels)
    ds = Dataset.from_arrays(UNITS, [2024], ["q1", "q2", "q3"], X)
    pipe = Pipeline.model_validate(
        {"variables": VARIABLES, "steps": [{"step": "denominate", "by": {"q2": "pop"}}]}
    )
    with pytest.raises(BuildError) as info:
        run_pipeline(FW, ds, pipe, vars0)
    assert info.value.problems == ["denominate: q2 of unit 'U2', period 2024: denominator pop is 0"]


def test_constant_indicator_cannot_be_minmaxed() -> None:
    x = X.copy()
    x[:, 0, 1] = 7.0
    with pytest.raises(BuildError) as info:
        build([{"step": "normalise"}], x=x)
    assert info.value.problems == ["normalise (minmax): q2: every value is the same (range 0)"]


def test_geometric_mean_of_a_zero_names_unit_node_values_and_fix() -> None:
    with pytest.raises(BuildError) as info:
        build(
            [
                {"step": "normalise", "method": "minmax"},
                {"step": "aggregate", "levels": {"area": {"method": "geometric"}}},
            ],
            x=X[:3],
        )
    text = "\n".join(info.value.problems)
    assert "A (geometric) of U1, 2024: needs positive values; children q1=0, q2=0" in text
    assert "B (geometric) of U3, 2024: needs positive values; children q3=0" in text
    assert "minmax 1–100" in text


def test_geometric_mean_with_a_positive_range_works() -> None:
    res = build(
        [
            {"step": "normalise", "method": "minmax", "params": {"low": 1, "high": 100}},
            {"step": "aggregate", "levels": {"area": {"method": "geometric"}}},
        ],
        x=X[:3],
    )
    # U2: q1 = 50.5, q2 = 50.5 → A = 50.5; q3 (0 is best) → 100; T = mean(50.5, 100)
    assert res.score("A", unit="U2") == pytest.approx(50.5)
    assert res.score(unit="U2") == pytest.approx(75.25)


def test_aggregate_step_ties_exact_ranks_float_noise_apart() -> None:
    # A = (q1 + q2) / 2: U1 0.1 + 0.2 → 0.15000000000000002, U2 0.15 + 0.15 → 0.15 exactly
    x = np.array([[0.1, 0.2, 0.5], [0.15, 0.15, 0.5], [0.0, 0.0, 0.5]])[:, None, :]
    rounded = build([{"step": "aggregate"}], x)
    exact = build([{"step": "aggregate", "ties": "exact"}], x)
    assert (rounded.ties, exact.ties) == ("rounded", "exact")
    assert [rounded.rank("A", unit=u) for u in UNITS[:3]] == [1.0, 1.0, 3.0]
    assert [exact.rank("A", unit=u) for u in UNITS[:3]] == [1.0, 2.0, 3.0]
    assert exact.ranks[0, :, 0, FW_NODE_A].tolist() == [1.0, 2.0, 3.0]
    # the index: (A + B) / 2 is 0.325 for both, as doubles too, so they tie either way
    assert [exact.rank(unit=u) for u in UNITS[:3]] == [1.0, 1.0, 3.0]
    assert exact.spec["pipeline"]["steps"][0]["ties"] == "exact"


def test_screening_everyone_out_is_an_error() -> None:
    with pytest.raises(BuildError, match="every unit would be removed"):
        build([{"step": "screen", "min_availability": 1.0, "exclude": ["U1", "U2", "U3"]}])
