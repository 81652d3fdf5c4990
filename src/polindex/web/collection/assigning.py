"""Assigning a person to a country (and optionally an area) of an edition and inviting them:
an existing person, or a new one made from a name and an e-mail address. One function,
:func:`assign`, for the central team's assign form and any other way of inviting people.

Everything is checked before anything is stored; what is wrong is reported by field
(:class:`AssignError`) and then nothing is stored and nobody is e-mailed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from polindex.web.collection import progress
from polindex.web.collection.models import Assignment, Edition, Role
from polindex.web.collection.overview import person_name

NO_ADDRESS = gettext_lazy(
    "%(name)s has no e-mail address, so the invitation cannot be sent: add one in the admin first."
)
NAME_LENGTH = 150  # Django's first and last name columns hold 150 characters each


class AssignError(Exception):
    """What is wrong with an assignment, by field (``person``, ``name``, ``email``, ``role``,
    ``unit``, ``area``): a sentence each, for the form to show beside the field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def assign(
    edition: Edition,
    *,
    role: str,
    unit: str = "",
    area: str = "",
    person: Any = None,
    name: str = "",
    email: str = "",
) -> Assignment:
    """Assign ``person`` (a user) — or the person with the address ``email``, made with
    ``name`` if nobody has it yet — as ``role`` on ``unit`` (``""``: every country) and
    ``area`` (``""``: every area) of ``edition``; the invitation (:func:`.notify.invitation`)
    is e-mailed when the transaction commits, as for every new assignment. Raises
    :class:`AssignError` (nothing stored, nobody e-mailed) for a role, country or area the
    edition does not have, no person or two, a malformed address, a new person without a
    name, a person without an e-mail address, a closed edition, or an assignment the person
    already holds (or one covering it).

    Examples
    --------
    >>> from polindex.web.collection.models import Edition
    >>> try:
    ...     assign(Edition(code="e", units=["AT"]), role="expert", unit="XX")
    ... except AssignError as exc:
    ...     sorted(exc.problems)
    ['person', 'unit']
    """
    email = email.strip()
    name = " ".join(name.split())
    problems: dict[str, str] = {}
    if role not in Role.values:
        problems["role"] = _("Choose a role.")
    if unit and unit not in edition.units:
        problems["unit"] = _("%(unit)s is not a country of this edition.") % {"unit": unit}
    if area and edition.pk and area not in progress.questions(edition):
        problems["area"] = _("%(area)s is not an area of this questionnaire.") % {"area": area}
    if edition.state == Edition.State.CLOSED:
        problems["role"] = _("This edition is closed: nobody can be assigned any more.")
    if person is not None and email:
        problems["email"] = _("Choose an existing person or give a new person's address, not both.")
    elif person is None and not email:
        problems["person"] = _("Choose a person, or give a new person's name and e-mail address.")
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = _("Give an e-mail address such as name@example.org.")
        else:
            person = _with_address(email)
            if person is None and not name:
                problems["name"] = _("Give the new person's name.")
            elif person is None and len(name) > 2 * NAME_LENGTH:
                problems["name"] = _("Give a name of at most 300 characters.")
    if person is not None and not person.email:
        problems["person"] = str(NO_ADDRESS) % {"name": person_name(person)}
    if person is not None and not problems:
        held = _already(edition, person, role, unit, area)
        if held:
            problems["person"] = held
    if problems:
        raise AssignError(problems)
    try:
        with transaction.atomic():
            if person is None:
                person = _new_person(name, email)
            assignment = Assignment.objects.create(
                edition=edition, user=person, role=role, unit=unit, area=area
            )
    except IntegrityError:  # the same assignment made at the same moment by someone else
        raise AssignError({"person": _already(edition, person, role, unit, area)}) from None
    return assignment  # (invited once the transaction commits: the app's post_save signal)


def _with_address(email: str) -> Any:
    """The person whose e-mail address is ``email`` (in any case), if any."""
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


def _new_person(name: str, email: str) -> Any:
    """A new account for ``name`` and ``email``, without a password (chosen on accepting the
    invitation); its user name is the address (numbered if taken)."""
    users = get_user_model()
    base = email.lower()[:140]
    username, k = base, 1
    while users.objects.filter(username=username).exists():
        k += 1
        username = f"{base}-{k}"
    first, _space, last = name.rpartition(" ") if " " in name else (name, "", "")
    user = users(username=username, email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.save()
    return user


def _already(edition: Edition, person: Any, role: str, unit: str, area: str) -> str:
    """Why ``person`` cannot be given this assignment (``""`` when they can): they hold it
    already, or one of the same role covering its country and area."""
    held = (
        Assignment.objects.filter(
            edition=edition, user=person, role=role, unit__in={unit, ""}, area__in={area, ""}
        )
        .order_by("-unit", "-area")
        .first()
    )
    if held is None:
        return ""
    what = {"name": person_name(person), "role": Role(role).label}
    if (held.unit, held.area) == (unit, area):
        return _("%(name)s is already assigned as %(role)s here.") % what
    return (
        _("%(name)s is already assigned as %(role)s for every country or area, this one included.")
        % what
    )
