"""The static bake: the public explorer and a JSON mirror of the API as plain files.

Pages are fetched as an anonymous visitor (so nothing under embargo can leak into a bake),
starting from the home page and the release's page in every language of the site (``/``,
``/fr/``: decision 024) and following every same-site link; each page is written as
``<path>/index.html`` and every other file (downloads, API JSON) under its own path, so any
static host serves the tree as it is. ``base_url`` is the address the bake will be served from:
the pages' absolute links (``hreflang``) name it.
"""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation

from polindex.web.releases.models import Release

LINK = re.compile(r"""(?:href|src)=["']([^"'#]+)["']""")


def _target(root: Path, path: str, content_type: str) -> Path:
    clean = unquote(path).lstrip("/")
    if path.endswith("/") or not clean:
        return root / clean / "index.html"
    api = clean.startswith("api/")
    if api and content_type.startswith("application/json") and not clean.endswith(".json"):
        return root / f"{clean}.json"
    return root / clean


def api_paths(release: Release, page_size: int = 1000) -> list[str]:
    """The API URLs the mirror holds for ``release`` (scores in pages of ``page_size``)."""
    base = f"/api/v1/releases/{release.index.code}/{release.version}"
    paths = ["/api/v1/releases", base, f"{base}/framework", f"{base}/units", "/api/v1/openapi.json"]
    if release.robustness:
        paths.append(f"{base}/robustness")
    total = release.scores.count()
    for offset in range(0, max(total, 1), page_size):
        paths.append(f"{base}/scores?limit={page_size}&offset={offset}")
    return paths


# what only a running server can do (sign in, the workspace, the admin, the language form):
# never written into a static copy, though every page's header links to it
SERVER_ONLY = ("/admin/", "/i18n/", "/accounts/", "/work/")
LIVE_TOOLS = re.compile(
    r"^(/[a-z]{2})?/[^/]+/[^/]+/(what-if|goal|weights|compare-with|feedback)/"
    r"|^/api/v1/releases/[^/]+/[^/]+/(what-if|goal|weights|compare-with|compare-aggregation)/?"
)
"""The tools that compute per question (what-if, goals, your own weights, comparisons) and the
form that posts a correction: a static copy cannot answer them, so it links to the server."""


def server_only(path: str) -> bool:
    """Whether ``path`` needs the running server (never written into a static copy).

    >>> server_only("/work/"), server_only("/fr/SYNTH/demo/what-if/AT/"), server_only("/SYNTH/")
    (True, True, False)
    """
    return path.startswith(SERVER_ONLY) or LIVE_TOOLS.match(path) is not None


def bake(release: Release, out: Path, base_url: str = "http://localhost") -> list[str]:
    """Write the static site for ``release`` into ``out``, as served from ``base_url``; returns
    the paths written (the country reports' pages, PDFs and ZIP among them).

    Raises ``LookupError`` when the release is not public yet (a bake is for everyone).
    """
    where = urlsplit(base_url)
    host = where.netloc or "localhost"
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, host.split(":")[0]]):
        return _bake(release, out, Client(HTTP_HOST=host), secure=where.scheme == "https")


def _bake(release: Release, out: Path, client: Client, secure: bool) -> list[str]:
    args = [release.index.code, release.version]
    starts = []
    for lang, _ in settings.LANGUAGES:
        with translation.override(lang):
            starts += [reverse("explorer:home"), reverse("explorer:release", args=args)]
    if client.get(starts[1], secure=secure).status_code != 200:
        raise LookupError(f"{release} is not public (embargoed until {release.publish_at})")
    from polindex.web.reports.tasks import build_all

    build_all(release)  # every country report (PDF, ZIP) made first: the crawl serves the files
    seen: set[str] = set()
    queue = deque(starts)
    written: list[str] = []
    while queue:
        path = queue.popleft()
        if path in seen or server_only(path):
            continue
        seen.add(path)
        response = client.get(path, secure=secure)
        if response.status_code != 200:
            continue
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        target = _target(out, path, content_type)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        written.append(path)
        if content_type.startswith("text/html"):
            for link in LINK.findall(body.decode("utf-8", "replace")):
                url = urlsplit(urljoin(path, link))
                if url.scheme or url.netloc or url.query:
                    continue  # outside links and query-string views are not baked
                queue.append(url.path)
    mirror = {}
    for path in api_paths(release):
        response = client.get(path, secure=secure)
        if response.status_code != 200:
            continue
        name = path.replace("?", "_").replace("&", "_").replace("=", "-")
        target = (
            out / f"{name.lstrip('/')}.json"
            if not path.endswith(".json")
            else out / path.lstrip("/")
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.content)
        mirror[path] = str(target.relative_to(out))
        written.append(path)
    (out / "api" / "v1" / "mirror.json").write_text(json.dumps(mirror, indent=1), encoding="utf-8")
    return written
