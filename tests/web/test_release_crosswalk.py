"""A release's crosswalk to its predecessor (decision 061): checked when the release is made
(every problem with its row, nothing published), frozen under the checksum, and used by the
comparison of the two releases, labelled as a back-cast. Hand-checked figures:

Release 1 of TWO (methodology 1.0, 2024): XX a1 b1 yes, c1 d1 no; YY a1 no, b1 c1 d1 yes;
ZZ d1 yes only. Release 4 (methodology 3.0): c1 is renamed c1x, d1 is dropped; XX a1 b1 c1x
yes, YY b1 c1x yes, ZZ none.

- With the crosswalk (c1 → c1x), the core is a1, b1, c1 under 4's three areas:
  1 back-cast XX (100 + 100 + 0) / 3 = 66.7, YY (0 + 100 + 100) / 3 = 66.7, ZZ 0;
  4: XX 100, YY 66.7, ZZ 0.
- By code alone the core is a1, b1 (Citizenship left out): 1 back-cast XX 100, YY 50, ZZ 0;
  4: XX 100, YY 50, ZZ 0 — no change at all, the renamed question lost.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from typer.testing import CliRunner

import polindex
from polindex.cli import app
from polindex.web.releases.models import Release
from polindex.web.releases.publish import ReleaseError, publish_release
from polindex.web.releases.verify import recomputed_checksum

from .conftest import TWO_FW
from .test_dialogue_comparison import _cells

V4_FW = {
    **TWO_FW,
    "version": "3.0",
    "areas": [
        TWO_FW["areas"][0],
        TWO_FW["areas"][1],
        {"code": "C", "label": {"en": "Citizenship"},
         "indicators": [{"code": "c1x", "type": "boolean", "label": {"en": "Naturalisation"}}]},
    ],
}  # fmt: skip
V4 = {"XX": ("yes", "yes", "yes"), "YY": ("no", "yes", "yes"), "ZZ": ("no", "no", "no")}
CROSSWALK = 'old,new,note\nc1,c1x,"the same question, renamed"\nd1,,no longer asked\n'


def _v4(version: str = "4", crosswalk: Any = CROSSWALK) -> Release:
    data = [
        (u, 2024, code, v)
        for u, row in V4.items()
        for code, v in zip(("a1", "b1", "c1x"), row, strict=True)
    ]
    results = polindex.score(polindex.load_framework(V4_FW), data)
    return publish_release(
        results, version=version, publish_at=dt.datetime.now(dt.UTC), crosswalk=crosswalk
    )


def test_the_crosswalk_is_frozen_with_the_release(two: Release) -> None:
    v4 = _v4()
    assert v4.crosswalk == {
        "predecessor": "1",
        "from": "1.0",
        "to": "3.0",
        "indicators": [
            {"old": "c1", "new": "c1x", "note": "the same question, renamed"},
            {"old": "d1", "new": None, "note": "no longer asked"},
        ],
    }
    assert recomputed_checksum(v4) == v4.checksum  # the checksum covers it
    Release.objects.filter(pk=v4.pk).update(crosswalk={**v4.crosswalk, "from": "0.9"})
    assert recomputed_checksum(Release.objects.get(pk=v4.pk)) != v4.checksum
    assert two.crosswalk == {}  # a release without one keeps its checksum as it was
    assert recomputed_checksum(two) == two.checksum


def test_the_comparison_uses_it_and_says_so(client: Client, two: Release) -> None:
    _v4()
    page = client.get("/TWO/4/compare-with/1/").content.decode()
    assert 'id="backcast-note"' in page
    assert "scored here on the 3 indicators they share" in page
    assert (
        "Indicators are matched by the crosswalk published with 4 (1 renamed: c1 → Naturalisation)"
        " and otherwise by their codes." in page
    )
    assert "Only in 1 (left out): d1" in page
    rows = {r[0]: r[1:] for r in _cells(page)}
    assert rows == {  # XX and YY tied first when back-cast
        "XX": ["66.7", "100.0", "+33.3", "1", "1", "0"],
        "YY": ["66.7", "66.7", "0.0", "1", "2", "−1"],
        "ZZ": ["0.0", "0.0", "0.0", "3", "3", "0"],
    }
    out = client.get("/api/v1/releases/TWO/4/compare-with/1").json()
    assert (out["backcast"], out["matched_by"], out["renamed"]) == (
        True,
        "crosswalk",
        {"c1": "c1x"},
    )
    assert sorted(out["core"]) == ["a1", "b1", "c1x"]
    assert (out["dropped"], out["added"]) == (["d1"], [])
    xx = next(r for r in out["rows"] if r["unit"] == "XX")
    assert (xx["score_a"], xx["score_b"]) == (pytest.approx(200 / 3), 100.0)
    csv = client.get("/TWO/4/compare-with/1/", {"format": "csv"}).content.decode()
    assert csv.startswith("unit,name,score_1_backcast,score_4,score_difference,rank_1_backcast,")
    fr = client.get("/fr/TWO/4/compare-with/1/").content.decode()
    assert "Les indicateurs sont appariés selon la table de correspondance publiée avec 4" in fr


def test_without_a_crosswalk_indicators_are_matched_by_code(client: Client, two: Release) -> None:
    _v4(crosswalk=None)
    page = client.get("/TWO/4/compare-with/1/").content.decode()
    assert "Indicators are matched by their codes." in page
    assert "scored here on the 2 indicators they share" in page
    rows = {r[0]: r[1:4] for r in _cells(page)}
    assert rows == {
        "XX": ["100.0", "100.0", "0.0"],
        "YY": ["50.0", "50.0", "0.0"],
        "ZZ": ["0.0", "0.0", "0.0"],
    }
    out = client.get("/api/v1/releases/TWO/4/compare-with/1").json()
    assert (out["matched_by"], out["renamed"]) == ("code", {})


@pytest.mark.parametrize(
    ("crosswalk", "problems"),
    [
        (
            "old,new\nq9,c1x\nc1,c1x\n",
            [
                "crosswalk: row 1: no indicator 'q9' in the old methodology (TWO 1.0)",
                "crosswalk: row 2: indicator 'c1x' of the new methodology is already in row 1",
            ],
        ),
        ("old,note\nc1,x\n", ["crosswalk: the CSV has no column new (columns: old, new, note)"]),
        (
            {"from": "0.5", "indicators": [{"old": "c1", "new": "c1x"}]},
            [
                "crosswalk: TWO has no earlier release at methodology 0.5 to crosswalk from: "
                "publish it first"
            ],
        ),
        (
            {"to": "9", "indicators": [{"old": "c1", "new": "c1x"}, {"old": "", "new": None}]},
            ["crosswalk: indicator 2: neither an old nor a new indicator"],
        ),
    ],
)
def test_a_bad_crosswalk_publishes_nothing(
    two: Release, crosswalk: Any, problems: list[str]
) -> None:
    with pytest.raises(ReleaseError) as caught:
        _v4(crosswalk=crosswalk)
    assert caught.value.problems == problems
    assert not Release.objects.filter(version="4").exists()


def test_the_version_it_names_must_be_this_ones(two: Release) -> None:
    with pytest.raises(ReleaseError) as caught:
        _v4(crosswalk={"to": "9", "indicators": [{"old": "c1", "new": "c1x"}]})
    assert caught.value.problems == [
        "crosswalk: the crosswalk's new methodology is version 9, the new results' is 3.0"
    ]


@pytest.mark.django_db(transaction=True)
def test_release_create_takes_a_crosswalk_file(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(TWO_FW))
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(V4_FW))
    (tmp_path / "old.csv").write_text("unit,period,a1,b1,c1,d1\nXX,2024,yes,yes,no,no\n")
    (tmp_path / "new.csv").write_text("unit,period,a1,b1,c1x\nXX,2024,yes,yes,yes\n")
    (tmp_path / "cw.csv").write_text("old,new,note\nc1,c1x,\nq9,,\n")
    create = ["release", "create", "--publish-at", "2020-01-01T00:00:00"]
    first = runner.invoke(app, [*create, str(tmp_path / "old.yaml"), str(tmp_path / "old.csv"),
                                "--version", "1"])  # fmt: skip
    assert first.exit_code == 0, first.output
    new = [*create[:2], str(tmp_path / "new.yaml"), str(tmp_path / "new.csv"), "--version", "2"]
    bad = runner.invoke(app, [*new, "--crosswalk", str(tmp_path / "cw.csv")])
    assert bad.exit_code == 1
    assert bad.output == (
        "1 problem with the release; nothing was published:\n"
        "  crosswalk: row 2: no indicator 'q9' in the old methodology (TWO 1.0)\n"
    )
    (tmp_path / "cw.csv").write_text("old,new,note\nc1,c1x,\n")
    good = runner.invoke(app, [*new, "--crosswalk", str(tmp_path / "cw.csv")])
    assert good.exit_code == 0, good.output
    assert Release.objects.get(version="2").crosswalk["indicators"] == [
        {"old": "c1", "new": "c1x", "note": ""}
    ]


runner = CliRunner()
