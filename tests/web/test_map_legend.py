"""A map's legend: neighbouring colours never share a rounded score."""

from __future__ import annotations

from types import SimpleNamespace

from polindex.web.explorer.display import Line
from polindex.web.explorer.maps import _rank_keys


def line(code: str, score: float, rank: int) -> Line:
    return Line(code, code.upper(), score, rank, "", "", "country", code)


def test_neighbouring_colours_do_not_share_a_rounded_end() -> None:
    # regression: ASEM's legend read "0.35 to 0.37" then "0.37 to 0.40" (scores 0.3712 and
    # 0.3698 round alike at the release's two decimals)
    reading = SimpleNamespace(decimals=2, framework=SimpleNamespace(higher_is_better=True))
    lines = [line("at", 0.40, 1), line("be", 0.3712, 2), line("de", 0.3698, 3), line("fr", 0.35, 4)]
    fills = {"at": "#111111", "be": "#111111", "de": "#222222", "fr": "#222222"}
    keys = _rank_keys(reading, lines, fills)  # type: ignore[arg-type]
    assert [(k.label, k.values) for k in keys] == [
        ("Best", "0.371 to 0.400"),
        ("Worst", "0.350 to 0.370"),
    ]
    apart = {"at": "#111111", "be": "#111111", "de": "#222222", "fr": "#222222"}
    far = [line("at", 0.40, 1), line("be", 0.38, 2), line("de", 0.36, 3), line("fr", 0.35, 4)]
    assert [k.values for k in _rank_keys(reading, far, apart)] == [  # type: ignore[arg-type]
        "0.38 to 0.40",
        "0.35 to 0.36",
    ]
