"""The dialogue tools' API routes (``/api/v1/releases/{index}/{version}/...``), on the visible
releases only; bad input is a 4xx with a ``detail``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["dialogue"])

from polindex.web.dialogue.weights_api import router as weights_router  # noqa: E402

router.add_router("/", weights_router)
