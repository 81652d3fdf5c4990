"""Speed of a step for many answers (run by `make bench`): a reviewer agrees with a country's 61
submitted answers at once, and the step is reversed — each in one transaction with its history
entries (61 answer changes and the step's record), on SQLite in a fresh directory; printed,
never asserted.

Target (issue 17): < 300 ms for a step over 61 answers, history entries included.
``POLINDEX_BENCH_REPEAT`` sets how many times each is timed (default 20; 2 for a smoke run).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300


def main() -> None:
    repeat = int(os.environ.get("POLINDEX_BENCH_REPEAT", "20"))
    with tempfile.TemporaryDirectory() as var:
        os.environ["POLINDEX_VAR_DIR"] = var
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polindex.web.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        take, undo = measure(repeat)
    for label, times in (("agree with 61 answers", take), ("reverse that step", undo)):
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        median = statistics.median(times)
        verdict = "ok" if p95 < TARGET_MS else "SLOW"
        print(f"bulk step: {label:<24} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
              f"(target < {TARGET_MS} ms: {verdict})")  # fmt: skip


def measure(repeat: int) -> tuple[list[float], list[float]]:
    """Seed an edition with one country's 61 answers submitted; time ``repeat`` agreements of
    all of them and their reversals (milliseconds)."""
    import datetime as dt

    from django.contrib.auth.models import User
    from django.utils import timezone

    from polindex.web.collection import bulk, workflow
    from polindex.web.collection.answer_rows import create_rows
    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Answer, Assignment

    edition = create_edition(
        ROOT / "examples/mipex-style/framework.yaml", code="bench", name="Bench",
        reference_date=dt.date(2024, 12, 31), period="2024", units=["AT"],
    )  # fmt: skip
    expert = User.objects.create(username="expert")
    reviewer = User.objects.create(username="reviewer")
    for user, role in ((expert, "expert"), (reviewer, "reviewer")):
        Assignment.objects.create(
            edition=edition, user=user, role=role, unit="AT", accepted_at=timezone.now()
        )
    create_rows(edition)  # (made when the expert accepted; idempotent)
    source = [{"instrument": "Aliens Act", "article": "5"}]
    for a in Answer.objects.filter(edition=edition).order_by("pk"):
        a.edition = edition
        item = next(i for i in workflow.indicators(edition) if i.code == a.indicator)
        content = workflow.Content(
            option=item.options[0].code, justification="Art. 5.", sources=source
        )
        a = workflow.save(a, expert, content, a.version)
        workflow.act(a, expert, "submit", a.version)

    def shown() -> list[Answer]:
        found = list(Answer.objects.filter(edition=edition).order_by("pk"))
        for a in found:
            a.edition = edition
        return found

    takes, undos = [], []
    for _ in range(repeat):
        answers = shown()
        token = bulk.plan(answers, reviewer, "agree").token
        t0 = time.perf_counter()
        step = bulk.take(answers, reviewer, "agree", token)
        takes.append((time.perf_counter() - t0) * 1000)
        assert len(step.moved) == 61, len(step.moved)
        t0 = time.perf_counter()
        bulk.reverse(step, reviewer)
        undos.append((time.perf_counter() - t0) * 1000)
    return takes, undos


if __name__ == "__main__":
    sys.exit(main())
