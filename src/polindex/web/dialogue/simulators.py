"""One :class:`~polindex.analysis.whatif.Simulator` per release and process: a release never
changes, so the simulator made from its frozen definition and input table is kept (keyed by the
release's id and checksum) and every dialogue page and API route asks it questions."""

from __future__ import annotations

import functools
import io
import threading

import pandas as pd

from polindex.analysis.whatif import Simulator
from polindex.api import read_inputs
from polindex.web.releases.models import Release

_lock = threading.Lock()


class NotSimulableError(Exception):
    """The release holds no input table (a release of scores only): nothing to simulate."""


def simulator_of(release: Release) -> Simulator:
    """The simulator of ``release`` (made once per process; raises :class:`NotSimulableError` when
    the release has no frozen inputs). Callers must have checked that the user may see the
    release (:func:`polindex.web.releases.visibility.visible_releases`).

    Example (with Django set up and the demo published)::

        r = Release.objects.get(index__code="SYNTH", version="demo")
        simulator_of(r).simulate("Synthetic-A", {}).row()["rank_difference"]  # 0
    """
    if not release.inputs_csv.strip():
        raise NotSimulableError(f"{release} has no input data to simulate")
    with _lock:  # one build per release even when two requests ask at once
        return _simulator(release.pk, release.checksum, release)


@functools.lru_cache(maxsize=16)
def _simulator(pk: int, checksum: str, release: Release) -> Simulator:
    definition = release.definition
    table = pd.read_csv(io.StringIO(release.inputs_csv), dtype=str, keep_default_na=False)
    scored = bool((release.spec or {}).get("scored", False))
    inputs = read_inputs(definition, table, scored=scored)
    return Simulator.of(definition, inputs)
