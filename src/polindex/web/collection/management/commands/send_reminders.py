"""``django-admin send_reminders`` — run daily from a scheduler (cron, systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from polindex.web.collection.notify import reminders


class Command(BaseCommand):
    help = "E-mail deadline reminders to experts and reviewers of open editions."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{reminders()} reminder(s) sent")
