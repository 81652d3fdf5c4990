"""The error example in docs/data-format.md is what Polindex really prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import polindex
from polindex.demo import FRAMEWORK_PATH

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"


def blocks() -> list[str]:
    return re.findall(r"```text\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_documented_errors_are_the_real_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, expected = blocks()[:2]
    (tmp_path / "data.csv").write_text(data, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(polindex.DataError) as info:
        polindex.score(FRAMEWORK_PATH, "data.csv")
    assert str(info.value) + "\n" == expected
    assert len(info.value.problems) == 5
