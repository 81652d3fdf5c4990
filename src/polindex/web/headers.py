"""Three response rules that hold for every route: HEAD answers as GET does, what a signed-in
user is shown is never kept by a shared cache, and archives are not gzipped again.

* ``head_as_get``: a HEAD request is handled as the GET of the same URL (RFC 9110: the same
  status and headers, no body), on every route — the API's django-ninja operations, which
  declare GET only, included. Middleware below it sees a GET (so a HEAD is served from the page
  cache like a GET); the body is dropped at the end and ``Content-Length`` still gives its size.
* ``private_when_signed_in``: every response to a signed-in user gets
  ``Cache-Control: private, no-store``. Such a user may see embargoed releases (pages, API,
  downloads, charts) or their workspace; deciding per response whether its content came from an
  embargoed release would be one more place that could forget, so the rule goes by who asks.
  Files whose content never depends on the user (``/static/``, ``/assets/``) keep their own.
* ``Compression``: Django's gzip middleware, except for responses that are compressed archives
  already (ZIP, XLSX, PNG): gzip would gain nothing there, cost a core for every download,
  and turn their strong ETag into a weak one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

PRIVATE = "private, no-store"
SHARED_FILES = ("/static/", "/assets/")


def head_as_get(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware (first in ``MIDDLEWARE``): answer HEAD as the GET of the same URL, no body.

    Example (with Django set up)::

        Client().head("/api/v1/releases")  # 200, the GET's headers, b""
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return get_response(request)
        request.method = "GET"
        try:
            response = get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:  # a file is not read for nothing; it is closed with the
            response.streaming_content = []  # response, when the server is done with it
        else:
            if not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    return middleware


def private_when_signed_in(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: ``Cache-Control: private, no-store`` on every response to a signed-in user.

    Example (with Django set up)::

        client.force_login(user)
        client.get("/")["Cache-Control"]  # 'private, no-store'
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(SHARED_FILES):
            response["Cache-Control"] = PRIVATE
        return response

    return middleware


ARCHIVES = frozenset(
    {
        "application/zip",
        "application/gzip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
    }
)
"""Media types that are compressed already."""


class Compression(GZipMiddleware):
    """Middleware: gzip as Django does, but leave compressed archives (:data:`ARCHIVES`) as
    they are.

    Example (with Django set up)::

        Client().get("/IMPIC/2016/download/zip", HTTP_ACCEPT_ENCODING="gzip")  # no gzip
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        media_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if media_type in ARCHIVES:
            return response
        out: HttpResponse = super().process_response(request, response)
        return out
