"""Speed of inviting people from a CSV (run by `make bench`): the central team uploads a CSV of
200 people (each a national expert for two countries: 400 roles) — its dry run — then confirms
it: 200 accounts, 400 roles and 200 e-mails (Django's in-memory mail), through the web pages
with a signed-in client, on SQLite in a fresh directory; printed, never asserted.

Target (issue 17): < 5 s for the CSV invitation of 200 people (preview and confirmation).
``POLINDEX_BENCH_REPEAT`` sets how many times it is timed (default 5; 1 for a smoke run).
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 5.0
PEOPLE = 200


def main() -> None:
    repeat = int(os.environ.get("POLINDEX_BENCH_REPEAT", "5"))
    with tempfile.TemporaryDirectory() as var:
        os.environ["POLINDEX_VAR_DIR"] = var
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polindex.web.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        setup_test_environment()  # (the in-memory mail backend, the test client's host)
        call_command("migrate", verbosity=0)
        times = measure(repeat)
    for label, values in zip(("dry run (preview)", "confirm (create, e-mail)", "both"),
                             zip(*times, strict=True), strict=True):  # fmt: skip
        print(f"invitations: {PEOPLE} people, {label:<26} median {statistics.median(values):6.2f} s"
              f"  max {max(values):6.2f} s  (target < {TARGET_S:g} s for both: "
              f"{'ok' if max(values) < TARGET_S else 'SLOW'})")  # fmt: skip


def measure(repeat: int) -> list[tuple[float, float, float]]:
    """Time ``repeat`` invitations of 200 new people, each to a fresh edition: (preview,
    confirmation, both) in seconds."""
    import datetime as dt

    from django.contrib.auth.models import Permission, User
    from django.core import mail
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Assignment

    central = User.objects.create_user("bench-central")
    central.user_permissions.add(Permission.objects.get(codename="manage_edition"))
    client = Client()
    client.force_login(central)
    found = []
    for n in range(repeat):
        code = f"bench-{n}"
        create_edition(
            ROOT / "examples/mipex-style/framework.yaml", code=code, name=f"Bench {n}",
            reference_date=dt.date(2024, 12, 31), period="2024",
            units=["AT", "BE", "DE", "FR", "IT"],
        )  # fmt: skip
        rows = "".join(
            f"Person {i} Bench{n},p{i}.r{n}@example.org,AT;BE,,expert,{'fr' if i % 2 else 'en'}\n"
            for i in range(PEOPLE)
        )
        data = ("name,email,countries,areas,role,language\n" + rows).encode()
        mail.outbox = []
        start = time.perf_counter()
        upload = SimpleUploadedFile("people.csv", data, content_type="text/csv")
        preview = client.post(f"/work/{code}/invite/", {"file": upload})
        middle = time.perf_counter()
        page = preview.content.decode()
        fields = dict(re.findall(r'name="(content|token)" value="([^"]*)"', page))
        done = client.post(f"/work/{code}/invite/confirm/", fields)
        end = time.perf_counter()
        assert preview.status_code == done.status_code == 200
        assert Assignment.objects.filter(edition__code=code).count() == 2 * PEOPLE
        assert len(mail.outbox) == PEOPLE
        found.append((middle - start, end - middle, end - start))
    return found


if __name__ == "__main__":
    main()
