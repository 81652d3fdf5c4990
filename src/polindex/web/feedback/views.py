"""The public "suggest a correction" page of a release, and the page that thanks for one.

The page is the site's only public form that posts: it carries a CSRF token (so it is never
served from the public page cache — the token's cookie keeps it out), needs no JavaScript and
no account. A POST is counted against its address first (:mod:`.throttle`), then read; a
suggestion is stored only when every field is valid and the honeypot is empty, and the visitor
is sent on to the thanks page (POST-redirect-GET). Country profiles and indicator pages link
here with the country (``?unit=``) or the question (``?node=``) already chosen.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_safe

from polindex.web.feedback.forms import MAX_BODY, SuggestionForm, choices
from polindex.web.feedback.models import Suggestion
from polindex.web.feedback.throttle import PER_ADDRESS, over_limit
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_release_or_404


def _release(request: HttpRequest, index: str, version: str) -> Release:
    return visible_release_or_404(request.user, index, version)


def _context(release: Release, **more: Any) -> dict[str, Any]:
    return {"release": release, "synthetic": release.synthetic, **more}


@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """``/INDEX/VERSION/feedback/``: the form (GET, with ``?unit=`` and ``?node=`` chosen
    when they name the release's), and a suggestion sent (POST)."""
    release = _release(request, index, version)
    units, nodes = choices(release, get_language())
    made = {"units": units, "nodes": nodes}
    if request.method != "POST":
        initial = {
            "unit": request.GET.get("unit", "") if request.GET.get("unit") in dict(units) else "",
            "node": request.GET.get("node", "") if request.GET.get("node") in dict(nodes) else "",
        }
        return _form_page(request, release, SuggestionForm(initial=initial, **made))
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = MAX_BODY + 1
    if size > MAX_BODY:
        message = gettext("Your suggestion is too long to be read: shorten it and send it again.")
        return _form_page(request, release, SuggestionForm(**made), message, status=413)
    if over_limit(request):
        message = gettext(
            "%(n)d suggestions have been sent from your network address in the last hour, the "
            "most we take: nothing was sent this time. Please try again in an hour (your text "
            "is still below)."
        ) % {"n": PER_ADDRESS}
        form = SuggestionForm(request.POST, **made)
        return _form_page(request, release, form, message, status=429)
    form = SuggestionForm(request.POST, **made)
    thanks = reverse("explorer:feedback:thanks", args=[release.index.code, release.version])
    if form.is_bot:  # answered as a success, so that a bot learns nothing; nothing is stored
        return HttpResponseRedirect(thanks, status=303)
    if not form.is_valid():
        message = gettext("Nothing was sent yet: please correct what is marked below.")
        return _form_page(request, release, form, message, status=400)
    data = form.cleaned_data
    Suggestion.objects.create(
        release=release,
        language=get_language() or "",
        **{k: data[k] for k in ("unit", "node", "kind", "problem", "evidence")},
        **{k: data[k] for k in ("name", "organisation", "email", "consent")},
    )
    back = urlencode({k: data[k] for k in ("unit", "node") if data[k]})
    return HttpResponseRedirect(f"{thanks}?{back}", status=303)


def _form_page(
    request: HttpRequest,
    release: Release,
    form: SuggestionForm,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    context = _context(release, form=form, message=message)
    return render(request, "feedback/suggest.html", context, status=status)


@require_safe
def thanks(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """What happens next, with a link back to the page the suggestion was about."""
    release = _release(request, index, version)
    units, nodes = choices(release, get_language())
    unit, node = request.GET.get("unit", ""), request.GET.get("node", "")
    args = [release.index.code, release.version]
    back = None
    if node in dict(nodes):
        back = (reverse("explorer:node", args=[*args, node]), dict(nodes)[node].strip())
    elif unit in dict(units):
        back = (reverse("explorer:unit", args=[*args, unit]), dict(units)[unit])
    return render(request, "feedback/thanks.html", _context(release, back=back))
