"""Shared fixtures: a tiny MIPEX-shaped framework used across engine, io, api and cli tests.

TINY (scale 0–100, MIPEX's six bands, one level ``area``)::

    TINY
    ├── A (weight 1)   q1 categorical a=100 b=50 c=0 · q2 boolean
    └── B (weight 2)   q3 numeric, bounds 0–48, goalposts 0→24 reversed
                       q4 categorical "1"=100 "2"=0, applies only where q2 is true

Compiled node order: q1, q2, q3, q4, A, B, TINY.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml
from hypothesis import settings as hypothesis_settings

import polindex
from polindex.framework.models import Framework

MIPEX_BANDS = [
    {"code": "critically_unfavourable", "min": 0, "label": {"en": "Critically unfavourable"}},
    {"code": "unfavourable", "min": 1, "label": {"en": "Unfavourable"}},
    {"code": "slightly_unfavourable", "min": 21, "label": {"en": "Slightly unfavourable"}},
    {"code": "halfway_favourable", "min": 41, "label": {"en": "Halfway favourable"}},
    {"code": "slightly_favourable", "min": 60, "label": {"en": "Slightly favourable"}},
    {"code": "favourable", "min": 80, "label": {"en": "Favourable", "fr": "Favorable"}},
]

TINY: dict[str, Any] = {
    "code": "TINY",
    "name": {"en": "Tiny index", "fr": "Indice minuscule"},
    "languages": ["en", "fr"],
    "scale": {"min": 0, "max": 100},
    "bands": MIPEX_BANDS,
    "levels": ["area"],
    "areas": [
        {
            "code": "A",
            "label": {"en": "Area alpha", "fr": "Domaine alpha"},
            "indicators": [
                {
                    "code": "q1",
                    "type": "categorical",
                    "label": {"en": "Question one", "fr": "Question un"},
                    "options": [
                        {"code": "a", "score": 100},
                        {"code": "b", "score": 50},
                        {"code": "c", "score": 0},
                    ],
                },
                {"code": "q2", "type": "boolean", "label": {"en": "Question two"}},
            ],
        },
        {
            "code": "B",
            "weight": 2,
            "label": {"en": "Area beta", "fr": "Domaine bêta"},
            "indicators": [
                {
                    "code": "q3",
                    "type": "numeric",
                    "bounds": [0, 48],
                    "goalposts": [0, 24],
                    "direction": -1,
                },
                {
                    "code": "q4",
                    "type": "categorical",
                    "options": [{"code": 1, "score": 100}, {"code": 2, "score": 0}],
                    "applicable_if": {"indicator": "q2", "in": [True]},
                },
            ],
        },
    ],
}


# Fuzzing (hypothesis, schemathesis) explores new inputs on every local run; in CI
# (.ci/run sets CI=true) the same inputs on every run, so that a red build is never chance.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def missing(why: str) -> NoReturn:
    """Skip with one line saying what is missing — or fail under POLINDEX_REQUIRE_ALL=1 (CI),
    for tests that need something a bare machine may lack (data, PostgreSQL, Redis, Chromium)."""
    if os.environ.get("POLINDEX_REQUIRE_ALL") == "1":
        pytest.fail(f"POLINDEX_REQUIRE_ALL=1 but this test {why}", pytrace=False)
    pytest.skip(why)


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests hash passwords with MD5: Argon2, production's hasher, is deliberately slow, and
    the collection tests create seven accounts each. ``tests/web/test_security.py``, which
    checks that production hashes with Argon2, overrides this fixture to keep the real one."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _downloads_apart(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test keeps the downloads it makes in a folder of its own (they are kept on disk,
    outside the database that each test rolls back)."""
    settings.DOWNLOADS_DIR = tmp_path_factory.mktemp("downloads")


@pytest.fixture
def tiny_spec() -> dict[str, Any]:
    """The TINY framework as a mapping (a fresh copy, safe to modify)."""
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny_fw() -> Framework:
    """The TINY framework, loaded."""
    return polindex.load_framework(copy.deepcopy(TINY))


@pytest.fixture
def tiny_yaml(tmp_path: Path) -> Path:
    """The TINY framework written as a YAML file."""
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(TINY, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# A small index of six countries (ISO codes: the map colours them) with a pipeline and an
# uncertainty design, for releases published with robustness results.
ROBUST_FRAMEWORK = """\
code: T
name: Toy
levels: [area]
areas:
  - code: A
    indicators: [{code: a1, type: numeric}, {code: a2, type: numeric, direction: -1}]
  - code: B
    indicators: [{code: b1, type: numeric}, {code: b2, type: numeric}]
pipeline:
  steps:
    - {step: normalise, method: minmax, params: {low: 1, high: 100}}
    - {step: aggregate, method: arithmetic}
uncertainty:
  runs: 32
  seed: 3
  bootstrap: 50
  inputs:
    - name: aggregation
      step: aggregate
      alternatives: [{method: arithmetic}, {method: geometric}]
    - {name: w_A, weight: A, range: [0.5, 2]}
"""
ROBUST_ROWS = [
    ("AT", 10, 5, 3, 40),
    ("BE", 20, 9, 8, 30),
    ("DE", 35, 2, 6, 90),
    ("FR", 50, 7, 1, 20),
    ("IT", 60, 4, 9, 70),
    ("NL", 80, 1, 4, 60),
]


@pytest.fixture
def robust_files(tmp_path: Path) -> tuple[Path, Path]:
    """The framework and data files of the robustness toy index."""
    (tmp_path / "fw.yaml").write_text(ROBUST_FRAMEWORK, encoding="utf-8")
    lines = ["unit,period,a1,a2,b1,b2"] + [
        f"{u},2024,{a},{b},{c},{d}" for u, a, b, c, d in ROBUST_ROWS
    ]
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "fw.yaml", tmp_path / "data.csv"


# The test files that take longest, longest first (``pytest --durations=0`` summed per file, on
# the 2-core CI machine). They run first: with one process per core and each file kept on one
# process (``--dist loadfile --no-loadscope-reorder``, see the Makefile), a long file that
# started last would run on alone while the other core sat idle.
LONGEST_FIRST = (
    "tests/web/test_demo_site.py",
    "tests/browser/test_accessibility.py",
    "tests/web/test_backup.py",
    "tests/web/test_reports.py",
    "tests/web/test_permission_matrix.py",
    "tests/web/test_api_fuzz.py",
    "tests/browser/test_workspace.py",
    "tests/web/test_restore_refusals.py",
    "tests/web/test_query_counts.py",
    "tests/web/test_headers.py",
    "tests/web/test_shared_cache.py",
    "tests/browser/test_scoring.py",
    "tests/browser/test_whatif.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest files first (:data:`LONGEST_FIRST`), every other in collection order."""
    root = config.rootpath
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}

    def key(item: pytest.Item) -> int:
        try:
            name = item.path.relative_to(root).as_posix()
        except ValueError:
            return len(rank)
        return rank.get(name, len(rank))

    items.sort(key=key)  # stable: within a file, and among the others, the order is kept
