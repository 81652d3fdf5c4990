"""Caching and CORS headers for the API (one middleware, one rule).

Responses to GET requests get ``Access-Control-Allow-Origin: *`` (read-only data, no credentials)
and a ``Cache-Control``: shared caches may keep what anyone can see for five minutes; what only a
user with the embargo role can see is ``private, no-store``, so an embargoed number never lands in
a shared cache. ETags come from Django's ``ConditionalGetMiddleware`` (304 on a match). Every
API error answers with a JSON body ``{"detail": …}``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from polindex.web.releases.visibility import can_see_embargoed

PUBLIC_MAX_AGE = 300
READ_ONLY = ("/api/v1/openapi.json", "/api/v1/docs")
"""The schema and its docs page: django-ninja answers any method there, as if it were GET."""


def api_headers(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path in READ_ONLY and request.method not in ("GET", "HEAD", "OPTIONS"):
            refused = JsonResponse({"detail": "Method Not Allowed"}, status=405)
            refused["Allow"] = "GET, HEAD, OPTIONS"
            return refused
        response = get_response(request)
        if not request.path.startswith("/api/"):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):  # every API error has a JSON body (Django's own 404/405 pages are HTML)
            replacement = JsonResponse(
                {"detail": response.reason_phrase}, status=response.status_code
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            response = replacement
        if request.method not in ("GET", "HEAD"):
            return response
        response["Access-Control-Allow-Origin"] = "*"
        response["Vary"] = "Cookie"
        if can_see_embargoed(getattr(request, "user", None)):
            response["Cache-Control"] = "private, no-store"
        elif response.status_code == 200:
            response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
        return response

    return middleware
