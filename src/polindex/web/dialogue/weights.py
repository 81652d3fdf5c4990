"""Your own weights on a release (issue 15, point 5): what the page and the API route share —
reading the weights a visitor asks for, checking them, and ranking under them beside the
official ranking and its rank intervals."""

from __future__ import annotations

import math
from collections.abc import Mapping

from django.utils.translation import gettext as _

from polindex.analysis.custom_weights import CustomRanking, WeightsError, custom_ranking
from polindex.analysis.intervals import RankIntervals
from polindex.errors import PolindexError
from polindex.framework.models import Framework
from polindex.web.dialogue.frozen import official_results
from polindex.web.releases.models import Release

MAX_WEIGHT = 5.0
"""The heaviest weight a visitor may give (0–5, as the OECD Better Life Index)."""
PREFIX = "w."
"""The query parameters that carry weights: ``w.LMM=5``."""


def levels(fw: Framework) -> list[str]:
    """The levels below the index that have groups (``area``, ``dimension``…), then
    ``indicator``."""
    have = {n.level for n in fw.nodes if n is not fw.root}
    return [lv.code for lv in fw.levels if lv.code in have] + ["indicator"]


def level_nodes(fw: Framework, level: str) -> list[str]:
    """The codes of the nodes at ``level``, in the framework's order."""
    return [item.code for item, _p, _d in fw.walk() if item.level == level and item is not fw.root]


def parse_weight(code: str, text: str, names: Mapping[str, str]) -> tuple[float | None, str]:
    """A weight given as text: (the number, "") or (None, why it cannot be used).

    Examples
    --------
    >>> parse_weight("A", "2.5", {"A": "Access"})
    (2.5, '')
    >>> parse_weight("A", "7", {"A": "Access"})[1]
    'Access: the weight must be a number from 0 to 5 (got “7”).'
    """
    label = names.get(code, code)
    try:
        number = float(text.replace(",", ".").strip())
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and 0 <= number <= MAX_WEIGHT):
        return None, _("%(node)s: the weight must be a number from 0 to 5 (got “%(text)s”).") % {
            "node": label,
            "text": text[:40],
        }
    return number, ""


def read_weights(
    fw: Framework, given: Mapping[str, str], names: Mapping[str, str]
) -> tuple[dict[str, float], list[str]]:
    """The weights asked for (node code → text; blank: the official weight) as numbers, and a
    message for each unknown node or unusable number."""
    known = {item.code for item, _p, _d in fw.walk()}
    weights: dict[str, float] = {}
    problems: list[str] = []
    for code, text in given.items():
        if not text.strip():
            continue
        if code not in known:
            problems.append(_("There is no node “%(node)s” in this index.") % {"node": code[:64]})
            continue
        if code == fw.root.code:
            problems.append(_("The index itself has no weight: weigh its areas or other nodes."))
            continue
        number, problem = parse_weight(code, text, names)
        if number is None:
            problems.append(problem)
        else:
            weights[code] = number
    return weights, problems


def intervals_of(release: Release) -> RankIntervals | None:
    """The release's official rank intervals (``None``: it has no uncertainty analysis)."""
    uncertainty = (release.robustness or {}).get("uncertainty")
    return RankIntervals.from_json(uncertainty) if uncertainty else None


class WeightsUnavailableError(Exception):
    """The release cannot be ranked again (it holds scores only); the message says so."""


def rank(release: Release, weights: Mapping[str, float], period: str | None) -> CustomRanking:
    """The release's ranking of its index in ``period`` under ``weights``, beside the official
    one. Raises :class:`WeightsUnavailableError` for a release without input data and
    :class:`~polindex.analysis.custom_weights.WeightsError` for weights that cannot be used
    (all of a group's children at zero)."""
    try:
        results = official_results(release)
    except PolindexError:
        raise WeightsUnavailableError(
            _("This release holds no indicator scores: it cannot be ranked under other weights.")
        ) from None
    chosen = next((p for p in results.periods if str(p) == period), None)
    return custom_ranking(results, weights, period=chosen, intervals=intervals_of(release))


def zero_groups(error: WeightsError, names: Mapping[str, str]) -> list[str]:
    """The library's problems with the weights, in the reader's words where it can."""
    out = []
    for problem in error.problems:
        if problem.startswith("all the weights of "):
            code = problem.removeprefix("all the weights of ").split("'s children")[0]
            out.append(
                _("All the weights under “%(node)s” are zero: give at least one a weight above 0.")
                % {"node": names.get(code, code)}
            )
        else:
            out.append(str(problem))
    return out
