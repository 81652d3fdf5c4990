"""The dialogue tools' API routes (``/api/v1/releases/{index}/{version}/...``), on the visible
releases only; bad input is a 4xx with a ``detail``."""

from __future__ import annotations

from ninja import Router

from polindex.web.dialogue.recs_api import router as recs_router
from polindex.web.dialogue.weights_api import router as weights_router
from polindex.web.dialogue.whatif_api import router as whatif_router

router = Router(tags=["dialogue"])
router.add_router("/", whatif_router)  # what-if and goal seeking
router.add_router("/", weights_router)  # your own weights, comparing releases
router.add_router("/", recs_router)  # recommendations, peers, typology
