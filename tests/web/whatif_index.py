"""A small index for the what-if and goal tests: a categorical question whose best answer scores
75, a numeric one (months, lower is better), a yes/no question and one that applies only where
it is yes; three countries, hand-checked:

    AA: q1 a (75), q2 6 months (75), r1 yes (100), r2 a (100) → Access 75, Rights 100, 87.5 strong
    BB: q1 c (0),  q2 24 (0),        r1 no (0),    r2 n/a     → Access 0,  Rights 0,   0    weak
    CC: q1 b (50), q2 12 (50),       r1 yes (100), r2 b (0)   → Access 50, Rights 50,  50   fair
"""

from __future__ import annotations

import datetime as dt

import pytest

import polindex
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

FW = {
    "code": "WIF",
    "name": {"en": "What-if index", "fr": "Indice de simulation"},
    "languages": ["en", "fr"],
    "bands": [
        {"code": "weak", "min": 0, "label": {"en": "Weak", "fr": "Faible"}},
        {"code": "fair", "min": 50, "label": {"en": "Fair", "fr": "Moyen"}},
        {"code": "strong", "min": 80, "label": {"en": "Strong", "fr": "Fort"}},
    ],
    "levels": ["area"],
    "areas": [
        {
            "code": "ACC",
            "label": {"en": "Access", "fr": "Accès"},
            "indicators": [
                {
                    "code": "q1",
                    "type": "categorical",
                    "label": {"en": "Work permit", "fr": "Permis de travail"},
                    "options": [
                        {"code": "a", "score": 75, "label": {"en": "Immediate", "fr": "Immédiat"}},
                        {
                            "code": "b",
                            "score": 50,
                            "label": {"en": "After a year", "fr": "Après un an"},
                        },
                        {"code": "c", "score": 0, "label": {"en": "Never", "fr": "Jamais"}},
                    ],
                },
                {
                    "code": "q2",
                    "type": "numeric",
                    "label": {"en": "Waiting time", "fr": "Délai"},
                    "bounds": [0, 24],
                    "goalposts": [0, 24],
                    "direction": -1,
                    "unit": {"en": "months", "fr": "mois"},
                },
            ],
        },
        {
            "code": "RIG",
            "label": {"en": "Rights", "fr": "Droits"},
            "indicators": [
                {
                    "code": "r1",
                    "type": "boolean",
                    "label": {"en": "Equal pay", "fr": "Égalité salariale"},
                },
                {
                    "code": "r2",
                    "type": "categorical",
                    "label": {"en": "Pay audits", "fr": "Audits salariaux"},
                    "options": [
                        {"code": "a", "score": 100, "label": {"en": "Yearly", "fr": "Annuels"}},
                        {"code": "b", "score": 0, "label": {"en": "None", "fr": "Aucun"}},
                    ],
                    "applicable_if": {"indicator": "r1", "in": [True]},
                },
            ],
        },
    ],
}
DATA = [
    (u, 2024, q, v)
    for u, answers in {
        "AA": ("a", 6, "yes", "a"),
        "BB": ("c", 24, "no", "n/a"),
        "CC": ("b", 12, "yes", "b"),
    }.items()
    for q, v in zip(("q1", "q2", "r1", "r2"), answers, strict=True)
]


@pytest.fixture
def wif(db: None) -> Release:
    """The what-if index, published."""
    results = polindex.score(polindex.load_framework(FW), DATA)
    return publish_release(results, version="1", publish_at=dt.datetime.now(dt.UTC))
