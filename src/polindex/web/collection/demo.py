"""The demonstration workspace: an open edition of the MIPEX-style questionnaire with demo
accounts for every role, and synthetic pre-filled answers for one country (labelled so)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from polindex.web.collection import workflow
from polindex.web.collection.answer_rows import create_rows
from polindex.web.collection.editions import create_edition
from polindex.web.collection.models import Assignment, Edition

CODE = "mipex-style-demo"
UNITS = ["AT", "BE", "DE", "FR", "IT"]
PASSWORD = "polindex-demo"  # demonstration accounts only, printed on start
# user name → (role, country, area); "central" is the central team (admin)
ACCOUNTS: dict[str, tuple[str, str, str]] = {
    "central": ("central", "", ""),
    "coordinator": ("coordinator", "", "LMM"),
    "expert-at": ("expert", "AT", ""),
    "reviewer-at": ("reviewer", "AT", ""),
    "expert-be": ("expert", "BE", ""),
    "reviewer-be": ("reviewer", "BE", ""),
    "government-at": ("government", "AT", ""),
}


@transaction.atomic
def seed(framework: Path) -> list[tuple[str, str, str]]:
    """Create (once) the demo edition, accounts and BE's synthetic answers, submitted for
    review; returns (user name, role, country) of each account."""
    users = get_user_model()
    today = timezone.localdate()
    edition = Edition.objects.filter(code=CODE).first()
    if edition is None:
        edition = create_edition(
            framework,
            code=CODE,
            name="MIPEX-style demonstration edition (synthetic)",
            reference_date=dt.date(today.year - 1, 12, 31),
            period=str(today.year - 1),
            units=UNITS,
            synthetic=True,
            submit_by=today + dt.timedelta(days=30),
            review_by=today + dt.timedelta(days=45),
            # open from the start in the demonstration, so the government account can be tried
            factcheck_from=today,
            factcheck_until=today + dt.timedelta(days=60),
            validate_by=today + dt.timedelta(days=75),
        )
    accounts = []
    for name, (role, unit, area) in ACCOUNTS.items():
        user, created = users.objects.get_or_create(username=name)
        if created:
            user.set_password(PASSWORD)
            user.email = f"{name}@example.org"
            if role == "central":
                user.is_staff = user.is_superuser = True
            user.save()
        if role == "central":
            perms = Permission.objects.filter(codename__in=["manage_edition", "view_embargoed"])
            user.user_permissions.add(*perms)
        else:
            Assignment.objects.get_or_create(
                edition=edition, user=user, role=role, unit=unit, area=area,
                defaults={"accepted_at": timezone.now()},
            )  # fmt: skip
        accounts.append((name, role, unit or area or "all"))
    create_rows(edition)  # (made as the accounts were; this also mends an older demo database)
    _prefill(edition, users.objects.get(username="expert-be"))
    return accounts


def _prefill(edition: Edition, expert: Any) -> None:
    """Synthetic answers for BE, submitted: the reviewer has something to review."""
    if edition.answers.filter(unit="BE").exclude(option="").exists():
        return
    pick = random.Random(2025)
    for answer in edition.answers.filter(unit="BE", expert=expert):
        content = workflow.Content(
            option=pick.choice(["a", "a", "b", "c"]),
            justification="*Synthetic answer generated for the demonstration.*",
            confidence="medium",
            sources=[{"instrument": "Synthetic Act (demonstration)", "article": "1"}],
        )
        answer = workflow.save(answer, expert, content, answer.version)
        workflow.act(answer, expert, "submit", answer.version)
