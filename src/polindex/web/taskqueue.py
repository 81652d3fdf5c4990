"""django-tasks-db's app (the queue of background tasks), named in the page's language in the
admin: its own name is English only. Its models' and fields' names are marked for translation
by django-tasks-db itself; their French is in our catalogue.

(Its own module: a second AppConfig in an app's ``apps.py`` would stop Django from choosing
that app's default configuration.)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TaskQueueConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
