"""Fixtures for the examples that read third-party data from POLINDEX_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..conftest import missing


def third_party_file(relative: str) -> Path:
    """The path of ``relative`` under POLINDEX_DATA_DIR (skip or fail where it is missing)."""
    base = os.environ.get("POLINDEX_DATA_DIR")
    path = Path(base) / relative if base else None
    if path is not None and path.is_file():
        return path
    where = "POLINDEX_DATA_DIR is unset" if not base else f"not found in {base}"
    return missing(f"needs the third-party file {relative} ({where})")


@pytest.fixture(scope="session")
def impic_csv() -> Path:
    return third_party_file("impic/impic2016.csv")


@pytest.fixture(scope="session")
def asem_dir() -> Path:
    return third_party_file("asem/asem_iData.csv").parent


@pytest.fixture(scope="session")
def coinr_reference() -> Path:
    """COINr's reference results: POLINDEX_COINR_REFERENCE, or ../reference/coinr beside the
    data folder (as in this project's shared checkout)."""
    base = os.environ.get("POLINDEX_DATA_DIR")
    candidates = [Path(base).parent / "reference" / "coinr"] if base else []
    if os.environ.get("POLINDEX_COINR_REFERENCE"):
        candidates.insert(0, Path(os.environ["POLINDEX_COINR_REFERENCE"]))
    for path in candidates:
        if (path / "P1_impgrp_minmax_amean_aggregated.csv").is_file():
            return path
    return missing("needs COINr's reference results (set POLINDEX_COINR_REFERENCE)")
