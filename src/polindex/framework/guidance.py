"""A question's guidance notes in one language, for a page or a spreadsheet cell.

The framework holds each note per language (:class:`~polindex.framework.models.Guidance`);
:func:`notes_in` picks every text in one language with the framework's one fallback rule
(:meth:`~polindex.framework.models.Framework.text`), and :func:`as_text` writes them as plain
text for a cell (the questionnaire workbook, an XLSForm's hint columns).
"""

from __future__ import annotations

from dataclasses import dataclass

from polindex.framework.models import Framework, Indicator

HEADINGS = {
    "en": {"how": "How to answer", "examples": "Examples", "definitions": "Definitions"},
    "fr": {"how": "Comment répondre", "examples": "Exemples", "definitions": "Définitions"},
}
"""The words that head each part of the notes in a spreadsheet cell (English where a language
has none here; pages use the site's translations)."""


@dataclass(frozen=True)
class Term:
    """A defined term in one language."""

    term: str
    definition: str
    source: str = ""


@dataclass(frozen=True)
class Notes:
    """A question's guidance in one language: paragraphs are separated by blank lines."""

    how_to_answer: str
    examples: str
    definitions: tuple[Term, ...]


def notes_in(fw: Framework, item: Indicator, lang: str | None = None) -> Notes | None:
    """The guidance of ``item`` in ``lang`` (each text: ``lang``, else the index's default
    language), or ``None`` when the question has none.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "languages": ["en", "fr"],
    ...     "indicators": [{"code": "q", "type": "boolean", "guidance": {
    ...         "how_to_answer": {"en": "Read the law.", "fr": "Lisez la loi."},
    ...         "examples": "A permit.",
    ...         "definitions": [{"term": "Resident", "definition": "Lives here.",
    ...                          "source": "Act 1, s. 2"}]}}]})
    >>> notes = notes_in(fw, fw.find("q"), "fr")
    >>> notes.how_to_answer, notes.examples, notes.definitions[0].term
    ('Lisez la loi.', 'A permit.', 'Resident')
    >>> notes_in(fw, fw.find("q"), "de").how_to_answer
    'Read the law.'
    """
    g = item.guidance
    if g is None:
        return None
    return Notes(
        how_to_answer=fw.text(g.how_to_answer, lang),
        examples=fw.text(g.examples, lang),
        definitions=tuple(
            Term(fw.text(d.term, lang), fw.text(d.definition, lang), d.source or "")
            for d in g.definitions
        ),
    )


def as_text(notes: Notes, lang: str | None = None, *, how: bool = True) -> str:
    """The notes as plain text for a spreadsheet cell, each part under its heading in
    ``lang`` (:data:`HEADINGS`); ``how=False`` leaves out how to answer (an XLSForm shows it as
    the question's hint).

    Examples
    --------
    >>> notes = Notes("Read the law.", "", (Term("Resident", "Lives here.", "Act 1"),))
    >>> print(as_text(notes, "fr"))
    Comment répondre
    Read the law.
    <BLANKLINE>
    Définitions
    Resident: Lives here. (Act 1)
    """
    words = HEADINGS.get(lang or "en", HEADINGS["en"])
    parts = []
    if how and notes.how_to_answer:
        parts.append(f"{words['how']}\n{notes.how_to_answer}")
    if notes.examples:
        parts.append(f"{words['examples']}\n{notes.examples}")
    if notes.definitions:
        lines = [
            f"{t.term}: {t.definition}" + (f" ({t.source})" if t.source else "")
            for t in notes.definitions
        ]
        parts.append(words["definitions"] + "\n" + "\n".join(lines))
    return "\n\n".join(parts)


__all__ = ["HEADINGS", "Notes", "Term", "as_text", "notes_in"]
