"""Justifications are Markdown written by experts: rendered to HTML, then sanitised."""

from __future__ import annotations

import markdown
import nh3

TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "blockquote"}


def render(text: str) -> str:
    """Markdown to safe HTML: scripts, styles, event handlers and unknown tags are removed.

    Examples
    --------
    >>> html = render("**Art. 5** <script>alert(1)</script> [law](https://example.org)")
    >>> html.startswith("<p><strong>Art. 5</strong>"), "script" in html, 'href="https://ex' in html
    (True, False, True)
    """
    html = markdown.markdown(text, output_format="html")
    return nh3.clean(html, tags=TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"})
