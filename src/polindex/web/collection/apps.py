from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "polindex.web.collection"
    verbose_name = _("Data collection")
    label = "collection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_save

        from polindex.web.collection import permissions  # noqa: F401  (registers the rules)
        from polindex.web.collection.answer_rows import create_rows
        from polindex.web.collection.models import Assignment, Edition
        from polindex.web.collection.notify import invitation

        def invite(sender: object, instance: Assignment, created: bool, **kwargs: object) -> None:
            if created and instance.accepted_at is None:
                transaction.on_commit(lambda: invitation(instance))

        def assigned(sender: object, instance: Assignment, raw: bool, **kwargs: object) -> None:
            if raw:  # loaded from a fixture, rows and all
                return
            if instance.role == Assignment.Role.EXPERT and instance.accepted_at is not None:
                create_rows(instance.edition, [instance])  # (nothing unless the edition is open)

        def saved(sender: object, instance: Edition, raw: bool, **kwargs: object) -> None:
            if not raw:
                create_rows(instance)  # opened (or its countries changed while open)

        post_save.connect(invite, sender=Assignment, weak=False, dispatch_uid="polindex-invite")
        post_save.connect(assigned, sender=Assignment, weak=False, dispatch_uid="polindex-rows")
        post_save.connect(saved, sender=Edition, weak=False, dispatch_uid="polindex-open")
