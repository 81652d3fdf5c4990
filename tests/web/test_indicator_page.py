"""An indicator's page: the question, the options with their scores, and every country's answer
with its justification and sources, as the release froze them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

import polindex
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

FW = {
    "code": "ASK",
    "name": {"en": "Asking index", "fr": "Indice des questions"},
    "languages": ["en", "fr"],
    "indicators": [
        {
            "code": "q1",
            "type": "categorical",
            "label": {"en": "Access to work"},
            "question": {
                "en": "Can residents take any job?",
                "fr": "Peut-on prendre tout emploi ?",
            },
            "options": [
                {"code": "a", "score": 100, "label": {"en": "Yes, any job"}},
                {"code": "b", "score": 50, "label": {"en": "Some jobs"}},
                {"code": "c", "score": 0, "label": {"en": "No"}},
            ],
        },
        {"code": "q2", "type": "boolean", "label": {"en": "Language courses"}, "true_score": 80},
        {"code": "q3", "type": "numeric", "label": {"en": "Waiting time"}, "unit": "months",
         "bounds": [0, 48], "goalposts": [0, 24], "direction": -1},
    ],
}  # fmt: skip
DATA = [
    ("AT", 2024, "q1", "a"), ("AT", 2024, "q2", "yes"), ("AT", 2024, "q3", 6),
    ("BE", 2024, "q1", "b"), ("BE", 2024, "q2", "no"), ("BE", 2024, "q3", 30),
]  # fmt: skip
NOTES = [
    {
        "unit": "AT", "period": "2024", "indicator": "q1",
        "justification": "Art. 5 of the **Aliens Act**. <script>alert(1)</script>",
        "sources": [{"instrument": "Aliens Act", "article": "5", "in_force": "2019",
                     "url": "https://example.org/aliens-act"}],
    },
]  # fmt: skip


@pytest.fixture
def asking(db: None) -> Release:
    results = polindex.score(polindex.load_framework(FW), DATA)
    return publish_release(results, version="1", publish_at=dt.datetime.now(dt.UTC), notes=NOTES)


def test_the_question_its_options_and_every_answer_with_why(
    client: Client, asking: Release
) -> None:
    body = client.get("/ASK/1/node/q1/?tab=table").content.decode()
    assert "<h1>Access to work <small>Indicator</small></h1>" in body
    assert '<p class="question-text">Can residents take any job?</p>' in body
    options = body[body.index('<table id="options">') :].split("</table>")[0]
    assert '<th scope="row">Yes, any job</th><td class="num">100.0</td>' in options
    assert '<th scope="row">Some jobs</th><td class="num">50.0</td>' in options
    answers = body[body.index('<table id="ranking">') :].split("</table>")[0]
    at = answers[answers.index(">Austria</a>") :].split("</tr>")[0]
    assert '<td>Yes, any job</td><td class="num">100.0</td>' in at
    assert "<p>Art. 5 of the <strong>Aliens Act</strong>. </p>" in at  # Markdown, sanitised
    assert "<script>" not in body
    assert (
        '<li>Aliens Act, art. 5 (2019) <a href="https://example.org/aliens-act" '
        'rel="noopener noreferrer">source</a></li>'
    ) in at
    be = answers[answers.index(">Belgium</a>") :].split("</tr>")[0]
    assert "<td>Some jobs</td>" in be
    assert "<td>–</td>" in be
    french = client.get("/fr/ASK/1/node/q1/?tab=table").content.decode()
    assert "Peut-on prendre tout emploi ?" in french
    assert ">Autriche</a>" in french


def test_boolean_and_numeric_indicators_say_how_they_score(client: Client, asking: Release) -> None:
    boolean = client.get("/ASK/1/node/q2/?tab=table").content.decode()
    assert '<th scope="row">Yes</th><td class="num">80.0</td>' in boolean  # its true_score
    assert '<th scope="row">No</th><td class="num">0.0</td>' in boolean  # the scale's minimum
    assert "<td>Yes</td>" in boolean  # Austria's answer
    numeric = client.get("/ASK/1/node/q3/?tab=table").content.decode()
    assert "A number from 0 to 48 (months)." in numeric
    assert "It is scored on the index's scale between 0 and 24" in numeric
    assert "the higher the number, the lower the score" in numeric
    assert "<td>6.0 months</td>" in numeric  # the raw value with its unit and decimals
