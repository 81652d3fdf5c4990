"""Downloads made once and kept: a release never changes, so each of its files (per format and
language) is made on the first request, written under ``DOWNLOADS_DIR`` and served from there
on every later one, with a strong ETag and, once published, a year-long ``immutable``
``Cache-Control`` (see ``docs/decisions/026-downloads-made-once.md``).

* **Where**: ``DOWNLOADS_DIR/<key[:2]>/<key>/<format>`` (and ``<format>.gz`` for the text
  formats, served as ``Content-Encoding: gzip`` to clients that take it). The ``key`` is a
  digest of everything a file is made from besides the content the release checksum covers
  (index, version, publish time, citation, licence, changelog and the checksum itself, see
  :func:`.exports.about_release`), the language, and the code that makes the files
  (:func:`code_version`): a new version of Polindex or of a catalogue makes new files, and
  a release's file is never served for another (a restored database, a test database whose
  ids start again). Nothing of a release's own data (its checksum) changes.
* **Once**: an exclusive lock per file (``flock``: across threads, and across the workers of a
  host) makes a second first request wait for the first instead of making the file again;
  each file is written to a temporary name and renamed into place, so no reader ever sees a
  part of one. The ZIP of everything takes its parts from the store (made once too).
* **Kept apart from backups**: they are derived from the database and made again on demand, so
  ``polindex backup`` (the database only) leaves them out, and a restore needs nothing of them.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from polindex.web.releases import exports
from polindex.web.releases.models import Release

try:  # POSIX: a lock that every worker process of the host sees
    import fcntl
except ImportError:  # pragma: no cover - elsewhere each worker may make a file once more
    fcntl = None  # type: ignore[assignment]

PUBLIC = "public, max-age=31536000, immutable"
"""A published release's files: the same bytes for as long as the URL exists."""
PRIVATE = "private, no-store"
"""An embargoed release's files: never kept by a shared cache."""
GZIPPED = frozenset(f for f in exports.FORMATS if f not in exports.COMPRESSED)
"""Formats also kept gzipped (the text ones: CSV and JSON shrink five to ten times)."""
ACCEPTS_GZIP = re.compile(r"\bgzip\b")

MADE_FROM = (
    "polindex/web/releases/exports.py",
    "polindex/web/releases/robustness.py",
    "polindex/io/sheets.py",
    "polindex/web/reports/content.py",
    "polindex/web/reports/pdf.py",
    "polindex/web/reports/templates/reports/_body.html",
    "polindex/web/reports/templates/reports/print.html",
    "polindex/web/reports/templates/reports/print.css",
)
"""The modules whose code decides a file's bytes (with the catalogues and library versions)."""


@functools.cache
def code_version() -> str:
    """A digest of the code that makes the files: Polindex's version, the source of the
    modules and templates in :data:`MADE_FROM`, the translation catalogues and the versions
    of pandas and openpyxl. A change to any of them makes every download again."""
    from importlib.metadata import version  # not an import of openpyxl: that takes a while

    import polindex
    from polindex.version import __version__

    root = Path(polindex.__file__).resolve().parent.parent
    libraries = "|".join(version(name) for name in ("pandas", "openpyxl"))
    digest = hashlib.sha256(f"{__version__}|{libraries}".encode())
    for name in MADE_FROM:
        digest.update((root / name).read_bytes())
    for folder in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(folder).rglob("*.mo")):
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()[:16]


def key(release: Release, lang: str) -> str:
    """The digest a release's files in ``lang`` are kept under (see the module docstring)."""
    made_from = {"release": exports.about_release(release), "lang": lang, "code": code_version()}
    return hashlib.sha256(json.dumps(made_from, sort_keys=True).encode()).hexdigest()[:32]


def etag(release: Release, fmt: str, lang: str, gzipped: bool = False) -> str:
    """The strong ETag of one file: the same for the same bytes, whoever made them.

    Examples (with Django set up)::

        etag(release, "zip", "en")  # '"3f…9a-zip-en"'
    """
    return f'"{key(release, lang)[:20]}-{fmt}-{lang}{"-gz" if gzipped else ""}"'


def folder(release: Release, lang: str) -> Path:
    """Where the files of ``release`` in ``lang`` are kept."""
    k = key(release, lang)
    return Path(settings.DOWNLOADS_DIR) / k[:2] / k


def kept(release: Release, fmt: str, lang: str, export: exports.Export | None = None) -> Path:
    """The file of ``fmt`` for ``release`` in ``lang``, made now if it has not been (and its
    gzipped copy, for a text format), with ``export`` when given (the ZIP makes its parts
    with its own: the release is read once); ``KeyError`` for a format the release lacks."""
    if fmt not in exports.formats(release):
        raise KeyError(fmt)
    target = folder(release, lang) / fmt
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target.with_name(f"{fmt}.lock")):
        if target.exists():  # made while this request waited for the lock
            return target
        if export is None:
            made = exports.Export(release, lang)
            made.parts = lambda f: kept(release, f, lang, made).read_bytes()
            export = made
        content = export.content(fmt)
        if fmt in GZIPPED:
            _write(target.with_name(f"{fmt}.gz"), gzip.compress(content, 6, mtime=0))
        _write(target, content)  # last: its presence says both are there
    return target


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``lock`` (made if missing)."""
    with open(lock, "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _write(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` all at once: to a temporary file beside it, flushed to
    disk, then renamed (a reader sees the whole file or none)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class KeptFile(FileResponse):
    """A kept file, streamed in 128 KiB blocks (Django's 4 KiB make a 20 MB JSON five thousand
    writes where the server cannot hand the file to the kernel)."""

    block_size = 1 << 17


def response(request: HttpRequest, release: Release, fmt: str, lang: str) -> HttpResponse:
    """The download of ``fmt`` for ``release`` in ``lang``: the kept file (gzipped for a
    client that takes it, for a text format), or ``304 Not Modified`` when the client holds
    it already (``If-None-Match``), with its ETag and cache lifetime either way."""
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    gzipped = fmt in GZIPPED and bool(ACCEPTS_GZIP.search(accepted))
    media_type = exports.FORMATS[fmt]
    if media_type.startswith(("text/", "application/json")):
        media_type += "; charset=utf-8"

    def path() -> Path:
        found = kept(release, fmt, lang)
        return found.with_name(f"{fmt}.gz") if gzipped else found

    answer = served(
        request, release, etag(release, fmt, lang, gzipped), path, media_type,
        exports.file_name(release, fmt),
    )  # fmt: skip
    if gzipped and answer.status_code == 200:
        answer["Content-Encoding"] = "gzip"
    if fmt in GZIPPED:
        patch_vary_headers(answer, ["Accept-Encoding"])
    return answer


def kept_made(release: Release, name: str, lang: str, make: Callable[[], bytes]) -> Path:
    """The file ``name`` of ``release`` in ``lang`` kept beside its downloads, made by
    ``make`` on the first call (once, whoever asks at the same time): the country reports."""
    target = folder(release, lang) / name
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target.with_name(f"{name}.lock")):
        if not target.exists():  # (or made while this call waited for the lock)
            _write(target, make())
    return target


def served(
    request: HttpRequest, release: Release, tag: str, path: Callable[[], Path], media_type: str,
    filename: str,
) -> HttpResponse:  # fmt: skip
    """A kept file as a download: ``304 Not Modified`` when the client holds ``tag`` already,
    else the file at ``path()`` (made then, if need be); with its ETag and cache lifetime."""
    held = request.META.get("HTTP_IF_NONE_MATCH", "")
    answer: HttpResponse
    if held.strip() == "*" or tag in _tags(held):
        answer = HttpResponse(status=304)
    else:
        answer = KeptFile(
            open(path(), "rb"),  # noqa: SIM115
            content_type=media_type,
            as_attachment=True,
            filename=filename,
        )
    answer["ETag"] = tag
    answer["Cache-Control"] = PUBLIC if release.publish_at <= timezone.now() else PRIVATE
    return answer


def _tags(header: str) -> list[str]:
    """The entity tags of an ``If-None-Match`` header (weak ones compared as strong: a
    weak comparison is what RFC 9110 asks for ``If-None-Match``).

    Examples
    --------
    >>> _tags('"a", W/"b"')
    ['"a"', '"b"']
    """
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]
