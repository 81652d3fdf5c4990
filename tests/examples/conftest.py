"""Fixtures for the examples that read third-party data from POLINDEX_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def third_party_file(relative: str) -> Path:
    """The path of ``relative`` under POLINDEX_DATA_DIR.

    Where it is missing the test is skipped with one line saying what is missing — or fails,
    when POLINDEX_REQUIRE_ALL=1 (as in CI), so that CI always runs it.
    """
    base = os.environ.get("POLINDEX_DATA_DIR")
    path = Path(base) / relative if base else None
    if path is not None and path.is_file():
        return path
    why = (
        f"needs third-party data {relative} in POLINDEX_DATA_DIR "
        f"({'unset' if not base else base + ' does not have it'})"
    )
    if os.environ.get("POLINDEX_REQUIRE_ALL") == "1":
        pytest.fail(f"POLINDEX_REQUIRE_ALL=1 but this test {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture
def impic_csv() -> Path:
    return third_party_file("impic/impic2016.csv")


@pytest.fixture
def asem_dir() -> Path:
    return third_party_file("asem/asem_iData.csv").parent


@pytest.fixture
def coinr_reference() -> Path:
    """COINr's reference results; they sit beside the data folder (../reference/coinr)."""
    base = os.environ.get("POLINDEX_DATA_DIR")
    candidates = [Path(base).parent / "reference" / "coinr"] if base else []
    if os.environ.get("POLINDEX_COINR_REFERENCE"):
        candidates.insert(0, Path(os.environ["POLINDEX_COINR_REFERENCE"]))
    for path in candidates:
        if (path / "P1_impgrp_minmax_amean_aggregated.csv").is_file():
            return path
    why = "needs COINr's reference results (POLINDEX_COINR_REFERENCE or $POLINDEX_DATA_DIR/../reference/coinr)"
    if os.environ.get("POLINDEX_REQUIRE_ALL") == "1":
        pytest.fail(f"POLINDEX_REQUIRE_ALL=1 but this test {why}", pytrace=False)
    pytest.skip(why)
