"""One :class:`~polindex.analysis.whatif.Simulator` per release and process: a release never
changes, so the simulator made from its frozen definition, input table and (for a build) the
pipeline's variables and uncertainty design is kept (keyed by the
release's id and checksum) and every dialogue page and API route asks it questions."""

from __future__ import annotations

import functools
import io
import threading

import pandas as pd

from polindex.analysis.whatif import Simulator
from polindex.api import read_inputs
from polindex.framework.uncertainty import Uncertainty
from polindex.web.releases.models import Release

_lock = threading.Lock()


class NotSimulableError(Exception):
    """The release holds no input table (a release of scores only), or is a build made before
    its pipeline's variables were frozen: nothing to simulate."""


def simulator_of(release: Release) -> Simulator:
    """The simulator of ``release`` (made once per process; raises :class:`NotSimulableError` when
    the release has no frozen inputs). Callers must have checked that the user may see the
    release (:func:`polindex.web.releases.visibility.visible_releases`).

    Example (with Django set up and the demo published)::

        r = Release.objects.get(index__code="SYNTH", version="demo")
        simulator_of(r).simulate("Synthetic-A", {}).row()["rank_difference"]  # 0
    """
    if not rebuildable(release):
        raise NotSimulableError(f"{release} has not frozen every input its engine read")
    with _lock:  # one build per release even when two requests ask at once
        return _simulator(release.pk, release.checksum, release)


def rebuildable(release: Release) -> bool:
    """Whether ``release`` froze every input its engine read: its input table and, for a build
    whose pipeline reads variables (denominators, groups), those variables too (releases made
    before they were frozen have none, decision 048).

    Examples
    --------
    >>> rebuildable(Release(inputs_csv="unit,period,indicator,value", spec={}))
    True
    >>> rebuildable(Release(inputs_csv="", spec={}))
    False
    >>> built = {"pipeline": {"variables": [{"code": "pop", "role": "denominator"}]}}
    >>> rebuildable(Release(inputs_csv="unit,period,indicator,value", spec=built))
    False
    """
    pipeline = (release.spec or {}).get("pipeline") or {}
    if not release.inputs_csv.strip():
        return False
    return not pipeline.get("variables") or bool(release.variables_csv.strip())


@functools.lru_cache(maxsize=16)
def _simulator(pk: int, checksum: str, release: Release) -> Simulator:
    definition = release.definition
    if release.uncertainty_design:  # the design whose rank intervals the release publishes
        design = Uncertainty.model_validate(release.uncertainty_design)
        definition = definition.with_(uncertainty=design)
    table = pd.read_csv(io.StringIO(release.inputs_csv), dtype=str, keep_default_na=False)
    if release.variables_csv.strip():  # a build's denominators and groups, as rows of their own
        variables = pd.read_csv(
            io.StringIO(release.variables_csv), dtype=str, keep_default_na=False
        )
        table = pd.concat([table, variables], ignore_index=True).fillna("")
    scored = bool((release.spec or {}).get("scored", False))
    inputs = read_inputs(definition, table, scored=scored)
    return Simulator.of(definition, inputs)
