"""A shared cache of public responses (pages and API), safe under embargo.

Only anonymous GET requests are cached (a signed-in user may see embargoed releases or their
own workspace), and the key holds the scheme and host asked for (a page may hold absolute
links: the sitemap and ``hreflang`` do), the language — the address's on public pages (``/fr/…``,
decision 024), the visitor's on the API —, the full path, and the set of releases public at that
moment (re-read every few seconds): when an embargo ends, every key changes and nothing stale or
privileged is ever served. A tool's page made from a visitor's own input (a what-if with changed
answers, a goal, custom weights: :data:`VISITORS_OWN`) is not kept. Admin, language switching
and anything but GET pass through, and a page that carries a CSRF token (the form to suggest a
correction) is never kept.

The responses live in the ``pages`` cache, shared by every worker (database tables, or Redis
with ``POLINDEX_REDIS_URL``), with the headers they were made with — a chart meant to be
embedded elsewhere keeps its framing and Content-Security-Policy headers on a cache hit.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import quote_etag

from polindex.web.releases.models import Release

PAGE_TIMEOUT = 300
STAMP_TIMEOUT = 5
SKIPPED = (
    "/admin/",
    "/i18n/",
    "/assets/",
    "/static/",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/work/",
    "/accounts/",
)
UNCACHED = {"content-type", "content-length", "set-cookie", "vary"}  # set again on a hit
VISITORS_OWN = {
    "explorer:dialogue:whatif",
    "explorer:dialogue:goal",
    "explorer:dialogue:weights",
    "api:whatif",
    "api:goal",
    "api:release_weights",
}
"""Tools whose address carries a visitor's own input (answers changed, a goal, weights). With
a query string such a response is made for one visitor: it is not kept, or one-off simulations
would push the pages everyone reads out of the cache and cost a write of the page per request.
Without one (the published figures) it is kept like any page."""
LOCAL_ENTRIES = 128
"""Pages each worker also keeps in its own memory (about 80 kB each)."""


class LocalCopies:
    """A worker's own copies of the shared cache's pages, used only while the shared cache
    still holds the same key: asking whether it does costs a key lookup, where reading the
    page back costs unpickling (and, in the database cache, base64-decoding) 80 kB — half of
    a cached page's time. A page deleted or expired in the shared cache (a restore, an
    embargo ending, ``clear()``) is never served from a copy. The key holds everything the
    page depends on (see :func:`public_cache`), so a copy is the page the key would give.

    >>> copies = LocalCopies(2)
    >>> copies.put("a", {"content": b"A"}); copies.put("b", {}); copies.put("c", {})
    >>> copies.get("a") is None, copies.get("c")
    (True, {})
    """

    def __init__(self, size: int = LOCAL_ENTRIES) -> None:
        self.size = size
        self._pages: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: dict[str, Any]) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


local_copies = LocalCopies()


def visibility_stamp() -> str:
    """A short digest of the releases public now (cached for a few seconds)."""
    cache = caches["pages"]
    stamp = cache.get("polindex:public-releases")
    if stamp is None:
        ids = Release.objects.filter(publish_at__lte=timezone.now()).order_by("id")
        stamp = hashlib.sha1(
            ",".join(str(i) for i in ids.values_list("id", flat=True)).encode()
        ).hexdigest()[:16]
        cache.set("polindex:public-releases", stamp, STAMP_TIMEOUT)
    return str(stamp)


def public_cache(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[..., HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if (
            request.method != "GET"
            or request.path.startswith(SKIPPED)
            or getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            return get_response(request)
        language = getattr(request, "LANGUAGE_CODE", "")
        where = f"{request.scheme}://{request.get_host()}"
        raw = f"{where}|{language}|{request.get_full_path()}|{visibility_stamp()}"
        key = "polindex:page:" + hashlib.sha1(raw.encode()).hexdigest()
        cache = caches["pages"]
        hit = local_copies.get(key)
        if hit is None or not cache.has_key(key):
            hit = cache.get(key)
            if hit is not None:
                local_copies.put(key, hit)
        if hit is not None:
            response = HttpResponse(hit["content"], content_type=hit["type"], status=200)
            for header, value in hit["headers"].items():
                response[header] = value
            return response
        response = get_response(request)
        match = getattr(request, "resolver_match", None)
        if request.GET and match is not None and match.view_name in VISITORS_OWN:
            return response
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # a page with a CSRF token (a form that posts: suggest a correction) is the visitor's
            # own: the token's cookie is set further out, after this middleware has run
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            if not response.has_header("ETag"):  # once, not per hit (an MD5 of 80 kB)
                response["ETag"] = quote_etag(
                    hashlib.md5(response.content, usedforsecurity=False).hexdigest()
                )
            headers = {h: v for h, v in response.items() if h.lower() not in UNCACHED}
            page = {
                "content": response.content,
                "type": response["Content-Type"],
                "headers": headers,
            }
            cache.set(key, page, PAGE_TIMEOUT)
            local_copies.put(key, page)
        return response

    return middleware
