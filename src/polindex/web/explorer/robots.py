"""``/robots.txt``: crawlers may read every public page, not the workspace, the admin or the
sign-in pages, and find every public page in the sitemap (an absolute address, from the request).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

PRIVATE = ("/work/", "/admin/", "/accounts/")


def robots_txt(request: HttpRequest) -> HttpResponse:
    """The rules for crawlers, as plain text.

    Example (with Django set up)::

        Client().get("/robots.txt").content.decode().splitlines()[:3]
        # ['User-agent: *', 'Allow: /', 'Disallow: /work/']
    """
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in PRIVATE)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
