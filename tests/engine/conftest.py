"""Results of a small hand-computed index (3 units × 2 periods) shared by the results tests.

R (MIPEX bands) ─ A: q1 (w 1), q2 (w 3)  ·  B (w 2): q3.   Node order: q1 q2 q3 A B R.

    unit period  q1   q2   q3  │  A              B    R
    X    2020    40   80   10  │  70             10   (70 + 2·10)/3 = 30
    X    2021   100   80   40  │  85             40   (85 + 2·40)/3 = 55
    Y    2020     0   20   90  │  15             90   (15 + 2·90)/3 = 65
    Y    2021    20    –   90  │  20             90   (20 + 2·90)/3 = 200/3
    Z    2020    60   60    –  │  60             –    60 (A alone)
    Z    2021     –    –   30  │  –              30   30 (B alone)
"""

from __future__ import annotations

import numpy as np
import pytest

import polindex
from polindex.engine import Dataset, Results, compute

nan = np.nan

R_FRAMEWORK = {
    "code": "R",
    "name": "Results test index",
    "levels": ["area"],
    "bands": [
        {"code": "critically_unfavourable", "min": 0},
        {"code": "unfavourable", "min": 1},
        {"code": "slightly_unfavourable", "min": 21, "label": "Slightly unfavourable"},
        {"code": "halfway_favourable", "min": 41, "label": "Halfway favourable"},
        {"code": "slightly_favourable", "min": 60, "label": "Slightly favourable"},
        {"code": "favourable", "min": 80, "label": "Favourable"},
    ],
    "areas": [
        {
            "code": "A",
            "indicators": [
                {"code": "q1", "type": "numeric"},
                {"code": "q2", "type": "numeric", "weight": 3},
            ],
        },
        {"code": "B", "weight": 2, "indicators": [{"code": "q3", "type": "numeric"}]},
    ],
}

VALUES = np.array(
    [
        [[40, 80, 10], [100, 80, 40]],  # X 2020, 2021
        [[0, 20, 90], [20, nan, 90]],  # Y
        [[60, 60, nan], [nan, nan, 30]],  # Z
    ],
    dtype=float,
)


@pytest.fixture
def results() -> Results:
    fw = polindex.load_framework(R_FRAMEWORK)
    ds = Dataset.from_arrays(["X", "Y", "Z"], [2020, 2021], ["q1", "q2", "q3"], VALUES)
    return compute(fw, ds, spec={"note": "hand-computed"})
