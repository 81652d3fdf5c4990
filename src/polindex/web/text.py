"""Texts written by people — experts' justifications, the central team's key findings — are
Markdown: rendered to HTML, then sanitised (nh3, the Rust library ammonia's bindings)."""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown
import nh3

TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "blockquote"}
CACHED = 4000
"""Texts up to this many characters keep their HTML (:func:`render`'s last 1024)."""

_converters = threading.local()  # a Markdown converter per thread, reset before each text


def render(text: str) -> str:
    """Markdown to safe HTML: scripts, styles, event handlers and unknown tags are removed.

    The same text gives the same HTML, so the last 1024 short texts keep theirs (a read-through
    page renders every justification of a country; most have not changed since the last time).

    Examples
    --------
    >>> html = render("**Art. 5** <script>alert(1)</script> [law](https://example.org)")
    >>> html.startswith("<p><strong>Art. 5</strong>"), "script" in html, 'href="https://ex' in html
    (True, False, True)
    """
    return _cached(text) if len(text) <= CACHED else _render(text)


@lru_cache(maxsize=1024)
def _cached(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    # one converter per thread, reused: making one costs as much as converting a short text
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(output_format="html")
    html = converter.reset().convert(text)
    return nh3.clean(html, tags=TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"})


LONG_TAGS = TAGS | {"h3", "h4", "h5", "h6", "hr"}


def render_long(text: str) -> str:
    """A longer Markdown text (a release's key findings) to safe HTML, with headings: a page
    gives it a level-2 heading, so ``#`` becomes ``<h3>``, ``##`` ``<h4>`` and so on.

    Examples
    --------
    >>> render_long("# Findings\\n\\n* **Up**<img src=x onerror=alert(1)>")
    '<h3>Findings</h3>\\n<ul>\\n<li><strong>Up</strong></li>\\n</ul>'
    """
    import re

    html = markdown.markdown(text, output_format="html")

    def lower(match: re.Match[str]) -> str:
        level = min(int(match.group(2)) + 2, 6)
        return f"<{match.group(1)}h{level}"

    html = re.sub(r"<(/?)h([1-6])", lower, html)
    return nh3.clean(
        html, tags=LONG_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"}
    )


def word_diff(old: str, new: str) -> str:
    """What changed between two texts, word by word, as safe HTML (``<del>``/``<ins>``).

    Examples
    --------
    >>> word_diff("Art. 5 of the <Act>", "Art. 6 of the <Act>")
    'Art. <del>5</del> <ins>6</ins> of the &lt;Act&gt;'
    """
    from difflib import SequenceMatcher
    from html import escape

    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out)
