"""People's Markdown: one converter per thread, reused, and the HTML of short texts kept."""

from __future__ import annotations

import threading

import markdown

from polindex.web.text import CACHED, render


def test_a_text_is_rendered_as_by_a_fresh_converter() -> None:
    texts = [
        "See [the Act][act].\n\n[act]: https://example.org/act",
        "See [the Act][act].",  # the reference of the text before is not this text's
        "* one\n* two\n\n> quoted `code`",
        "x" * (CACHED + 1) + " **long**",  # not kept, rendered each time
    ]
    fresh = [markdown.markdown(t, output_format="html") for t in texts]
    assert render(texts[0]).startswith('<p>See <a href="https://example.org/act"')
    assert render(texts[1]) == fresh[1] == "<p>See [the Act][act].</p>"
    assert render(texts[2]) == fresh[2]
    assert render(texts[3]) == fresh[3]
    assert render(texts[0]) == render(texts[0])  # kept: the same HTML again


def test_threads_render_at_once_without_mixing_texts() -> None:
    out: dict[int, list[str]] = {}

    def work(k: int) -> None:
        out[k] = [render(f"Thread **{k}** text {n} " + "y" * CACHED) for n in range(50)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, html in out.items():
        assert html == [
            f"<p>Thread <strong>{k}</strong> text {n} {'y' * CACHED}</p>" for n in range(50)
        ]
