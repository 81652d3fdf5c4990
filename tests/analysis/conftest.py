"""Simulators shared by the dialogue tools' tests (what-if, goals, recommendations, weights).

TINY's three units in 2024, scored by hand (TINY = (A + 2·B) / 3; q3's score is
100 · (1 − months / 24), truncated; q4 applies only where q2 is true)::

    unit  q1     q2          q3        q4      │  A    B    TINY       rank  band
    X     b 50   true 100    12 → 50   2 → 0   │  75   25   41.667     3     halfway_favourable
    Y     a 100  false 0     6 → 75    n/a     │  50   75   66.667     1     slightly_favourable
    Z     c 0    true 100    24 → 0    1 → 100 │  50   50   50         2     halfway_favourable

For X (all answered), each question's effective weight in TINY is q1, q2: 1/6 and q3, q4: 1/3;
for Y (q4 N/A), q3 carries B alone: 2/3.
"""

from __future__ import annotations

import copy

import pytest
from tests.conftest import TINY

import polindex
from polindex.analysis.whatif import Simulator
from polindex.demo.examples import EXAMPLES
from polindex.demo.synthetic import synthetic_data

TINY_ROWS = [
    ("X", 2024, "q1", "b"),
    ("X", 2024, "q2", "true"),
    ("X", 2024, "q3", 12),
    ("X", 2024, "q4", "2"),
    ("Y", 2024, "q1", "a"),
    ("Y", 2024, "q2", "false"),
    ("Y", 2024, "q3", 6),
    ("Y", 2024, "q4", "n/a"),
    ("Z", 2024, "q1", "c"),
    ("Z", 2024, "q2", "true"),
    ("Z", 2024, "q3", 24),
    ("Z", 2024, "q4", "1"),
]

MIPEX_UNITS = tuple(f"U{k:02d}" for k in range(50))


@pytest.fixture(scope="module")
def tiny_sim() -> Simulator:
    """TINY with units X, Y and Z (see the module docstring)."""
    return polindex.simulator(copy.deepcopy(TINY), TINY_ROWS)


@pytest.fixture(scope="session")
def mipex_sim() -> Simulator:
    """The MIPEX-style demonstration questionnaire (61 questions) answered by 50 invented
    units in 2023 and 2024 (the synthetic generator's answers)."""
    fw = polindex.load_framework(EXAMPLES / "mipex-style" / "framework.yaml")
    data = synthetic_data(fw, units=MIPEX_UNITS, periods=(2023, 2024))
    return polindex.simulator(fw, data)
