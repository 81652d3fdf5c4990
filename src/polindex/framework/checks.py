"""Cross-checks of a structurally valid framework: codes, scores, bands, rules, languages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from polindex.framework.messages import did_you_mean, unknown
from polindex.framework.models import Framework, Indicator, Label, Node
from polindex.framework.problems import Problem
from polindex.framework.vocabulary import AGGREGATION_METHODS, AGGREGATION_PARAMS
from polindex.framework.yamlsource import PathPart, format_path

Parts = tuple[PathPart, ...]
PathOf = Callable[[object], Parts]
LineOf = Callable[[Parts], int | None]


class _Checker:
    def __init__(self, fw: Framework, path_of: PathOf, line_of: LineOf) -> None:
        self.fw = fw
        self.path_of = path_of
        self.line_of = line_of
        self.problems: list[Problem] = []
        self.gaps: list[tuple[str, str]] = []  # (language, path) of texts it lacks

    def add(self, parts: Parts, message: str) -> None:
        self.problems.append(Problem(format_path(parts), message, self.line_of(parts)))

    def run(self) -> list[Problem]:
        self.check_metadata()
        self.check_codes()
        for item, _, _ in self.fw.root.walk():
            parts = self.path_of(item)
            if not (item is self.fw.root and item.label == self.fw.name):  # checked as 'name'
                self.check_labels(item.label, (*parts, "label"))
            self.check_labels(item.description, (*parts, "description"))
            if isinstance(item, Node):
                self.check_node(item, parts)
            else:
                self.check_labels(item.question, (*parts, "question"))
                self.check_indicator(item, parts)
        return self.problems

    def check_metadata(self) -> None:
        fw = self.fw
        self.check_labels(fw.name, ("name",))
        if fw.default_language not in fw.name:
            self.add(("name",), f"needs a text in the default language {fw.default_language!r}")
        for lang, n in Counter(fw.languages).items():
            if n > 1:
                self.add(("languages",), f"language {lang!r} listed twice")
        for key in ("code", "plural"):
            seen = Counter(getattr(lv, key) for lv in fw.levels)
            for value, n in seen.items():
                if n > 1:
                    self.add(("levels",), f"duplicate level {key} {value!r}")
        for i, lv in enumerate(fw.levels):
            # A level that failed to load leaves a gap: its path comes from the loader.
            parts = self.path_of(lv) or ("levels", i)
            if lv.plural in ("indicators", "children") or lv.code in ("index", "indicator"):
                self.add(parts, f"{lv.code!r}/{lv.plural!r} is reserved; choose another")
            self.check_labels(lv.label, (*parts, "label"))
        self.check_bands()
        self.check_units()
        self.check_approaches()

    def check_bands(self) -> None:
        fw = self.fw
        lo, hi = fw.scale.min, fw.scale.max
        for key in ("code", "min"):
            for value, n in Counter(getattr(b, key) for b in fw.bands).items():
                if n > 1:
                    self.add(("bands",), f"two bands have the same {key} {value!r}")
        for i, band in enumerate(fw.bands):
            if not lo <= band.min <= hi:
                self.add(("bands", i, "min"), f"{band.min:g} is outside the scale {lo:g}–{hi:g}")
            self.check_labels(band.label, ("bands", i, "label"))
        if fw.bands and min(b.min for b in fw.bands) > lo:
            self.add(
                ("bands",),
                f"no band covers scores from {lo:g} up to {min(b.min for b in fw.bands):g}; "
                f"give the lowest band min: {lo:g}",
            )

    def check_units(self) -> None:
        from polindex.framework.units import iso_codes

        groups = self.fw.unit_groups
        for code, label in groups.items():
            self.check_labels(label, ("unit_groups", code))
        for code, unit in self.fw.units.items():
            self.check_labels(unit.name, ("units", code, "name"))
            if unit.iso is not None and iso_codes(unit.iso) is None:
                self.add(
                    ("units", code, "iso"),
                    f"{unit.iso!r} is not an ISO 3166-1 alpha-2 or alpha-3 country code (a "
                    "country the list lacks is declared with its name and kind: country)",
                )
            for i, group in enumerate(unit.groups):
                if group not in groups:
                    self.add(
                        ("units", code, "groups", i),
                        f"no group {group!r} under unit_groups"
                        + (did_you_mean(group, sorted(groups)) if groups else ""),
                    )

    def check_approaches(self) -> None:
        fw = self.fw
        groups = {n.code for n in fw.nodes}
        lo, hi = fw.scale.min, fw.scale.max
        seen: dict[str, int] = {}
        for i, approach in enumerate(fw.approaches):
            parts: Parts = ("approaches", i)
            if approach.code in seen:
                first = f"approaches[{seen[approach.code]}]"
                self.add(
                    (*parts, "code"), f'duplicate code "{approach.code}" (first used at {first})'
                )
            seen.setdefault(approach.code, i)
            self.check_labels(approach.label, (*parts, "label"))
            self.check_labels(approach.description, (*parts, "description"))
            if not approach.rules and i < len(fw.approaches) - 1:
                self.add(
                    (*parts, "rules"),
                    "an approach without rules takes every unit left, so the approaches after "
                    "it would never apply: put it last",
                )
            for j, rule in enumerate(approach.rules):
                where: Parts = (*parts, "rules", j)
                if rule.node not in groups:
                    known = [n.code for n in fw.nodes]
                    self.add(
                        (*where, "node"),
                        f"no group {rule.node!r} (rules read the scores of the index or its "
                        f"groups){did_you_mean(rule.node, known)}",
                    )
                if rule.min is None and rule.max is None:
                    self.add(where, "give a min, a max or both")
                for key in ("min", "max"):
                    value = getattr(rule, key)
                    if value is not None and not lo <= value <= hi:
                        self.add((*where, key), f"{value:g} is outside the scale {lo:g}–{hi:g}")
                if rule.min is not None and rule.max is not None and rule.min > rule.max:
                    self.add(where, f"min {rule.min:g} is above max {rule.max:g}")

    def check_codes(self) -> None:
        first: dict[str, Parts] = {}
        for item, _, _ in self.fw.root.walk():
            parts = self.path_of(item)
            if item.code in first:
                where = format_path(first[item.code]) or "the index itself"
                self.add((*parts, "code"), f'duplicate code "{item.code}" (first used at {where})')
            else:
                first[item.code] = parts

    def check_labels(self, label: Label, parts: Parts) -> None:
        for lang in label:
            if lang not in self.fw.languages:
                self.add(
                    (*parts, lang),
                    f"language {lang!r} is not among the index's languages "
                    f"({', '.join(self.fw.languages)})",
                )
        for lang in self.fw.languages if label else ():
            if lang not in label:
                self.gaps.append((lang, format_path(parts)))

    def check_node(self, node: Node, parts: Parts) -> None:
        if node.aggregation in AGGREGATION_PARAMS and node.aggregation not in AGGREGATION_METHODS:
            needs = ", ".join(AGGREGATION_PARAMS[node.aggregation])
            self.add(
                (*parts, "aggregation"),
                f"{node.aggregation} needs a parameter ({needs}): choose it in the pipeline's "
                "aggregate step (overrides or levels)",
            )
        elif node.aggregation not in AGGREGATION_METHODS:
            self.add(
                (*parts, "aggregation"), unknown("method", node.aggregation, AGGREGATION_METHODS)
            )
        if node.children and all(c.weight == 0 for c in node.children):
            self.add(parts, "every child has weight 0: at least one weight must be positive")

    def in_scale(self, value: float, parts: Parts, what: str) -> None:
        lo, hi = self.fw.scale.min, self.fw.scale.max
        if not lo <= value <= hi:
            self.add(parts, f"{what} {value:g} is outside the index scale {lo:g}–{hi:g}")

    def check_indicator(self, ind: Indicator, parts: Parts) -> None:
        def only_for(field: str, kind: str) -> None:
            self.add((*parts, field), f"'{field}' is only for {kind} indicators")

        if ind.type == "categorical":
            if not ind.options:
                self.add(parts, "a categorical indicator needs 'options'")
            first: dict[str, int] = {}
            for k, opt in enumerate(ind.options):
                if opt.code in first:  # at the duplicate's own line
                    where = format_path((*parts, "options", first[opt.code]))
                    self.add(
                        (*parts, "options", k, "code"),
                        f'duplicate code "{opt.code}" (first used at {where})',
                    )
                first.setdefault(opt.code, k)
                self.in_scale(opt.score, (*parts, "options", k, "score"), "score")
                self.check_labels(opt.label, (*parts, "options", k, "label"))
                self.check_labels(opt.description, (*parts, "options", k, "description"))
        elif ind.options:
            only_for("options", "categorical")
        if ind.type != "numeric":
            for field in ("bounds", "goalposts", "unit"):
                if getattr(ind, field) is not None:
                    only_for(field, "numeric")
            if ind.direction != 1:
                only_for("direction", "numeric")
        else:
            if ind.bounds is not None and ind.bounds[0] >= ind.bounds[1]:
                self.add((*parts, "bounds"), "the lower bound must be below the upper bound")
            if ind.goalposts is not None and ind.goalposts[0] == ind.goalposts[1]:
                self.add((*parts, "goalposts"), "the two goalposts must differ")
            if ind.goalposts is None:
                lo, hi = ind.bounds or (None, None)
                if ind.bounds is not None and (
                    lo is not None
                    and hi is not None
                    and (lo > self.fw.scale.max or hi < self.fw.scale.min)
                ):
                    self.add(
                        (*parts, "bounds"),
                        "without goalposts values are used as scores, but these bounds lie "
                        "entirely outside the index scale; add goalposts",
                    )
        if ind.type == "boolean":
            for field in ("true_score", "false_score"):
                value = getattr(ind, field)
                if value is not None:
                    self.in_scale(value, (*parts, field), "score")
        else:
            for field in ("true_score", "false_score"):
                if getattr(ind, field) is not None:
                    only_for(field, "boolean")
        if ind.guidance is not None:
            self.check_guidance(ind, (*parts, "guidance"))
        if ind.applicable_if is not None:
            self.check_labels(ind.applicable_if.reason, (*parts, "applicable_if", "reason"))
            self.check_rule(ind, (*parts, "applicable_if"))

    def check_guidance(self, ind: Indicator, parts: Parts) -> None:
        """Each text of the guidance in the index's languages, and in its default language
        (what a page in a language the text lacks shows: the one fallback rule)."""
        assert ind.guidance is not None
        default = self.fw.default_language
        for where, texts in ind.guidance.texts():
            self.check_labels(texts, (*parts, *where))
            if texts and default not in texts:
                self.add(
                    (*parts, *where),
                    f"needs a text in the default language {default!r} (shown where a "
                    f"language has none); it has {', '.join(sorted(texts))}",
                )

    def check_rule(self, ind: Indicator, parts: Parts) -> None:
        rule = ind.applicable_if
        assert rule is not None
        try:
            target = self.fw.find(rule.indicator)
        except KeyError:
            self.add((*parts, "indicator"), f"no indicator with code {rule.indicator!r}")
            return
        if not isinstance(target, Indicator):
            self.add((*parts, "indicator"), f"{rule.indicator!r} is a group, not an indicator")
            return
        if target.code == ind.code:
            self.add((*parts, "indicator"), "an indicator cannot depend on itself")
            return
        if target.type == "numeric":
            self.add(
                (*parts, "indicator"),
                f"{target.code!r} is numeric; applicability rules use a categorical or boolean "
                "indicator",
            )
            return
        allowed = (
            {o.code for o in target.options} if target.type == "categorical" else {"true", "false"}
        )
        key = "in" if rule.in_ is not None else "not_in"
        for value in rule.in_ or rule.not_in or ():
            if value not in allowed:
                self.add(
                    (*parts, key),
                    f"{value!r} is not a value of {target.code!r} "
                    f"(one of: {', '.join(sorted(allowed))})",
                )
        if target.applicable_if is not None:
            self.add(
                (*parts, "indicator"),
                f"{target.code!r} has an applicability rule itself; rules cannot be chained",
            )


def check_framework(fw: Framework, path_of: PathOf, line_of: LineOf) -> list[Problem]:
    """Every cross-object problem in ``fw``; paths come from ``path_of``, lines from ``line_of``.

    Examples
    --------
    >>> from polindex.framework.models import Framework, Indicator, Node
    >>> fw = Framework(code="T", name={"en": "T"}, root=Node(code="T", children=(
    ...     Indicator(code="q", type="boolean"), Indicator(code="q", type="boolean"))))
    >>> [p.message for p in check_framework(fw, lambda obj: (), lambda parts: None)]
    ['duplicate code "q" (first used at the index itself)']
    """
    return _Checker(fw, path_of, line_of).run()


def untranslated(fw: Framework) -> dict[str, list[str]]:
    """The texts of ``fw`` that lack a version in one of its ``languages``, per language: the
    places a page in that language shows the default language instead (not an error, a note).

    Places are named by the code of the group or indicator they belong to (``LMM1.question``,
    ``LMM1.options[0].label``), or by their YAML path for the index's own texts.

    Examples
    --------
    >>> from polindex.framework.models import Framework, Indicator, Node, Option
    >>> fw = Framework(code="T", name={"en": "T", "fr": "T"}, languages=("en", "fr"),
    ...                root=Node(code="T", children=(Indicator(
    ...                    code="q", type="categorical", question={"en": "Open?", "fr": "Ouvert ?"},
    ...                    options=(Option(code="a", score=1, label={"en": "Yes"}),)),)))
    >>> untranslated(fw)
    {'fr': ['q.options[0].label']}
    """
    checker = _Checker(
        fw,
        lambda obj: (obj.code,) if isinstance(obj, (Node, Indicator)) else (),
        lambda parts: None,
    )
    checker.run()
    gaps: dict[str, list[str]] = {}
    for lang, path in checker.gaps:
        gaps.setdefault(lang, []).append(path)
    return gaps
