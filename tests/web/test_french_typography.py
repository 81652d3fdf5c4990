"""French typography in the catalogue: a non-breaking space (U+00A0, or the narrow U+202F)
before ``:`` ``;`` ``?`` ``!``, so a line never breaks between a word and its colon and the
colon never sticks to the word — but not in an address, a time, a placeholder or code."""

from __future__ import annotations

import re
from pathlib import Path

import polindex.web

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
