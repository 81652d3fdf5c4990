"""HTML to PDF with WeasyPrint, and nothing else: no Django, so that a pool of worker processes
can typeset many reports at once (see :func:`polindex.web.reports.tasks.build_all`)."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

_lock = threading.Lock()


@functools.cache
def font_folder() -> Path:
    """Where the ``font-source-sans-pro`` package keeps its font files."""
    import font_source_sans_pro

    return Path(font_source_sans_pro.__file__).resolve().parent / "files"


def typeset(document: str) -> bytes:
    """The PDF of an HTML ``document`` whose fonts are in :func:`font_folder`.

    Examples
    --------
    >>> typeset("<p>Bonjour</p>")[:5]
    b'%PDF-'
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with _lock:  # WeasyPrint's font configuration is not shared between threads
        out: bytes = HTML(string=document, base_url=str(font_folder())).write_pdf(
            font_config=FontConfiguration()
        )
    return out
