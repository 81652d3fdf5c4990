"""Inviting many people at once: a CSV of people read into a :class:`Plan` (a dry run that
stores nothing: who and which roles would be created, what exists already, every problem with
its row and column), then — confirmed — created in one transaction with one e-mail per person,
in their language.

The CSV has a header row naming its columns (in any order; ``e-mail`` may be spelled
``email``): ``name``, ``email`` and ``role`` are required, ``countries``, ``areas`` and
``language`` optional. ``countries`` and ``areas`` hold codes separated by ``;`` (empty: every
country, every area); a row gives its person one role on each country × area it lists.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from polindex.web.collection.models import Assignment, Edition, Person, Role

COLUMNS = ("name", "email", "countries", "areas", "role", "language")
REQUIRED = ("name", "email", "role")
SPELLINGS = {"e-mail": "email", "mail": "email", "country": "countries", "area": "areas"}
MAX_BYTES = 1024 * 1024  # a CSV of 1 MB: some 10,000 people; more is surely a wrong file
MAX_ROWS = 2000  # people (rows) per file
USERNAME = re.compile(r"^[\w.@+-]+\Z")

Key = tuple[str, str, str, str]  # e-mail (lower case), role, country, area


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: where (row 1 is the header; 0 the file as a whole) and
    what."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Entry:
    """One role for one person (a row of the CSV names one per country × area)."""

    row: int
    name: str
    email: str
    role: str
    unit: str
    area: str
    language: str

    @property
    def key(self) -> Key:
        return (self.email.lower(), self.role, self.unit, self.area)

    def role_name(self) -> str:
        return str(Role(self.role).label)


@dataclass
class Plan:
    """What a CSV would do to an edition: :attr:`new_people` (accounts made, by e-mail),
    :attr:`known_people` (accounts that exist, by e-mail), :attr:`new` (roles created and
    invited), :attr:`skipped` (roles the person holds already) — or, with :attr:`problems`,
    nothing at all."""

    edition: Edition
    content: bytes
    new_people: dict[str, Entry] = field(default_factory=dict)
    known_people: dict[str, Any] = field(default_factory=dict)
    new: list[Entry] = field(default_factory=list)
    skipped: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.new)

    def digest(self) -> str:
        """The file and what it would create: a confirmation applies exactly this."""
        what = repr((sorted(self.new_people), sorted(e.key for e in self.new)))
        return hashlib.sha256(self.content + what.encode()).hexdigest()

    def token(self) -> str:
        """The signed :meth:`digest` the confirmation carries (see :func:`confirmed`)."""
        return _signer(self.edition).sign(self.digest())

    def encoded(self) -> str:
        """The file as the preview's form carries it back (exactly the bytes uploaded)."""
        return base64.b64encode(self.content).decode("ascii")


def _signer(edition: Edition) -> signing.Signer:
    return signing.Signer(salt=f"polindex.invitations.{edition.pk}.{edition.code}")


def confirmed(plan: Plan, token: str) -> bool:
    """Whether ``token`` was made for exactly this plan (same file, same people and roles to
    create: nothing changed since the preview)."""
    try:
        return _signer(plan.edition).unsign(token) == plan.digest()
    except signing.BadSignature:
        return False


def decoded(encoded: str) -> bytes | None:
    """The file a preview's form carried back (``None`` if it is not what a preview sent)."""
    try:
        return base64.b64decode(encoded.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None


def plan(edition: Edition, content: bytes) -> Plan:
    """Read ``content`` (a CSV file) for ``edition``: a dry run, nothing stored.

    >>> import datetime as dt
    >>> e = Edition(code="e", units=["AT"], reference_date=dt.date(2025, 1, 1))
    >>> [p.message for p in plan(e, b"").problems]
    ['The file is empty: it needs a header row (name, email, role, …) and a row per person.']
    """
    found = Plan(edition, content)
    problems = found.problems
    if len(content) > MAX_BYTES:
        problems.append(
            Problem(
                0,
                "",
                gettext("The file is larger than %(most)s kB, the most read at once: split it.")
                % {"most": MAX_BYTES // 1024},
            )
        )
        return found
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = content[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                row,
                "",
                gettext("This is not UTF-8 text (byte %(byte)d): save the file as CSV UTF-8.")
                % {"byte": exc.start + 1},
            )
        )
        return found
    if "\x00" in text:
        problems.append(Problem(0, "", gettext("The file holds a NUL character: not a CSV.")))
        return found
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.append(Problem(0, "", gettext("Not a readable CSV file: %(why)s") % {"why": exc}))
        return found
    if not rows or not any(c.strip() for c in rows[0]):
        problems.append(
            Problem(
                0,
                "",
                gettext(
                    "The file is empty: it needs a header row (name, email, role, …) and a "
                    "row per person."
                ),
            )
        )
        return found
    if len(rows) - 1 > MAX_ROWS:
        problems.append(
            Problem(
                0,
                "",
                gettext(
                    "The file has %(n)d rows; at most %(most)d people can be invited at once: "
                    "split it."
                )
                % {"n": len(rows) - 1, "most": MAX_ROWS},
            )
        )
        return found
    columns = _header(rows[0], problems)
    if problems:
        return found
    entries = _entries(edition, columns, rows[1:], problems)
    if not problems:
        _against_the_database(edition, entries, found)
    if not found.problems and not found.new and entries:
        found.problems.append(
            Problem(
                0, "", gettext("Everyone in the file already holds these roles: nothing to invite.")
            )
        )
    elif not entries and not found.problems:
        found.problems.append(
            Problem(0, "", gettext("The file lists nobody: add a row per person."))
        )
    return found


def _header(cells: list[str], problems: list[Problem]) -> list[str]:
    columns = []
    for cell in cells:
        name = cell.strip().lower()
        name = SPELLINGS.get(name, name)
        if name not in COLUMNS:
            problems.append(
                Problem(
                    1,
                    cell.strip(),
                    gettext("Unknown column %(name)s: the columns are %(columns)s.")
                    % {"name": repr(cell.strip()), "columns": ", ".join(COLUMNS)},
                )
            )
        elif name in columns:
            problems.append(
                Problem(1, name, gettext("The column %(name)s appears twice.") % {"name": name})
            )
        columns.append(name)
    for name in REQUIRED:
        if name not in columns:
            problems.append(
                Problem(1, name, gettext("The column %(name)s is missing.") % {"name": name})
            )
    return columns


def areas_of(edition: Edition) -> list[str]:
    """The codes of the edition's areas (the framework's top-level nodes)."""
    return [node.code for node in edition.definition.framework.root.children]


def _codes(raw: str, known: list[str]) -> tuple[list[str], list[str]]:
    """The codes of a ``;``-separated cell as the edition spells them, and those unknown."""
    by_case = {code.upper(): code for code in known}
    parts = [p.strip() for p in raw.split(";") if p.strip()]
    good = [by_case[p.upper()] for p in parts if p.upper() in by_case]
    return list(dict.fromkeys(good)) or ([""] if not parts else []), [
        p for p in parts if p.upper() not in by_case
    ]


def _entries(
    edition: Edition, columns: list[str], rows: list[list[str]], problems: list[Problem]
) -> list[Entry]:
    from polindex.web.releases.models import site_languages

    languages = site_languages()
    areas = areas_of(edition)
    entries: list[Entry] = []
    seen: dict[Key, int] = {}
    person: dict[str, tuple[int, str, str]] = {}  # e-mail → (row, name, language)
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            problems.append(
                Problem(
                    number,
                    "",
                    gettext("%(n)d cells where the header has %(m)d columns.")
                    % {"n": len(cells), "m": len(columns)},
                )
            )
            continue
        row = {c: v.strip() for c, v in zip(columns, cells, strict=True)}

        def problem(column: str, message: str, row_number: int = number) -> None:
            problems.append(Problem(row_number, column, message))

        name, email = row.get("name", ""), row.get("email", "")
        if not name:
            problem("name", gettext("Give the person's name."))
        elif len(name) > 300:
            problem("name", gettext("A name of at most 300 characters."))
        try:
            validate_email(email)
        except ValidationError:
            problem(
                "email",
                gettext("%(value)s is not an e-mail address.")
                % {"value": repr(email) if email else gettext("(empty)")},
            )
        units, unknown = _codes(row.get("countries", ""), list(edition.units))
        for code in unknown:
            problem(
                "countries",
                gettext("%(code)s is not a country of this edition: %(codes)s.")
                % {"code": repr(code), "codes": ", ".join(edition.units)},
            )
        chosen, unknown = _codes(row.get("areas", ""), areas)
        for code in unknown:
            problem(
                "areas",
                gettext("%(code)s is not an area of this edition: %(codes)s.")
                % {"code": repr(code), "codes": ", ".join(areas)},
            )
        role = row.get("role", "").lower()
        if role not in Role.values:
            problem(
                "role",
                gettext("Unknown role %(value)s: one of %(roles)s.")
                % {"value": repr(row.get("role", "")), "roles": ", ".join(Role.values)},
            )
        language = row.get("language", "").lower() or languages[0]
        if language not in languages:
            problem(
                "language",
                gettext("Unknown language %(value)s: one of %(codes)s.")
                % {"value": repr(row.get("language", "")), "codes": ", ".join(languages)},
            )
        earlier = person.get(email.lower())
        if earlier is not None and email:
            if earlier[1] != name:
                problem(
                    "name",
                    gettext("Row %(row)d gives this e-mail to %(name)s.")
                    % {"row": earlier[0], "name": earlier[1]},
                )
            if earlier[2] != language:
                problem(
                    "language",
                    gettext("Row %(row)d gives this person the language %(lang)s.")
                    % {"row": earlier[0], "lang": earlier[2]},
                )
        else:
            person[email.lower()] = (number, name, language)
        made = [
            Entry(number, name, email, role, unit, area, language)
            for unit in units
            for area in chosen
        ]
        twin = next((seen[e.key] for e in made if e.key in seen), None)
        if twin is not None:
            problem(
                "email", gettext("The same role as row %(row)d (a duplicate row).") % {"row": twin}
            )
            continue
        seen.update((e.key, number) for e in made)
        entries.extend(made)
    return entries


def _against_the_database(edition: Edition, entries: list[Entry], found: Plan) -> None:
    emails = sorted({e.email.lower() for e in entries})
    users: dict[str, list[Any]] = {}
    for user in (
        get_user_model()
        .objects.annotate(lower=Lower("email"))
        .filter(lower__in=emails)
        .order_by("pk")
    ):
        users.setdefault(user.lower, []).append(user)
    held = set(
        Assignment.objects.filter(
            edition=edition, user__in=[u for us in users.values() for u in us]
        )
        .annotate(lower=Lower("user__email"))
        .values_list("lower", "role", "unit", "area")
    )
    for entry in entries:
        email = entry.email.lower()
        accounts = users.get(email, [])
        if len(accounts) > 1:
            found.problems.append(
                Problem(
                    entry.row,
                    "email",
                    gettext(
                        "%(n)d accounts have this e-mail (%(names)s): invite this person in "
                        "the admin."
                    )
                    % {"n": len(accounts), "names": ", ".join(u.get_username() for u in accounts)},
                )
            )
            continue
        if accounts:
            found.known_people.setdefault(email, accounts[0])
        else:
            found.new_people.setdefault(email, entry)
        (found.skipped if entry.key in held else found.new).append(entry)
    if found.problems:
        found.new_people.clear()
        found.known_people.clear()
        found.new.clear()
        found.skipped.clear()


@dataclass(frozen=True)
class Done:
    """What :func:`apply` created."""

    people: int
    assignments: int
    emails: int


def apply(plan: Plan) -> Done:
    """Create what ``plan`` lists, all or nothing (one transaction): the new accounts (no
    password yet: they choose one on accepting), each person's :class:`~.models.Person` row,
    every new role, and — once stored — one invitation e-mail per person in their language."""
    if plan.problems:
        raise ValueError("a plan with problems creates nothing")
    users_model = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        taken = set(
            users_model.objects.filter(
                username__in=[e.email.lower()[:150] for e in plan.new_people.values()]
            ).values_list("username", flat=True)
        )
        unusable = make_password(None)
        made = []
        for email, entry in plan.new_people.items():
            first, _, last = entry.name.rpartition(" ")
            username = email[:150]
            if username in taken or not USERNAME.match(username):
                username = f"{re.sub(r'[^\w.@+-]', '', email.split('@')[0])[:100]}-{_suffix()}"
            made.append(
                users_model(
                    username=username,
                    email=entry.email,
                    first_name=(first or last)[:150],
                    last_name=(last if first else "")[:150],
                    password=unusable,
                )
            )
        users_model.objects.bulk_create(made)
        by_email = {u.email.lower(): u for u in made} | dict(plan.known_people)
        languages = {e.email.lower(): e.language for e in plan.new + plan.skipped}
        have = set(
            Person.objects.filter(user__in=by_email.values()).values_list("user_id", flat=True)
        )
        Person.objects.bulk_create(
            Person(user=u, language=languages.get(email, "en"))
            for email, u in by_email.items()
            if u.pk not in have
        )
        roles = [
            Assignment(
                edition=plan.edition,
                user=by_email[e.email.lower()],
                role=e.role,
                unit=e.unit,
                area=e.area,
                invited_at=now,
            )
            for e in plan.new
        ]
        Assignment.objects.bulk_create(roles)  # (no signal: one e-mail per person, below)
        per_person: dict[int, list[Assignment]] = {}
        for a in roles:
            per_person.setdefault(a.user_id, []).append(a)
        spoken = {u.pk: languages.get(email, "en") for email, u in by_email.items()}
        have_language = {
            p.user_id: p.language for p in Person.objects.filter(user__in=by_email.values())
        }  # (a known person keeps the language they had)
        transaction.on_commit(
            lambda: [
                send(a[0].user, a, have_language.get(pk) or spoken[pk])
                for pk, a in per_person.items()
            ]
        )
    return Done(len(made), len(roles), len(per_person))


def _suffix() -> str:
    import secrets

    return secrets.token_hex(3)


def language_of(user: Any) -> str:
    """The language of ``user``'s e-mails (their :class:`~.models.Person` row's, else the
    site's first)."""
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return person.language
    from polindex.web.releases.models import site_languages

    return site_languages()[0]


def send(user: Any, assignments: list[Assignment], language: str = "") -> int:
    """E-mail ``user`` their invitation(s), in their language: for each role, where, and the
    link that accepts it (``language``: theirs when known, else read). Marks them invited now;
    returns the number of e-mails queued."""
    from django.urls import reverse

    from polindex.web.collection import notify
    from polindex.web.collection.names import unit_name

    if not assignments:
        return 0
    edition = assignments[0].edition
    lang = language or language_of(user)
    with translation.override(lang):
        labels = edition.definition.framework.labels(lang)
        lines = []
        for a in assignments:
            where = unit_name(edition, a.unit, lang) if a.unit else gettext("every country")
            if a.area:
                where += f" — {labels.get(a.area, a.area)}"
            link = notify.base_url() + reverse("collection:invitation", args=[a.token])
            lines.append(f"- {Role(a.role).label}, {where}:\n  {link}")
        name = user.get_full_name() or user.get_username()
        body = gettext(
            "Hello %(name)s,\n\nYou are invited to contribute to %(edition)s (policies in force "
            "on %(date)s):\n\n%(roles)s\n\nOpen each link to accept, declare any conflict of "
            "interest and choose whether to be named in the credits of the published results.\n"
        ) % {
            "name": name,
            "edition": edition.name,
            "date": edition.reference_date.isoformat(),
            "roles": "\n".join(lines),
        }
        subject = ngettext(
            "Invitation: %(edition)s", "Invitations (%(n)d): %(edition)s", len(assignments)
        ) % {"edition": edition.name, "n": len(assignments)}
    sent = notify.send_to(user, subject, body)
    if sent:  # (someone without an address is not invited: a withdrawn invitation stays so)
        Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(
            invited_at=timezone.now(), revoked_at=None
        )
    return sent
