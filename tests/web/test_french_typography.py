"""French typography in the catalogue: a non-breaking space (U+00A0, or the narrow U+202F)
before ``:`` ``;`` ``?`` ``!``, so a line never breaks between a word and its colon and the
colon never sticks to the word — but not in an address, a time, a placeholder or code."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

import polindex.web
from polindex.web.collection.models import Answer
from polindex.web.collection.progress import NOT_STARTED, counted

from .conftest import client_for, complete

PO = Path(polindex.web.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
NO_BREAK = "\u00a0\u202f"
EXCEPTIONS = re.compile(
    r"[a-z][a-z0-9+.-]*://\S*"  # an address (http://, https://, file://)
    r"|mailto:\S+"
    r"|\d:\d"  # a time, a ratio (10:30, 1:2)
    r"|%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]"  # a placeholder, %(name)s
    r"|\{[^{}]*\}"  # a brace placeholder, {count:,}
    r"|<code>.*?</code>|`[^`]*`"  # code
    r"|&#?\w+;"  # an HTML entity (&amp;)
    r"|<[^>]*>",  # a tag and its attributes (href="?x=1", style="a:b")
    re.S,
)


def french_messages(po: str) -> list[str]:
    """Every translation in a catalogue's text (each form of a plural), unescaped, but the
    header's."""
    out = []
    for body in re.findall(r"^msgstr(?:\[\d+\])? ((?:\".*\"\n?)+)", po, re.M):
        text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body))
        text = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)
        if text and not text.startswith("Project-Id-Version:"):
            out.append(text)
    return out


def badly_spaced(text: str) -> list[str]:
    """Each ``:`` ``;`` ``?`` ``!`` of ``text`` without a non-breaking space before it, with
    the word before it, outside addresses, times, placeholders and code
    (``badly_spaced("Score : 3 ; rang\u00a0: 2, à 10:30")`` is ``['Score :', '3 ;']``)."""
    plain = EXCEPTIONS.sub(lambda m: "_" * len(m[0]), text)
    return [
        re.findall(r"\S*\s*$", text[: m.start()])[0] + m[0]
        for m in re.finditer(r"[:;?!]", plain)
        if m.start() == 0 or plain[m.start() - 1] not in NO_BREAK
    ]


def test_the_rule_reads_its_exceptions() -> None:
    assert badly_spaced("Publié : 6,0 mois") == ["Publié :"]
    assert badly_spaced("Publié: 6,0 mois") == ["Publié:"]
    assert badly_spaced("Score : 3 ; rang\u00a0: 2, à 10:30") == ["Score :", "3 ;"]
    assert badly_spaced("Et si ?") == ["si ?"]
    assert badly_spaced("Et si\u202f? Oui\u00a0; non\u202f!") == []
    assert badly_spaced("à 10:30, sur https://example.org/a?b=c ou mailto:a@b.c") == []
    assert badly_spaced('%(name)s <a href="?x=1">%(n)d</a> <code>W1:a</code> &amp;') == []


def test_a_non_breaking_space_before_each_colon_semicolon_question_and_exclamation_mark() -> None:
    messages = french_messages(PO.read_text(encoding="utf-8"))
    assert len(messages) > 1000  # the whole catalogue was read
    assert any("\u00a0:" in m for m in messages)
    assert any("\u202f?" in m for m in messages)
    wrong = {m: found for m in messages if (found := badly_spaced(m))}
    assert wrong == {}


class _Visible(HTMLParser):
    """A page's visible text (not its scripts, styles, code or form fields' values)."""

    HIDDEN = ("script", "style", "code", "pre", "textarea")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    """The visible text of ``html``, its ASCII spaces and line breaks collapsed (no-break spaces
    kept)."""
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"[ \t\r\n]+", " ", "".join(parser.parts))


def test_french_pages_that_join_a_label_and_its_value_space_the_colon(
    published: Any, people: dict[str, Any]
) -> None:
    """Templates that wrote "label: value" themselves (the methodology's bands, the forms'
    error summaries, the scoring and assignment pages, the dashboard's counts, an answer's
    history) showed "Favorable: ≥ 50" on French pages: they write ``{% colon %}``."""
    expert, central = client_for(people["expert_at"]), client_for(people["central"])
    question = "/work/demo-2025/AT/LMM1/"
    expert.get("/work/demo-2025/AT/")  # (its answers' rows exist)
    for option in ("a", "b"):  # two saves: a history of changed fields
        version = Answer.objects.get(unit="AT", indicator="LMM1").version
        expert.post(question, {"action": "save", "version": version, **complete(option=option)})
    fr = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    pages = {
        "methodology": Client().get("/fr/TOY/2024.1/methodology/"),
        "feedback errors": Client().post("/fr/TOY/2024.1/feedback/", {}),
        "score errors": central.get("/work/demo-2025/score/?preview=1&version=a/b", **fr),
        "assign errors": central.post("/work/demo-2025/assign/", {"role": "nope"}, **fr),
        "dashboard": central.get("/work/", **fr),
        "expert's dashboard": expert.get("/work/", **fr),
        "answer history": expert.get(question, **fr),
    }
    texts = {name: visible(page.content.decode()) for name, page in pages.items()}
    assert "Catégories" in texts["methodology"]  # (French pages)
    assert "\u00a0: ≥ 50" in texts["methodology"]
    assert "Il y a un problème" in texts["score errors"]
    assert "Il y a un problème" in texts["assign errors"]
    assert "\u00a0: a → b" in texts["answer history"]
    assert "en brouillon" in texts["expert's dashboard"]
    wrong = {name: found for name, text in texts.items() if (found := badly_spaced(text))}
    assert wrong == {}


@pytest.mark.parametrize(
    ("action", "moved", "said"),
    [
        ("submit", 1, "Soumise"),
        ("submit", 3, "Soumises"),
        ("validate", 2, "Validées"),
        ("reopen", 1, "Rouverte"),
        ("reopen", 2, "Rouvertes"),
    ],
)
def test_a_step_on_answers_agrees_with_how_many(action: str, moved: int, said: str) -> None:
    """A step's record read "Soumise 3 réponses" but "Rouvertes 1 réponse": the word agrees
    with the number of answers it moved."""
    step = SimpleNamespace(
        action=action, moved=[0] * moved, shown_who="central", when=dt.datetime(2026, 1, 2),
        reason="", reversed_at=None,
    )  # fmt: skip
    with translation.override("fr"):
        html = render_to_string("collection/_step_record.html", {"s": step})
    assert html.startswith(f"<strong>{said}</strong> {moved} réponse")


def test_answers_are_counted_by_status_in_words_that_agree() -> None:
    """The dashboard and the scoring page counted "Brouillon : 58, Soumise : 5, pas commencé :
    40": now "58 en brouillon, 5 soumises, 40 non commencées", each agreeing with its number."""
    with translation.override("fr"):
        said = [counted(s, n) for s, n in (("draft", 58), ("submitted", 5), ("submitted", 1),
                                            (NOT_STARTED, 40), ("validated", 2))]  # fmt: skip
    assert said == ["58 en brouillon", "5 soumises", "1 soumise", "40 non commencées", "2 validées"]
