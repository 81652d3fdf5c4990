"""The central team's people pages: inviting from a CSV (preview, then confirm), the expert
network's directory, a person's page with their roles across editions, inviting a past expert
again, and resending or withdrawing an invitation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from polindex.web.collection import invitations, network
from polindex.web.collection.invitations import MAX_BYTES, Plan
from polindex.web.collection.models import Assignment, Edition, Role
from polindex.web.collection.names import unit_name
from polindex.web.collection.views.access import edition_of, guard, page, whole_number


def _preview(request: HttpRequest, plan: Plan, status: int = 200, **extra: Any) -> HttpResponse:
    """The dry run's page: what would be created and skipped, or every problem."""
    edition = plan.edition
    context = {
        "edition": edition, "plan": plan, "max_kb": MAX_BYTES // 1024,
        "max_rows": invitations.MAX_ROWS, "columns": invitations.COLUMNS,
        "new": [_shown(edition, e) for e in plan.new],
        "skipped": [_shown(edition, e) for e in plan.skipped],
        "areas": invitations.areas_of(edition) if edition.framework else [],
        "new_people": [
            (e, dict(settings.LANGUAGES).get(e.language, e.language))
            for e in plan.new_people.values()
        ], **extra,
    }  # fmt: skip
    return render(request, "collection/invite.html", context, status=status)


def _shown(edition: Edition, entry: invitations.Entry) -> dict[str, Any]:
    from polindex.web.collection.questions import label

    return {
        "entry": entry,
        "where": unit_name(edition, entry.unit) if entry.unit else gettext("every country"),
        "area": label(edition, entry.area) if entry.area else "",
    }


@page("collection:invite")
def invite(request: HttpRequest, code: str) -> HttpResponse:
    """Invite people from a CSV: the form (GET), then the dry run of the file sent (POST)."""
    edition = edition_of(request, code)
    if request.method == "GET":
        return _preview(request, Plan(edition, b""), form_only=True)
    upload = request.FILES.get("file")
    if upload is None:
        return _preview(request, Plan(edition, b""), 400, form_only=True,
                        missing=gettext("Choose a CSV file to read."))  # fmt: skip
    content = upload.read(MAX_BYTES + 1)  # (more is refused without reading it all)
    found = invitations.plan(edition, content)
    return _preview(request, found, 200 if found.ok else 400)


@page("collection:invite_confirm")
def invite_confirm(request: HttpRequest, code: str) -> HttpResponse:
    """Create what a preview listed — if the file and what it would create are still exactly
    those previewed (else the new preview, 409)."""
    edition = edition_of(request, code)
    content = invitations.decoded(request.POST.get("content", ""))
    if content is None or not content:
        return _preview(request, Plan(edition, b""), 400, form_only=True,
                        missing=gettext("Nothing to confirm: read a CSV file first."))  # fmt: skip
    found = invitations.plan(edition, content)
    if not found.ok:
        return _preview(request, found, 400)
    if not invitations.confirmed(found, request.POST.get("token", "")):
        return _preview(request, found, 409, changed=True)
    done = invitations.apply(found)
    return render(request, "collection/invite.html", {"edition": edition, "done": done})


@page("collection:people")
def people(request: HttpRequest) -> HttpResponse:
    """The expert network: everyone who holds or held a role, filtered by country, role and
    edition."""
    guard(request, None)
    chosen = {k: request.GET.get(k, "")[:64] for k in ("country", "role", "edition")}
    known = network.editions()
    countries: dict[str, str] = {}
    for e in known.values():
        for unit in e.units:
            countries.setdefault(unit, network.country_name(e, unit))
    context = {
        "members": network.members(**chosen), "chosen": chosen,
        "countries": sorted(countries.items(), key=lambda kv: kv[1]),
        "roles": Role.choices, "editions": list(known.values()),
    }  # fmt: skip
    return render(request, "collection/people.html", context)


def _person_or_404(pk: int) -> Any:
    if whole_number(str(pk)) is None:  # (a number too large for the database)
        raise Http404("no such person")
    return get_object_or_404(get_user_model().objects.select_related("person"), pk=pk)


@page("collection:person")
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person: their roles across editions, invitations to resend or withdraw, and an
    invitation to another edition from their latest roles."""
    guard(request, None)
    user = _person_or_404(pk)
    history = network.history(user)
    profile = getattr(user, "person", None)
    context = {
        "person": user, "profile": profile, "history": history,
        "language": dict(settings.LANGUAGES).get(profile.language, "") if profile else "",
        "editions": Edition.objects.exclude(state=Edition.State.CLOSED),
    }  # fmt: skip
    return render(request, "collection/person.html", context)


@page("collection:reinvite")
def reinvite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a past expert to an edition in one step: the preview of their latest roles in
    that edition, to confirm."""
    guard(request, None)
    user = _person_or_404(pk)
    code = request.GET.get("edition", "")
    if not code:
        return redirect("collection:person", pk=pk)
    edition = get_object_or_404(Edition, code=code[:64])
    content, dropped = network.last_roles_as_csv(user, edition)
    return _preview(request, invitations.plan(edition, content), dropped=dropped, someone=user)


@page("collection:invitation_step")
def invitation_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Resend an invitation not yet accepted (a withdrawn one too: it works again), or
    withdraw one (its link then says so)."""
    guard(request, None)
    if action not in ("resend", "revoke") or whole_number(str(pk)) is None:
        raise Http404("no such step")
    a = get_object_or_404(Assignment.objects.select_related("user", "edition"), pk=pk)
    if a.accepted_at is not None:
        messages.error(request, gettext(
            "%(person)s has accepted this invitation already: change the role in the admin."
        ) % {"person": a.user})  # fmt: skip
        return redirect("collection:person", pk=a.user_id)
    where, area = network.place(a.edition, a)
    what = f"{Role(a.role).label}, {where}{' — ' + area if area else ''} ({a.edition.name})"
    if action == "revoke":
        Assignment.objects.filter(pk=a.pk).update(revoked_at=timezone.now())
        messages.success(request, gettext("Invitation withdrawn: %(what)s. Its link no longer "
                                          "works.") % {"what": what})  # fmt: skip
    elif invitations.send(a.user, [a]):
        messages.success(request, gettext("Invitation sent again to %(email)s: %(what)s.")
                         % {"email": a.user.email, "what": what})  # fmt: skip
    else:
        messages.error(request, gettext("%(person)s has no e-mail address: add one in the admin.")
                       % {"person": a.user})  # fmt: skip
    return redirect("collection:person", pk=a.user_id)
