"""The one place that decides what is visible: every page, API route and download uses it, and
so does the admin (Django's "view release" permission shows published releases only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from polindex.web.releases.models import Release, ReleaseScore

EMBARGO_PERMISSION = "releases.view_embargoed"


def can_see_embargoed(user: Any) -> bool:
    """Whether ``user`` may see releases before their publish time."""
    return bool(user is not None and user.is_authenticated and user.has_perm(EMBARGO_PERMISSION))


def can_see(user: Any, release: Release) -> bool:
    """Whether ``user`` may see ``release``: once published, everyone; before, the embargo
    permission only.

    >>> from django.contrib.auth.models import AnonymousUser
    >>> can_see(AnonymousUser(), Release(publish_at=timezone.now()))
    True
    """
    return release.publish_at <= timezone.now() or can_see_embargoed(user)


def visible_releases(user: Any) -> QuerySet[Release]:
    """Releases ``user`` may see: published ones, and embargoed ones for the right role."""
    releases = Release.objects.select_related("index")
    if can_see_embargoed(user):
        return releases
    return releases.filter(publish_at__lte=timezone.now())


def visible_release_or_404(user: Any, index: str, version: str) -> Release:
    """The release ``index``/``version`` if ``user`` may see it, else ``Http404`` (an
    embargoed release does not exist for those who may not see it): the one door every page
    and API route of one release goes through."""
    try:
        return visible_releases(user).get(index__code=index, version=version)
    except Release.DoesNotExist:
        raise Http404("no such release") from None


def visible_scores(user: Any) -> QuerySet[ReleaseScore]:
    """Scores of the releases ``user`` may see."""
    return ReleaseScore.objects.filter(release__in=visible_releases(user))
