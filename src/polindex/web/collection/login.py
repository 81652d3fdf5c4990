"""Sign-in with throttling: at most 5 attempts for an account name (and 20 from an address)
within 15 minutes count; further ones are refused (HTTP 429) before the password is checked.

The account name is counted as Django's sign-in form reads it — NFKC-normalised, so that
full-width ``ｅｘｐｅｒｔ`` is ``expert`` — and case-folded. Every attempt first increments its
counters (an atomic increment in the shared cache: the database cache or Redis, so all workers
count together) and is then decided on the numbers returned: of 30 simultaneous attempts, only
the first 5 reach the password check. A successful sign-in clears its name's counter and gives
its attempt back to the address.
"""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from typing import Any

from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

WINDOW = 15 * 60
PER_NAME = 5
PER_ADDRESS = 20


def account_name(typed: str) -> str:
    """The account a typed user name signs in to, as the throttle counts it: NFKC-normalised
    (as Django's sign-in form does), case-folded, without surrounding spaces.

    Examples
    --------
    >>> account_name(" ｅｘｐｅｒｔ-AT "), account_name("Straße")
    ('expert-at', 'strasse')
    """
    folded = unicodedata.normalize("NFKC", typed).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def _counter(kind: str, value: str) -> str:
    return f"polindex:login:{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]


def _counters(request: HttpRequest) -> list[tuple[str, int]]:
    name = account_name(str(request.POST.get("username", ""))[:300])
    address = request.META.get("REMOTE_ADDR", "")
    return [(_counter("name", name), PER_NAME), (_counter("address", address), PER_ADDRESS)]


def count_attempt(key: str, window: int = WINDOW) -> int:
    """Count one attempt on ``key`` and return how many there have been in its window (which
    starts at the first): one atomic increment in the shared cache.

    Example (with Django set up)::

        count_attempt("polindex:login:name:…")  # 1, 2, 3, … for 15 minutes
    """
    for _retry in range(3):
        cache.add(key, 0, window)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between the two calls: start a new window
            continue
    raise RuntimeError(f"the shared cache keeps no counter at {key}")


class ThrottledLoginView(LoginView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        counts = [(count_attempt(key), limit) for key, limit in _counters(request)]
        if any(count > limit for count, limit in counts):
            # the form without the password: validating it authenticates nobody
            form = self.get_form_class()(request, data={"username": request.POST.get("username")})
            form.add_error(None, _("Too many failed sign-ins: try again in 15 minutes."))
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        (name, _limit), (address, _limit) = _counters(self.request)
        cache.delete(name)
        with contextlib.suppress(ValueError):  # unless the window has just ended
            cache.decr(address)
        return super().form_valid(form)
