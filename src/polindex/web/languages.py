"""The language is in the address: ``/…`` is English, ``/fr/…`` French (decision 024).

The public explorer's pages are served under ``i18n_patterns`` without a prefix for the default
language, so one address shows one language — to a visitor, a search engine, an embedding page,
a shared link, the static bake and the page cache alike. What is not a public page keeps the
visitor's preference (the ``django_language`` cookie, else ``Accept-Language``): the API (which
also takes ``?lang=fr``), the workspace, the admin and the account pages.

* :func:`address_language` — the middleware that picks the language (in place of Django's
  ``LocaleMiddleware``, which would force English on every unprefixed path, the workspace's too).
* :func:`alternates` — the same page in every language (the language links and ``hreflang``).
* :func:`set_language` — Django's view for the workspace's language form, taking a ``next``
  address in either language to the same page in the language chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, ResolverMatch, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language as django_set_language

BY_PREFERENCE = ("/api/", "/work/", "/admin/", "/accounts/", "/i18n/")
"""Paths whose language is the visitor's preference, not their address."""
ADDRESSED = "explorer"
"""The URL namespace whose pages have one address per language."""


def _supported(code: str | None) -> str | None:
    """``code`` if it is one of the site's languages (``fr``, ``en``), else ``None``."""
    return code if code in dict(settings.LANGUAGES) else None


def unprefixed_language(request: HttpRequest) -> tuple[str, bool]:
    """The language of an address without a language prefix, and whether the visitor's
    preference chose it: on :data:`BY_PREFERENCE` paths ``?lang=`` (API), the cookie or
    ``Accept-Language``; on a public page the default language."""
    path = request.path_info
    if not path.startswith(BY_PREFERENCE):
        return settings.LANGUAGE_CODE, False
    asked = _supported(request.GET.get("lang")) if path.startswith("/api/") else None
    return asked or translation.get_language_from_request(request), True


def page_language(request: HttpRequest) -> str:
    """The language a page at this address is in: its prefix's (``/fr/…``), else
    :func:`unprefixed_language`'s (for the pages rendered before the middleware ran, such as
    the refusal of an address holding a control character)."""
    return _supported(request.path_info.split("/", 2)[1]) or unprefixed_language(request)[0]


def address_language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: activate the language of the address (``/fr/…``: French; any other public
    page: the default language) or, on :data:`BY_PREFERENCE` paths, the visitor's (``?lang=`` on
    the API, the cookie, ``Accept-Language``). ``/en/…`` redirects to the unprefixed address.

    Responses say their language (``Content-Language``); only those chosen by preference vary
    with ``Accept-Language``, so a public page is one cache entry per address.

    Example (with Django set up)::

        Client().get("/fr/")["Content-Language"]  # 'fr'
        Client().get("/", HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"]  # 'en'
    """
    default = settings.LANGUAGE_CODE

    def middleware(request: HttpRequest) -> HttpResponse:
        path = request.path_info
        language = _supported(path.split("/", 2)[1])  # the first segment, exactly: fr, not fr-ca
        by_preference = False
        if language == default:  # /en/… is the unprefixed address (never //host: one slash)
            rest = "/" + path[len(default) + 1 :].lstrip("/")
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(rest + (f"?{query}" if query else ""))
        if language is None:
            language, by_preference = unprefixed_language(request)
        before = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = get_response(request)
        if by_preference:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        if response.streaming:  # a streamed body is still to be written in this language:
            # its language goes when the server closes it (a kept download is a stream too)
            response._resource_closers.append(lambda: translation.activate(before))
        else:
            translation.activate(before)  # nothing after the response runs in its language
        return response

    return middleware


@dataclass(frozen=True)
class Alternate:
    """The current page in one language: its code, its name in itself, its address (and the
    same, absolute: ``hreflang`` links want one), whether it is the page's language and the
    site's default (``x-default``)."""

    code: str
    name: str
    url: str
    absolute: str
    current: bool
    default: bool


def _address(match: ResolverMatch, language: str, query: str) -> str | None:
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            path = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return None
    return f"{path}?{query}" if query else path


def alternates(request: HttpRequest) -> list[Alternate]:
    """The page asked for in every language of the site, the query string kept (an empty list
    for a page whose address has no language: the workspace, the admin, an unknown path).

    Example (with Django set up)::

        [a.url for a in alternates(request_for("/fr/TOY/2024.1/?period=2023"))]
        # ['/TOY/2024.1/?period=2023', '/fr/TOY/2024.1/?period=2023']
    """
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != ADDRESSED:
        return []
    current, default = translation.get_language(), settings.LANGUAGE_CODE
    query = request.META.get("QUERY_STRING", "")
    out = []
    for code, name in settings.LANGUAGES:
        url = _address(match, code, query)
        if url is None:
            return []
        absolute = request.build_absolute_uri(url)
        out.append(Alternate(code, name, url, absolute, code == current, code == default))
    return out


@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (POST ``language`` and ``next``: the cookie is set and the
    visitor sent back), ``next`` read in its own language so that an explorer page — unprefixed
    or under ``/fr/`` — leads to the same page in the language chosen.

    Switching only sets a cookie: without a CSRF token in the form, pages stay identical for
    every visitor and can be cached.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    own = _supported((urlsplit(next_url).path + "/").split("/", 2)[1])
    with translation.override(own or settings.LANGUAGE_CODE):
        return django_set_language(request)
