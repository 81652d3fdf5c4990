"""Accepting an invitation (with the conflict of interest declaration)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from polindex.web.collection.models import Assignment
from polindex.web.collection.names import unit_name
from polindex.web.collection.questions import label
from polindex.web.collection.views.access import guard, page


@page("collection:invitation", signed_in=False)  # (a new account signs in by accepting)
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: the invited person declares any conflict of interest (and, for a
    new account, chooses a password); only then does the role give access."""
    from django.contrib.auth import login
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import ProhibitNullCharactersValidator
    from django.db import transaction
    from django.utils.translation import gettext

    a = get_object_or_404(Assignment.objects.select_related("edition", "user"), token=token)
    if a.revoked_at is not None and a.accepted_at is None:  # withdrawn: say so, accept nothing
        context = {"assignment": a, "edition": a.edition, "withdrawn": True}
        return render(request, "collection/invitation.html", context, status=410)
    user = request.user
    new_account = not a.user.has_usable_password()
    if not new_account and not user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    guard(request, a)  # the invited person only
    errors: list[str] = []
    if request.method == "POST" and a.accepted_at is None:
        declaration = request.POST.get("conflict_of_interest", "").strip()
        if not declaration and request.POST.get("no_conflict") != "on":
            errors.append(gettext("Declare your interests, or confirm that you have none."))
        try:  # as a form's text field: PostgreSQL stores no NUL
            ProhibitNullCharactersValidator()(declaration)
        except ValidationError as exc:
            errors.extend(exc.messages)
        password = request.POST.get("password", "")
        if new_account:
            try:
                validate_password(password, a.user)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if not errors:
            with transaction.atomic():
                if new_account:
                    a.user.set_password(password)
                    a.user.save()
                a.accepted_at = timezone.now()
                a.conflict_of_interest = declaration or "none declared"
                # e-mails then come in the language the invitation was accepted in
                a.language = a.language or _page_language()
                a.named = request.POST.get("named") == "on"  # on the credits (default: not)
                fields = ["accepted_at", "conflict_of_interest", "language", "named"]
                a.save(update_fields=fields)  # makes the rows
            if not user.is_authenticated:
                login(request, a.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("collection:dashboard")
    place = unit_name(a.edition, a.unit) if a.unit else ""
    context = {
        "assignment": a, "edition": a.edition, "place": place, "new_account": new_account,
        "errors": errors, "area": label(a.edition, a.area) if a.area else "",
    }  # fmt: skip
    return render(request, "collection/invitation.html", context)


def _page_language() -> str:
    """The page's language if it is one of the site's, else ``""`` (the site's default)."""
    from django.conf import settings
    from django.utils.translation import get_language

    lang = (get_language() or "")[:2]
    return lang if lang in dict(settings.LANGUAGES) else ""
