"""A small release with two areas, for the recommendations, peers and typology tests.

Scores by hand (arithmetic means; area A = mean(q1, q2), area B = q3, index = mean(A, B)):

====  ===  ===  ===  ====  ====  =====
unit  q1   q2   q3   A     B     index
====  ===  ===  ===  ====  ====  =====
AT    no   c    no   0     0     0
BE    yes  b    no   75    0     37.5
DE    yes  a    yes  100   100   100
FR    no   a    yes  50    100   75
====  ===  ===  ===  ====  ====  =====
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polindex
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

FW: dict[str, Any] = {
    "code": "ARE",
    "name": {"en": "Areas index", "fr": "Indice des domaines"},
    "languages": ["en", "fr"],
    "levels": [{"code": "area", "plural": "areas", "label": {"en": "Area", "fr": "Domaine"}}],
    "bands": [{"code": "low", "min": 0}, {"code": "high", "min": 50}],
    "approaches": [
        {"code": "open", "label": {"en": "Open approach", "fr": "Approche ouverte"},
         "rules": [{"node": "A", "min": 50}, {"node": "B", "min": 50}]},
        {"code": "closed", "label": {"en": "Closed approach", "fr": "Approche fermée"},
         "rules": [{"node": "ARE", "max": 40}]},
    ],
    "areas": [
        {"code": "A", "label": {"en": "Work", "fr": "Travail"}, "indicators": [
            {"code": "q1", "type": "boolean", "label": {"en": "Job centres"},
             "question": {"en": "Can they use job centres?",
                          "fr": "Ont-ils accès aux agences ?"}},
            {"code": "q2", "type": "categorical", "label": {"en": "Any job"},
             "question": {"en": "Can they take any job?",
                          "fr": "Peuvent-ils prendre tout emploi ?"},
             "options": [
                 {"code": "a", "score": 100,
                  "label": {"en": "Yes, any job", "fr": "Oui, tout emploi"}},
                 {"code": "b", "score": 50, "label": {"en": "Some jobs", "fr": "Certains emplois"}},
                 {"code": "c", "score": 0, "label": {"en": "No job", "fr": "Aucun emploi"}}]},
        ]},
        {"code": "B", "label": {"en": "Family", "fr": "Famille"}, "indicators": [
            {"code": "q3", "type": "boolean", "label": {"en": "Reunion"},
             "question": {"en": "Can families reunite?",
                          "fr": "Les familles peuvent-elles se réunir ?"}},
        ]},
    ],
}  # fmt: skip
ANSWERS = {
    "AT": ("no", "c", "no"),
    "BE": ("yes", "b", "no"),
    "DE": ("yes", "a", "yes"),
    "FR": ("no", "a", "yes"),
}
DATA = [
    (u, 2024, q, v)
    for u, values in ANSWERS.items()
    for q, v in zip(("q1", "q2", "q3"), values, strict=False)
]
NOTES = [
    {"unit": "DE", "period": "2024", "indicator": "q1",
     "justification": "Section 3 of the **Employment Act**. <script>alert(1)</script>",
     "sources": [{"instrument": "Employment Act", "article": "3", "in_force": "2015",
                  "url": "https://example.org/employment-act"}]},
    {"unit": "BE", "period": "2024", "indicator": "q1", "justification": "=HYPERLINK(\"x\")",
     "sources": []},
]  # fmt: skip


def publish(version: str = "1", **kwargs: Any) -> Release:
    """The release, published yesterday unless said otherwise."""
    results = polindex.score(polindex.load_framework(FW), DATA)
    kwargs.setdefault("publish_at", dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    return publish_release(results, version=version, notes=NOTES, **kwargs)
