"""A small index for the key findings and country report tests: two areas of two questions
each (a/b/c score 100/50/0, yes/no 100/0), five countries (three in the EU), the EU's
regulations as a supranational unit, two periods, and justifications with legal sources for
Germany.

Hand-checked scores are in :data:`EXPECTED`: Germany moves from 12.5 in 2023 to 75.0 in 2024
(three answers changed), the United States fall from 50.0 to 25.0 (one answer), the others
stay.
"""

from __future__ import annotations

from typing import Any

MINI_FW: dict[str, Any] = {
    "code": "MINI",
    "name": {"en": "Mini index", "fr": "Mini-indice"},
    "languages": ["en", "fr"],
    "citation": "Mini team (2025). Mini index.",
    "licence": "CC BY 4.0",
    "levels": [{"code": "area", "plural": "areas", "label": {"en": "Area", "fr": "Domaine"}}],
    "bands": [
        {"code": "low", "min": 0, "label": {"en": "Restrictive", "fr": "Restrictif"}},
        {"code": "high", "min": 50, "label": {"en": "Open", "fr": "Ouvert"}},
    ],
    "units": {
        "de": {"groups": ["EU"]}, "fr": {"groups": ["EU"]}, "at": {"groups": ["EU"]},
        "er": {"name": "EU regulations", "kind": "supranational"},
    },
    "unit_groups": {"EU": {"en": "European Union", "fr": "Union européenne"}},
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
                        {"code": "a", "score": 100, "label": {"en": "Open", "fr": "Ouvert"}},
                        {"code": "b", "score": 50, "label": {"en": "Quota", "fr": "Quota"}},
                        {"code": "c", "score": 0, "label": {"en": "Closed", "fr": "Fermé"}},
                    ],
                },
                {"code": "q2", "type": "boolean",
                 "label": {"en": "Self-employment", "fr": "Travail indépendant"}},
            ],
        },
        {
            "code": "RIG",
            "label": {"en": "Rights", "fr": "Droits"},
            "indicators": [
                {"code": "q3", "type": "boolean",
                 "label": {"en": "Equal pay", "fr": "Égalité salariale"}},
                {"code": "q4", "type": "boolean",
                 "label": {"en": "Union membership", "fr": "Adhésion syndicale"}},
            ],
        },
    ],
}  # fmt: skip

ANSWERS = {
    # unit: (2023 answers, 2024 answers) for q1..q4
    "de": (("b", "no", "no", "no"), ("a", "yes", "yes", "no")),
    "fr": (("b", "yes", "yes", "yes"), ("b", "yes", "yes", "yes")),
    "at": (("c", "no", "yes", "no"), ("c", "no", "yes", "no")),
    "us": (("a", "yes", "no", "no"), ("a", "no", "no", "no")),
    "ca": (("a", "yes", "yes", "no"), ("a", "yes", "yes", "no")),
    "er": (("a", "yes", "yes", "yes"), ("a", "yes", "yes", "yes")),  # not a country
}
MINI_DATA = [
    (unit, period, f"q{k + 1}", value)
    for unit, both in ANSWERS.items()
    for period, given in zip((2023, 2024), both, strict=True)
    for k, value in enumerate(given)
]
EXPECTED = {
    # (unit, period): (Access, Rights, index)
    ("de", "2023"): (25.0, 0.0, 12.5),
    ("de", "2024"): (100.0, 50.0, 75.0),
    ("fr", "2024"): (75.0, 100.0, 87.5),
    ("at", "2024"): (0.0, 50.0, 25.0),
    ("us", "2024"): (50.0, 0.0, 25.0),
    ("ca", "2024"): (100.0, 50.0, 75.0),
    ("us", "2023"): (100.0, 0.0, 50.0),
}
NOTES = [
    {
        "unit": "de",
        "period": "2024",
        "indicator": "q1",
        "justification": "The **Skilled Immigration Act** opened every job.",
        "sources": [
            {"instrument": "Skilled Immigration Act", "article": "18a", "in_force": "2024-03-01",
             "url": "https://example.org/fachkraefte"},
        ],
    },
    {
        "unit": "de",
        "period": "2024",
        "indicator": "q3",
        "justification": "Equal pay <script>alert(1)</script> since 2024.",
        "sources": [{"instrument": "Pay Transparency Act", "article": "3"}],
    },
]  # fmt: skip
