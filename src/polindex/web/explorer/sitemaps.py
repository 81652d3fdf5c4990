"""``/sitemap.xml``: the public pages of every published release (never an embargoed one —
the sitemap asks the visibility gate as an anonymous visitor), each in every language with its
alternates (``xhtml:link hreflang``, ``x-default`` the unprefixed English address)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_releases

Page = tuple[str, list[str], Release | None]
"""A page: its URL name, arguments and release (``None``: the home page)."""


def _public() -> list[Release]:
    return list(visible_releases(AnonymousUser()).order_by("index__code", "version"))


class Pages(Sitemap):
    """Every public page: home, and per release its ranking, methodology, robustness, compare,
    country profiles and node pages — in every language of the site."""

    limit = 50000
    i18n = True  # each page once per language, its address reversed in that language
    alternates = True
    x_default = True

    def items(self) -> list[Page]:
        out: list[Page] = [("explorer:home", [], None)]
        for r in _public():
            args = [r.index.code, r.version]
            out.append(("explorer:release", args, r))
            out.append(("explorer:methodology", args, r))
            out.append(("explorer:compare", args, r))
            if r.robustness:
                out.append(("explorer:robustness", args, r))
            units = r.scores.order_by("unit").values_list("unit", flat=True).distinct()
            out.extend(("explorer:unit", [*args, u], r) for u in units)
            out.extend(
                ("explorer:node", [*args, code], r) for code in r.definition.framework.labels()
            )
        return out

    def location(self, item: Page) -> str:
        return reverse(item[0], args=item[1])

    def lastmod(self, item: Page) -> Any:
        return item[2].publish_at if item[2] is not None else None
