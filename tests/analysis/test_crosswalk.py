"""Crosswalks between methodology versions and back-casting on the shared core."""

from __future__ import annotations

from pathlib import Path

import pytest

import polindex
from polindex.analysis.comparison import compare_results
from polindex.analysis.crosswalk import (
    Crosswalk,
    CrosswalkError,
    Link,
    backcast,
    load_crosswalk,
)

OLD = {
    "code": "MX", "name": "MX", "version": "2019", "levels": ["area"],
    "areas": [
        {"code": "LMM", "indicators": [{"code": "L1", "type": "numeric"},
                                       {"code": "L2", "type": "numeric"}]},
        {"code": "EDU", "indicators": [{"code": "E1", "type": "numeric"},
                                       {"code": "E9", "type": "numeric"}]},
    ],
}  # fmt: skip
NEW = {
    "code": "MX", "name": "MX", "version": "2025", "levels": ["area"],
    "areas": [
        {"code": "LMM", "weight": 2, "indicators": [{"code": "L1", "type": "numeric"},
                                                    {"code": "L2a", "type": "numeric"},
                                                    {"code": "L3", "type": "numeric"}]},
        {"code": "EDU", "indicators": [{"code": "E1", "type": "numeric"}]},
        {"code": "HEA", "indicators": [{"code": "H1", "type": "numeric"}]},
    ],
}  # fmt: skip
OLD_ROWS = {  # 2014 and 2019: L1, L2, E1, E9
    ("AT", 2014): (20, 40, 60, 0), ("AT", 2019): (40, 60, 80, 0),
    ("BE", 2014): (80, 80, 20, 100), ("BE", 2019): (80, 100, 20, 100),
}  # fmt: skip
NEW_ROWS = {  # 2024: L1, L2a, L3, E1, H1
    ("AT", 2024): (50, 70, 0, 90, 100), ("BE", 2024): (80, 100, 100, 30, 0),
}  # fmt: skip
CROSSWALK = """\
from: "2019"
to: "2025"
indicators:
  - {old: L2, new: L2a, note: reworded}
  - {old: E9, note: no longer asked}
  - {new: L3}
"""


def _rows(table: dict[tuple[str, int], tuple[int, ...]], codes: list[str]) -> list[tuple]:
    return [(u, p, c, v) for (u, p), vs in table.items() for c, v in zip(codes, vs, strict=True)]


@pytest.fixture(scope="module")
def old() -> polindex.Results:
    return polindex.score(OLD, _rows(OLD_ROWS, ["L1", "L2", "E1", "E9"]))


@pytest.fixture(scope="module")
def new() -> polindex.Results:
    return polindex.score(NEW, _rows(NEW_ROWS, ["L1", "L2a", "L3", "E1", "H1"]))


def test_the_crosswalk_accounts_for_every_indicator(
    old: polindex.Results, new: polindex.Results
) -> None:
    links = load_crosswalk(CROSSWALK).resolve(old.framework, new.framework)
    assert [(k.old, k.new, k.kind) for k in links] == [
        ("L2", "L2a", "renamed"), ("E9", None, "dropped"), (None, "L3", "added"),
        ("L1", "L1", "same"), ("E1", "E1", "same"), (None, "H1", "added"),
    ]  # fmt: skip
    assert links[0].note == "reworded"


def test_back_cast_on_the_core(old: polindex.Results, new: polindex.Results) -> None:
    bc = backcast(old, new, load_crosswalk(CROSSWALK))
    assert sorted(bc.core) == [("E1", "E1"), ("L1", "L1"), ("L2", "L2a")]
    assert (bc.dropped, sorted(bc.added), bc.left_out) == (["E9"], ["H1", "L3"], ("HEA",))
    # core tree: LMM (weight 2) = mean(L1, L2a); EDU (weight 1) = E1; HEA has no core indicator
    # AT 2014: LMM 30, EDU 60 → (2×30 + 60) / 3 = 40;   2019: LMM 50, EDU 80 → 60
    # BE 2014: LMM 80, EDU 20 → 60;                     2019: LMM 90, EDU 20 → 66.67
    # AT 2024: LMM 60, EDU 90 → 70;                     BE 2024: LMM 90, EDU 30 → 70
    assert bc.old.score(unit="AT", period=2014) == pytest.approx(40)
    assert bc.old.score(unit="AT", period=2019) == pytest.approx(60)
    assert bc.old.score(unit="BE", period=2019) == pytest.approx(200 / 3)
    assert bc.new.score(unit="AT") == pytest.approx(70)
    assert bc.new.score(unit="BE") == 70
    assert bc.new.score(unit="AT", node="LMM") == 60  # L3 (added) left out of the core
    table = bc.table().query("node == 'MX'").set_index(["unit", "period"])
    assert table.loc[("BE", 2014), "score"] == pytest.approx(60)
    assert table["backcast"].to_dict() == {
        ("AT", 2024): False, ("BE", 2024): False, ("AT", 2014): True, ("BE", 2014): True,
        ("AT", 2019): True, ("BE", 2019): True,
    }  # fmt: skip
    assert bc.backcast_periods == (2014, 2019)


def test_compare_the_back_cast_with_the_new_release(
    old: polindex.Results, new: polindex.Results
) -> None:
    bc = backcast(old, new, load_crosswalk(CROSSWALK))
    out = compare_results(bc.old, bc.new)
    at = out.table.set_index("unit").loc["AT"]
    assert (at["score_a"], at["score_b"]) == (pytest.approx(60), pytest.approx(70))
    # AT 2019 → 2024: LMM contributes 2×50/3 → 2×60/3 (+6.67), EDU 80/3 → 90/3 (+3.33)
    assert out.explain("AT") == [("LMM", pytest.approx(20 / 3)), ("EDU", pytest.approx(10 / 3))]


def test_without_a_crosswalk_indicators_match_by_code(
    old: polindex.Results, new: polindex.Results
) -> None:
    bc = backcast(old, new)
    assert sorted(bc.core) == [("E1", "E1"), ("L1", "L1")]
    assert bc.old.score(unit="AT", period=2019) == pytest.approx((2 * 40 + 80) / 3)


def test_a_crosswalk_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "cw.csv"
    path.write_text("old,new,note\nL2,L2a,reworded\nE9,,\n,L3,\n", encoding="utf-8")
    assert load_crosswalk(path).links == (
        Link("L2", "L2a", "reworded"),
        Link("E9", None),
        Link(None, "L3"),
    )


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ({"indicators": [{"old": "L1"}, {}]}, "indicator 2: neither an old nor a new indicator"),
        ({"indicators": "L1"}, "'indicators' must be a list"),
        ({"indicators": [], "by": 1}, "unknown field by (fields: from, to, indicators)"),
        ("indicators: [", "not a crosswalk in YAML or CSV"),
        ("- a\n- b\n", "expected a mapping with 'indicators'"),
        ("old,neu\nL1,L2\n", "the CSV has no column new"),
        (Path("/nonexistent/cw.yaml"), "cannot be read"),
    ],
)
def test_crosswalks_that_cannot_be_read(source: object, problem: str) -> None:
    with pytest.raises(CrosswalkError) as err:
        load_crosswalk(source)  # type: ignore[arg-type]
    assert problem in str(err.value)


def test_crosswalks_that_do_not_fit(old: polindex.Results, new: polindex.Results) -> None:
    cw = Crosswalk(
        (Link("L2", "L2a"), Link("L2", "L3"), Link("Q", "L1"), Link("E1", "ZZ")),
        old_version="2018",
    )
    with pytest.raises(CrosswalkError) as err:
        cw.resolve(old.framework, new.framework)
    assert err.value.problems == [
        "the crosswalk's old methodology is version 2018, the old results' is 2019",
        "row 2: indicator 'L2' of the old methodology is already in row 1",
        "row 3: no indicator 'Q' in the old methodology (MX 2019)",
        "row 4: no indicator 'ZZ' in the new methodology (MX 2025)",
    ]


def test_nothing_shared_cannot_be_back_cast(old: polindex.Results) -> None:
    other = polindex.score(
        {"code": "MX", "name": "MX", "indicators": [{"code": "Z", "type": "numeric"}]},
        [("AT", 2024, "Z", 1)],
    )
    with pytest.raises(CrosswalkError, match="no indicator is shared"):
        backcast(old, other)
