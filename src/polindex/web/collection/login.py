"""Sign-in with throttling: after 5 failed attempts for a user name (or 20 from an address)
within 15 minutes, further attempts are refused (HTTP 429) until the window passes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

WINDOW = 15 * 60
PER_USER = 5
PER_ADDRESS = 20


def _keys(request: HttpRequest) -> list[tuple[str, int]]:
    address = request.META.get("REMOTE_ADDR", "")
    name = str(request.POST.get("username", "")).strip().lower()[:150]
    return [
        (f"polindex:login:user:{name}", PER_USER),
        (f"polindex:login:addr:{address}", PER_ADDRESS),
    ]


class ThrottledLoginView(LoginView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if any((cache.get(key) or 0) >= limit for key, limit in _keys(request)):
            form = self.get_form()
            form.add_error(None, _("Too many failed sign-ins: try again in 15 minutes."))
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        for key, _limit in _keys(self.request):
            cache.add(key, 0, WINDOW)
            cache.incr(key)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        cache.delete(_keys(self.request)[0][0])
        return super().form_valid(form)
