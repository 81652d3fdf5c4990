"""Who may do what with suggested corrections — the one place that decides.

Anyone (no account) may suggest a correction to a release they can see (the explorer's
visibility rule: :func:`polindex.web.releases.visibility.visible_releases`). Only the central
team — the collection's ``manage_edition`` permission, see
:func:`polindex.web.collection.permissions.is_central` — sees the moderation queue, decides on
suggestions, reads the submitters' personal data and erases it. The admin and every other view
ask the functions here and nothing else.
"""

from __future__ import annotations

from typing import Any

from polindex.web.collection.permissions import is_central


def may_moderate(user: Any) -> bool:
    """Whether ``user`` sees the moderation queue and decides on suggestions.

    >>> from django.contrib.auth.models import AnonymousUser
    >>> may_moderate(AnonymousUser())
    False
    """
    return bool(is_central(user))


def may_see_personal_data(user: Any) -> bool:
    """Whether ``user`` reads (and erases) the submitters' names, organisations and e-mails.

    >>> from django.contrib.auth.models import AnonymousUser
    >>> may_see_personal_data(AnonymousUser())
    False
    """
    return bool(is_central(user))
