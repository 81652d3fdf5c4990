"""The demo's MIPEX-style release, made as a real one is: the edition before the demo's open one,
answered by (invented) experts, reviewed, validated by the central team and scored through the
workspace's own scoring service (:func:`.scoring.preview` then :func:`.scoring.score`). Its
people accepted their invitations, most choosing to be named in the credits and some not, so the
release's credits page (``/MIPEXDEMO/demo-previous/credits/``) shows both. Every name, answer
and source here is invented and labelled so."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from polindex.web.collection import bulk, scoring, workflow
from polindex.web.collection.answer_rows import create_rows
from polindex.web.collection.editions import create_edition
from polindex.web.collection.models import Answer, Assignment, Edition, Role

VERSION = "demo-previous"
# country → ((expert's name, named in the credits), (reviewer's name, named)): invented names
# ("example" in each country's language), each person a first and last name
PEOPLE: dict[str, tuple[tuple[str, bool], tuple[str, bool]]] = {
    "AT": (("Anna Beispiel", True), ("Lukas Muster", False)),
    "BE": (("Jan Voorbeeld", True), ("Claire Exemple", True)),
    "DE": (("Max Mustermann", True), ("Erika Musterfrau", True)),
    "FR": (("Marie Exemple", True), ("Paul Modèle", False)),
    "IT": (("Luca Esempio", False), ("Giulia Campione", True)),
}


def handle(name: str) -> str:
    """The user name of an invented person: ``Anna Beispiel`` → ``demo.anna.beispiel``."""
    return "demo." + name.lower().replace(" ", ".").replace("è", "e")


@transaction.atomic
def seed(framework: Path, current: Edition, central: Any) -> Any:
    """Make (once) the closed edition before ``current`` — its people, their answers validated
    by ``central`` — and its release, scored through :mod:`.scoring`; return the release."""
    code = f"{current.code}-previous"
    edition = Edition.objects.filter(code=code).first()
    if edition is None:
        edition = _answered(framework, current, code, central)
    if edition.releases.exists():
        return edition.releases.get().release
    publish_at = timezone.now() - dt.timedelta(minutes=1)
    shown = scoring.preview(edition, list(edition.units), version=VERSION, publish_at=publish_at)
    release = scoring.score(
        edition, list(edition.units), version=VERSION, publish_at=publish_at, token=shown.token
    )
    Edition.objects.filter(pk=edition.pk).update(state=Edition.State.CLOSED)
    return release


def _answered(framework: Path, current: Edition, code: str, central: Any) -> Edition:
    """The earlier edition, open while its experts answer, its reviewers agree and the central
    team validates — each step the workspace's own (:mod:`.workflow`, :mod:`.bulk`)."""
    period = str(int(current.period) - 1) if current.period.isdigit() else "previous"
    year = int(period) if period.isdigit() else current.reference_date.year - 1
    edition = create_edition(
        framework,
        code=code,
        name="MIPEX-style demonstration edition, the previous one (synthetic)",
        reference_date=dt.date(year, 12, 31),
        period=period,
        units=list(current.units),
        synthetic=True,
    )
    users = get_user_model()
    accepted = timezone.now()
    people: dict[str, list[Any]] = {}
    for unit, cast in PEOPLE.items():
        for role, (name, named) in zip((Role.EXPERT, Role.REVIEWER), cast, strict=True):
            first, last = name.split(" ", 1)
            user, made = users.objects.get_or_create(
                username=handle(name),
                defaults={"first_name": first, "last_name": last, "email": ""},
            )
            if made:
                user.set_unusable_password()  # credited, not a sign-in account of the demo
                user.save()
            Assignment.objects.create(
                edition=edition, user=user, role=role, unit=unit, named=named,
                accepted_at=accepted, language="en",
            )  # fmt: skip
            people.setdefault(unit, []).append(user)
    create_rows(edition)
    pick = random.Random(2024)
    for unit, (expert, reviewer) in people.items():
        for answer in _rows(edition, unit):
            content = workflow.Content(
                option=pick.choice(["a", "a", "b", "c"]),
                justification="*Synthetic answer generated for the demonstration.*",
                confidence="high",
                sources=[{"instrument": "Synthetic Act (demonstration)", "article": "1"}],
            )
            workflow.save(answer, expert, content, answer.version)
        for who, step in ((expert, "submit"), (reviewer, "agree"), (central, "validate")):
            rows = _rows(edition, unit)
            bulk.take(rows, who, step, bulk.plan(rows, who, step).token)
    return edition


def _rows(edition: Edition, unit: str) -> list[Answer]:
    """The country's answers, each holding the edition (loaded once, as the pages load them)."""
    rows = list(Answer.objects.filter(edition=edition, unit=unit).order_by("indicator"))
    for a in rows:
        a.edition = edition
    return rows
