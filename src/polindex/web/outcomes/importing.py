"""Importing an outcome file into a release: all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from polindex.analysis.outcomes import read_outcomes
from polindex.io.tables import Upload, source_name
from polindex.web.outcomes.models import Outcome, OutcomeValue
from polindex.web.releases.models import Release


def import_outcomes(
    release: Release, source: str | Path | Upload, *, replace_all: bool = False
) -> list[Outcome]:
    """Read ``source`` (long CSV/XLSX: outcome, unit, period, value[, label, measure, source])
    against ``release``'s units and store its outcomes: added beside the release's others,
    an outcome of the same code replaced whole — or, with ``replace_all``, every outcome of
    the release removed first.

    Raises :class:`~polindex.io.problems.DataError` listing every problem with its row and
    column; nothing is stored then.

    Example (with Django set up)::

        import_outcomes(release, "outcomes.csv")  # [<Outcome: SYNTH demo emp_gap>]
    """
    read = read_outcomes(source, known_units=release.unit_table.names())
    name = source_name(source if isinstance(source, Upload) else Path(source))
    made = []
    with transaction.atomic():
        gone = Outcome.objects.filter(release=release)
        if not replace_all:
            gone = gone.filter(code__in=[o.code for o in read])
        gone.delete()
        for o in read:
            outcome = Outcome.objects.create(
                release=release, code=o.code, label=o.label, measure=o.measure,
                source_file=name[:200],
            )  # fmt: skip
            OutcomeValue.objects.bulk_create(
                OutcomeValue(outcome=outcome, unit=v.unit, period=v.period, value=v.value,
                             source=v.source)
                for v in o.values
            )  # fmt: skip
            made.append(outcome)
    return made
