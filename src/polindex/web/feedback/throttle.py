"""At most :data:`PER_ADDRESS` suggestions from one network address within :data:`WINDOW`
seconds: every attempt counts (a failed one too), in the shared cache every worker sees, with
the sign-in throttle's atomic counter (:func:`polindex.web.collection.login.count_attempt`)."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest

from polindex.web.collection.login import count_attempt

WINDOW = 60 * 60
PER_ADDRESS = 10


def counter(address: str) -> str:
    """The shared cache's key counting the suggestions sent from ``address`` (hashed: no
    address is stored in the clear).

    >>> counter("192.0.2.1")[:26], len(counter("192.0.2.1"))
    ('polindex:feedback:address:', 58)
    """
    return "polindex:feedback:address:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def over_limit(request: HttpRequest) -> bool:
    """Count this attempt from the request's address; whether it is one too many."""
    return count_attempt(counter(request.META.get("REMOTE_ADDR", "")), WINDOW) > PER_ADDRESS
