"""A shared cache of public responses (pages and API), safe under embargo.

Only anonymous GET requests are cached (a signed-in user may see embargoed releases or their
own workspace), and the key holds the scheme and host asked for (a page may hold absolute
links: the sitemap and ``hreflang`` do), the language — the address's on public pages (``/fr/…``,
decision 024), the visitor's on the API —, the full path, and the set of releases public at that
moment (re-read every few seconds): when an embargo ends, every key changes and nothing stale or
privileged is ever served. Admin, language switching and anything but GET pass through, and a
page that carries a CSRF token (the form to suggest a correction) is never kept.

The responses live in the ``pages`` cache, shared by every worker (database tables, or Redis
with ``POLINDEX_REDIS_URL``), with the headers they were made with — a chart meant to be
embedded elsewhere keeps its framing and Content-Security-Policy headers on a cache hit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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
        hit = cache.get(key)
        if hit is not None:
            response = HttpResponse(hit["content"], content_type=hit["type"], status=200)
            for header, value in hit["headers"].items():
                response[header] = value
            return response
        response = get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # a page with a CSRF token (a form that posts: suggest a correction) is the visitor's
            # own: the token's cookie is set further out, after this middleware has run
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            headers = {h: v for h, v in response.items() if h.lower() not in UNCACHED}
            cache.set(
                key,
                {"content": response.content, "type": response["Content-Type"], "headers": headers},
                PAGE_TIMEOUT,
            )
        return response

    return middleware
