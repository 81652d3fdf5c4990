"""Web addresses that hold a control character are refused before any view (issue 13).

No Polindex address or query parameter holds a C0 control character (U+0000 to U+001F) other
than tab, line feed and carriage return, and PostgreSQL refuses a NUL in any text it is given:
``/explorer/ImmPol%00/`` was a server error there, on SQLite a plain 404. ``refuse_control_
characters`` (early in ``MIDDLEWARE``: before sessions, the page cache and any query) answers
such a request at once:

* a page: 400, a short page saying why (``400.html``, in the visitor's language);
* the API (``/api/…``): JSON as the API answers otherwise — 404 ``{"detail": "Not Found"}``
  for a control character in the path, 422 with one django-ninja-style entry per offending
  query parameter (``{"detail": [{"loc": ["query", NAME], "msg": …}]}``) in its name or value.

The refusal passes through the same header middleware as any answer (security headers, the
API's CORS, framing and Content-Security-Policy), and HEAD is answered as GET above it. A cookie
that holds a control character is dropped as if it had not been sent (a session key with a NUL
was a server error on every page). Posted form fields are the forms' business: Django's
``CharField`` refuses a NUL ("Null characters are not allowed.").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from polindex.web.api.headers import api_headers
from polindex.web.languages import page_language

CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f"
"""C0 control characters but tab, line feed and carriage return (a regular expression range)."""
CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
NO_CONTROL = f"^[^{CONTROL_CHARACTERS}]*$"
"""A text without any: the pattern of the API's text parameters in its OpenAPI schema."""

API = "/api/"


def control_character(text: str) -> str:
    """The first control character in ``text`` as ``U+XXXX``, or ``""`` when there is none.

    Example::

        >>> control_character("ImmPol\\x00"), control_character("a\\tb")
        ('U+0000', '')
    """
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else ""


def _query_problems(request: HttpRequest) -> list[dict[str, object]]:
    """One django-ninja-style 422 entry per query parameter with a control character."""
    problems: list[dict[str, object]] = []
    for name, values in request.GET.lists():
        if char := control_character(name):
            msg = f"The parameter's name holds a control character ({char})"
        elif char := next(filter(None, map(control_character, values)), ""):
            msg = f"Value must not hold a control character ({char})"
        else:
            continue
        problems.append({"type": "control_character", "loc": ["query", name], "msg": msg})
    return problems


def _refusal(request: HttpRequest) -> HttpResponse:
    in_path = bool(control_character(request.path))
    if request.path.startswith(API):
        if in_path:
            return JsonResponse({"detail": "Not Found"}, status=404)
        return JsonResponse({"detail": _query_problems(request)}, status=422)
    with translation.override(page_language(request)):
        problem = (
            gettext("This web address holds a control character, which no address here uses.")
            if in_path
            else gettext("A parameter of this web address holds a control character.")
        )
        page = render_to_string("400.html", {"problem": problem})
    return HttpResponseBadRequest(page)


def refuse_control_characters(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: refuse an address with a control character (400 page, API 404/422) and
    drop any cookie holding one.

    Example (with Django set up)::

        Client().get("/api/v1/releases/x%00y/2016").json()  # {'detail': 'Not Found'}
    """

    # the headers every answer gets, in MIDDLEWARE's order (sessions, caches and views left out)
    refuse = SecurityMiddleware(
        api_headers(XFrameOptionsMiddleware(ContentSecurityPolicyMiddleware(_refusal)))
    )

    def middleware(request: HttpRequest) -> HttpResponse:
        for name, value in list(request.COOKIES.items()):
            if control_character(name + value):
                del request.COOKIES[name]
        if control_character(request.path) or any(
            control_character(name + "".join(values)) for name, values in request.GET.lists()
        ):
            return refuse(request)
        return get_response(request)

    return middleware
