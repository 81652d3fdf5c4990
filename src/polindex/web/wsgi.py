"""WSGI entry point (``gunicorn polindex.web.wsgi``).

A production server refuses to start on the labelled demo key: outside debug and the local
demo, ``POLINDEX_SECRET_KEY`` must come from the environment (sessions, CSRF tokens and
password-reset links are signed with it).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polindex.web.settings")
application = get_wsgi_application()


def _require_secret() -> None:
    from django.conf import settings

    if settings.DEBUG or settings.LOCAL_HTTP or "POLINDEX_SECRET_KEY" in os.environ:
        return
    raise ImproperlyConfigured(
        "POLINDEX_SECRET_KEY is not set: a server open to others needs its own secret key "
        '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))")'
    )


_require_secret()
