"""The what-if simulator: new scores, ranks, bands and changes beside the official figures,
checked by hand on TINY (see conftest.py); a build rebuilt whole with its rank interval
recomputed; and the errors for unknown units, periods and values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import ROBUST_FRAMEWORK, ROBUST_ROWS

import polindex
from polindex.analysis.answers import ChangeError
from polindex.analysis.whatif import Simulator


def test_answers_read_back_as_given(tiny_sim: Simulator) -> None:
    texts = {c: a.text for c, a in tiny_sim.answers("Y").items()}
    assert texts == {"q1": "a", "q2": "false", "q3": "6", "q4": "n/a"}
    assert tiny_sim.answers("X")["q3"].score == 50.0


def test_one_changed_answer_moves_score_rank_and_band(tiny_sim: Simulator) -> None:
    out = tiny_sim.simulate("X", {"q4": "1"})
    index = out.row()
    # B = (50 + 100) / 2 = 75; TINY = (75 + 2 · 75) / 3 = 75, above Y's 66.667
    assert index["node"] == "TINY"
    assert index["score"] == pytest.approx(125 / 3)
    assert index["new_score"] == pytest.approx(75.0)
    assert (index["rank"], index["new_rank"], index["rank_difference"]) == (3, 1, 2)
    assert (index["band"], index["new_band"]) == ("halfway_favourable", "slightly_favourable")
    b = out.row("B")
    assert (b["score"], b["new_score"], b["rank"], b["new_rank"]) == (25.0, 75.0, 3, 1)
    a = out.row("A")
    assert a["new_score"] == a["score"] == 75.0
    assert a["score_difference"] == 0.0
    assert list(out.nodes["node"]) == ["TINY", "A", "q1", "q2", "B", "q3", "q4"]
    assert out.query() == {"q4": "1"}
    assert [(b.text, a.text) for b, a in out.changes] == [("2", "1")]


def test_consequences_of_a_rule_are_applied_and_told(tiny_sim: Simulator) -> None:
    out = tiny_sim.simulate("X", {"q2": False})
    # q4 drops out: A = (50 + 0) / 2 = 25, B = q3 alone = 50, TINY = (25 + 100) / 3
    assert out.row("A")["new_score"] == 25.0
    assert out.row("B")["new_score"] == 50.0
    assert out.row()["new_score"] == pytest.approx(125 / 3)
    q4 = out.row("q4")
    assert math.isnan(q4["new_score"])
    assert q4["new_rank"] is None
    assert out.notes == ("q4 no longer applies (q2 is 'false'): its answer '2' is left out",)
    assert out.query() == {"q2": "false"}  # the link carries the change, not its consequence
    assert [a.indicator for _, a in out.changes] == ["q2", "q4"]


def test_other_units_keep_their_official_scores(tiny_sim: Simulator) -> None:
    # Y switched q2 on: A = 100; q4 applies without an answer, so B stays q3's 75
    out = tiny_sim.simulate("Y", {"q2": "yes"})
    assert out.row()["new_score"] == pytest.approx(250 / 3)
    assert out.row("A")["new_rank"] == 1
    assert out.row("A")["rank"] == 2
    assert out.notes == ("q4 applies again (q2 is 'true') and has no answer: give one to count it",)
    # an unchanged what-if reproduces the official figures exactly
    same = tiny_sim.simulate("Z", {})
    np.testing.assert_array_equal(same.nodes["new_score"], same.nodes["score"])
    assert (same.nodes["new_rank"] == same.nodes["rank"]).all()


def test_changes_from_the_previous_period() -> None:
    fw = polindex.load_framework(
        {"code": "T", "name": "T", "indicators": [{"code": "q", "type": "numeric"}]}
    )
    sim = polindex.simulator(fw, [("A", 2023, "q", 40), ("A", 2024, "q", 50), ("B", 2024, "q", 60)])
    out = sim.simulate("A", {"q": 70})
    assert (out.row()["change"], out.row()["new_change"]) == (10.0, 30.0)
    assert sim.simulate("A", {"q": 20}, period=2023).row()["new_score"] == 20.0


@pytest.mark.parametrize(
    ("unit", "changes", "period", "message"),
    [
        ("W", {}, None, "unit 'W' is not in the data of TINY (units: X, Y, Z)"),
        ("X", {}, 2030, "period 2030 is not in the data (periods: 2024)"),
        ("X", {"q1": "z"}, None, "X, 2024: 'z' is not an answer option of q1 (options: a, b, c)"),
        ("Y", {"q4": "1"}, None, "Y, 2024: q4 = '1': q4 does not apply where q2 is 'false'; "
         "change q2 too, or leave q4 out"),
    ],
)  # fmt: skip
def test_bad_changes_raise_one_clear_error(
    tiny_sim: Simulator, unit: str, changes: dict[str, object], period: int | None, message: str
) -> None:
    with pytest.raises(ChangeError) as exc:
        tiny_sim.simulate(unit, changes, period)
    assert exc.value.messages() == [message]
    assert isinstance(exc.value, polindex.PolindexError)


def test_mipex_style_what_if_moves_one_dimension(mipex_sim: Simulator) -> None:
    unit = "U07"
    before = mipex_sim.answers(unit)
    worst = next(c for c, a in before.items() if a.text == "c")
    out = mipex_sim.simulate(unit, {worst: "a"})
    dim = out.nodes.loc[out.nodes["node"] == worst, "parent"].iloc[0]
    area = out.nodes.loc[out.nodes["node"] == dim, "parent"].iloc[0]
    n_dim = int((out.nodes["parent"] == dim).sum())
    n_area = int((out.nodes["parent"] == area).sum())
    n_root = int((out.nodes["parent"] == "MIPEXDEMO").sum())
    # 0 → 100 on one question: its dimension gains 100 / (answered questions there), and so on up
    answered = sum(1 for c in mipex_sim.structure.children_of(dim) if before[c].answered)
    assert out.row(dim)["score_difference"] == pytest.approx(100 / answered)
    assert out.row(area)["score_difference"] == pytest.approx(100 / answered / n_area)
    assert out.row()["score_difference"] == pytest.approx(100 / answered / n_area / n_root)
    assert n_dim >= answered
    changed = out.nodes[out.nodes["score_difference"].abs() > 1e-12]["node"].tolist()
    assert changed == ["MIPEXDEMO", area, dim, worst]


@pytest.fixture
def robust_sim(robust_files: tuple[Path, Path]) -> Simulator:
    return polindex.simulator(*robust_files)


def test_a_build_is_rebuilt_whole_with_its_rank_interval(robust_sim: Simulator) -> None:
    assert robust_sim.mode == "built"
    out = robust_sim.simulate("AT", {"a1": 90})
    # minmax 1–100 over the units: a1 = 90 becomes the best (100), NL's 80 is no longer
    assert out.row("a1")["new_score"] == 100.0
    assert out.row("a1")["score"] == 1.0
    # A = (100 + 50.5) / 2; B unchanged; the index is the mean of the two
    assert out.row("A")["new_score"] == pytest.approx(75.25)
    assert out.row()["new_score"] == pytest.approx((75.25 + out.row("B")["score"]) / 2)
    assert out.interval_node == "T"
    assert out.interval == (4.0, 5.0)
    assert out.new_interval is not None
    assert out.new_interval[1] <= out.interval[1]
    assert robust_sim.simulate("AT", {"a1": 90}, intervals=False).new_interval is None


def test_a_built_numeric_change_is_checked_against_its_bounds(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(
        ROBUST_FRAMEWORK.replace("{code: a1, type: numeric}", "{code: a1, type: numeric, "
                                 "bounds: [0, 100]}"),
        encoding="utf-8",
    )  # fmt: skip
    lines = ["unit,period,a1,a2,b1,b2"] + [
        f"{u},2024,{a},{b},{c},{d}" for u, a, b, c, d in ROBUST_ROWS
    ]
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sim = polindex.simulator(tmp_path / "fw.yaml", tmp_path / "data.csv")
    with pytest.raises(ChangeError, match="150 is outside the bounds of a1"):
        sim.simulate("AT", {"a1": 150})
