"""``/sitemap.xml``: the public pages of every published release (never an embargoed one —
the sitemap asks the visibility gate as an anonymous visitor)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_releases


def _public() -> list[Release]:
    return list(visible_releases(AnonymousUser()).order_by("index__code", "version"))


class Pages(Sitemap):
    """Every public page: home, and per release its ranking, methodology, robustness, compare,
    country profiles and node pages."""

    limit = 50000

    def items(self) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = [(reverse("explorer:home"), None)]
        for r in _public():
            args = [r.index.code, r.version]
            out.append((reverse("explorer:release", args=args), r))
            out.append((reverse("explorer:methodology", args=args), r))
            out.append((reverse("explorer:compare", args=args), r))
            if r.robustness:
                out.append((reverse("explorer:robustness", args=args), r))
            units = r.scores.order_by("unit").values_list("unit", flat=True).distinct()
            out.extend((reverse("explorer:unit", args=[*args, u]), r) for u in units)
            out.extend(
                (reverse("explorer:node", args=[*args, code]), r)
                for code in r.definition.framework.labels()
            )
        return out

    def location(self, item: tuple[str, Any]) -> str:
        return item[0]

    def lastmod(self, item: tuple[str, Any]) -> Any:
        return item[1].publish_at if item[1] is not None else None
