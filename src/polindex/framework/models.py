"""The typed, immutable model of an index framework.

A framework is a tree: the index at the root, groups (areas, dimensions, …) below it, and
indicators as leaves. Every object here is a frozen pydantic model; build one with
:func:`polindex.load_framework` (from YAML, with exact error paths) or directly in Python.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.\-]*$"
Code = Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters (line breaks and tabs apart): never part of a text meant to be read."""


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters an XML document (an SVG chart, an XLSX workbook) cannot hold."""


def _readable(text: str) -> str:
    found = CONTROL.search(text)
    if found:
        raise ValueError(
            f"holds a control character (U+{ord(found.group()):04X}) at position {found.start()}"
        )
    return text


Text = Annotated[str, AfterValidator(_readable)]
"""Text for readers (labels, names, questions): no control characters."""
Label = dict[str, Text]
"""Text per language code, e.g. ``{"en": "Education", "fr": "Éducation"}``."""


BAND_PALETTE = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac")
"""Colours of bands that give none, from the worst band (dark red) to the best (dark blue)."""


def span_decimals(span: float) -> int:
    """Decimals that tell numbers on a range of this width apart: 2 up to 10, 1 up to 100, 0
    beyond.

    Examples
    --------
    >>> span_decimals(1), span_decimals(100), span_decimals(120)
    (2, 1, 0)
    """
    return 2 if span <= 10 else 1 if span <= 100 else 0


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Scale(_Model):
    """The range every score lives on (MIPEX: 0–100; IMPIC: 0–1)."""

    min: float = 0.0
    max: float = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not (math.isfinite(self.min) and math.isfinite(self.max)) or self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        return self


class Band(_Model):
    """A named score band: scores ≥ ``min`` (and below the next band's ``min``) fall in it."""

    code: Code
    min: float
    label: Label = Field(default_factory=dict)
    colour: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")


class Level(_Model):
    """A named level of the hierarchy below the index (e.g. area, then dimension)."""

    code: Code
    plural: Code
    label: Label = Field(default_factory=dict)


class Option(_Model):
    """One answer option of a categorical indicator and the score it earns."""

    code: Annotated[str, Field(min_length=1, max_length=64)]
    label: Label = Field(default_factory=dict)
    description: Label = Field(default_factory=dict)
    score: float

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, v: Any) -> Any:
        # YAML reads `code: 1` as an int and `code: yes` as a bool; option codes are text.
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return str(v)
        return v


class Applicability(_Model):
    """When an indicator applies; elsewhere it is N/A (excluded from averages, never 0).

    ``{"indicator": "D0", "in": ["yes"]}`` — applies only where indicator ``D0``'s answer is
    ``yes``; ``not_in`` states the reverse. Values are option codes, or ``true``/``false`` for
    a boolean indicator.
    """

    indicator: Code
    in_: tuple[str, ...] | None = Field(default=None, alias="in")
    not_in: tuple[str, ...] | None = None
    reason: Label = Field(default_factory=dict)

    @field_validator("in_", "not_in", mode="before")
    @classmethod
    def _values_as_text(cls, v: Any) -> Any:
        if isinstance(v, list | tuple):
            return tuple(("true" if x else "false") if isinstance(x, bool) else str(x) for x in v)
        return v

    @model_validator(mode="after")
    def _one_of(self) -> Applicability:
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("give exactly one of 'in' or 'not_in'")
        if not (self.in_ or self.not_in):
            raise ValueError("the list of values is empty")
        return self

    def applies(self, value: str) -> bool:
        """Whether the indicator applies when the rule's indicator has answer ``value``.

        Examples
        --------
        >>> rule = Applicability(indicator="D0", **{"in": ["yes"]})
        >>> rule.applies("yes"), rule.applies("no")
        (True, False)
        """
        if self.in_ is not None:
            return value in self.in_
        return value not in (self.not_in or ())


GUIDANCE_TEXT_MAX = 2000
"""Characters a guidance text (how to answer, examples, a definition) may hold per language."""
GUIDANCE_TERM_MAX = 120
"""Characters a defined term may hold per language."""
GUIDANCE_SOURCE_MAX = 200
"""Characters a definition's legal source may hold."""
GUIDANCE_DEFINITIONS_MAX = 10
"""Definitions a question's guidance may give. With the limits above, one question's guidance
in one language stays far below a spreadsheet cell's 32,767 characters (XLSX, XLSForm)."""

GuidanceText = Annotated[
    str, StringConstraints(min_length=1, max_length=GUIDANCE_TEXT_MAX), AfterValidator(_readable)
]
TermText = Annotated[
    str, StringConstraints(min_length=1, max_length=GUIDANCE_TERM_MAX), AfterValidator(_readable)
]


class Definition(_Model):
    """A legal definition in a question's guidance: the ``term``, what it means
    (``definition``) and, optionally, where the law defines it (``source``, plain text)."""

    term: dict[str, TermText]
    definition: dict[str, GuidanceText]
    source: (
        Annotated[str, StringConstraints(max_length=GUIDANCE_SOURCE_MAX), AfterValidator(_readable)]
        | None
    ) = None


class Guidance(_Model):
    """Notes for the expert who answers a question: how to answer it, examples, and the legal
    definitions of its terms; each text per language, plain text (a blank line starts a new
    paragraph).

    Examples
    --------
    >>> g = Guidance(how_to_answer={"en": "Answer for the law in force."},
    ...              definitions=(Definition(term={"en": "Resident"},
    ...                                      definition={"en": "Lives in the country."}),))
    >>> g.languages()
    ['en']
    >>> Guidance()
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Guidance
      Value error, give at least one of how_to_answer, examples or definitions ...
    """

    how_to_answer: dict[str, GuidanceText] = Field(default_factory=dict)
    examples: dict[str, GuidanceText] = Field(default_factory=dict)
    definitions: Annotated[tuple[Definition, ...], Field(max_length=GUIDANCE_DEFINITIONS_MAX)] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> Guidance:
        if not (self.how_to_answer or self.examples or self.definitions):
            raise ValueError("give at least one of how_to_answer, examples or definitions")
        return self

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Label]]:
        """Every text of the guidance with its place (``("definitions", 0, "term")``)."""
        yield ("how_to_answer",), self.how_to_answer
        yield ("examples",), self.examples
        for k, d in enumerate(self.definitions):
            yield ("definitions", k, "term"), d.term
            yield ("definitions", k, "definition"), d.definition

    def languages(self) -> list[str]:
        """The languages any of its texts is written in, sorted."""
        return sorted({lang for _, texts in self.texts() for lang in texts})


IndicatorType = Literal["categorical", "numeric", "boolean"]


class Indicator(_Model):
    """A leaf of the tree: one question or measured quantity.

    * ``categorical``: the value is an option code; its score is the option's score.
    * ``numeric``: the value is a number within ``bounds``; with ``goalposts`` it is rescaled
      onto the index scale (truncated, ``direction`` −1 reverses); without, it is used as a score.
    * ``boolean``: true/false, scored ``true_score`` / ``false_score`` (default scale max / min).
    """

    code: Code
    type: IndicatorType
    label: Label = Field(default_factory=dict)
    description: Label = Field(default_factory=dict)
    question: Label = Field(default_factory=dict)
    weight: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 1.0
    options: tuple[Option, ...] = ()
    unit: Label | str | None = None
    """The unit of a numeric value: plain text, or a label per language (``{en: months,
    fr: mois}``); see :meth:`Framework.unit`."""
    direction: Literal[1, -1] = 1
    bounds: tuple[float, float] | None = None
    goalposts: tuple[float, float] | None = None
    true_score: float | None = None
    false_score: float | None = None
    applicable_if: Applicability | None = None
    guidance: Guidance | None = None
    """Notes shown to the expert beside the question (see :class:`Guidance`)."""

    level: str = "indicator"

    @property
    def is_indicator(self) -> bool:
        return True

    @property
    def decimals(self) -> int:
        """Decimals a raw value of this (numeric) indicator is shown with: from the width of
        its ``bounds`` (see :func:`span_decimals`), 2 without bounds.

        Examples
        --------
        >>> Indicator(code="q", type="numeric", bounds=(0, 1)).decimals
        2
        >>> Indicator(code="q", type="numeric", bounds=(0, 120), unit="months").decimals
        0
        """
        return span_decimals(self.bounds[1] - self.bounds[0]) if self.bounds else 2

    def option(self, code: str) -> Option | None:
        """The answer option with this code, or ``None``."""
        return next((o for o in self.options if o.code == code), None)


class Node(_Model):
    """A group of the tree (the index itself, an area, a dimension, …)."""

    code: Code
    label: Label = Field(default_factory=dict)
    description: Label = Field(default_factory=dict)
    weight: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 1.0
    aggregation: str = "arithmetic"
    min_coverage: Annotated[float, Field(ge=0, le=1)] = 0.0
    level: str = "index"
    children: tuple[Node | Indicator, ...] = ()

    @property
    def is_indicator(self) -> bool:
        return False

    def walk(self) -> Iterator[tuple[Node | Indicator, Node | None, int]]:
        """Every node and indicator below and including this one, depth first, pre-order.

        Yields ``(item, parent, depth)``, depth 0 for this node.
        """
        stack: list[tuple[Node | Indicator, Node | None, int]] = [(self, None, 0)]
        while stack:
            item, parent, depth = stack.pop()
            yield item, parent, depth
            if isinstance(item, Node):
                stack.extend((c, item, depth + 1) for c in reversed(item.children))


Polarity = Literal["higher_is_better", "lower_is_better"]

UnitKind = Literal["country", "region", "supranational", "other"]
"""What a unit is: a ``country``; a ``region`` within a country (subnational); a
``supranational`` unit or aggregate (EU level, a world average); or ``other``."""
UNIT_KINDS: tuple[str, ...] = get_args(UnitKind)

UNIT_CODE_PATTERN = r"^[^/]{1,64}$"
UnitCode = Annotated[str, Field(pattern=UNIT_CODE_PATTERN), AfterValidator(_readable)]
"""A unit's code as data name it (``de``, ``AUT``, ``Synthetic-A``): at most 64 characters,
without '/'."""


class IsoCodes(_Model):
    """A country's ISO 3166-1 codes."""

    alpha_2: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    alpha_3: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    numeric: str | None = Field(default=None, pattern=r"^[0-9]{3}$")


class UnitDeclaration(_Model):
    """A unit as the framework declares it (``units:``): its names, ISO code, kind and groups.

    ``iso`` is the ISO 3166-1 code (alpha-2 or alpha-3) of the country the unit stands for,
    whose names and codes are then used (``UK: {iso: GB}``, ``EL: {iso: GR}``); what is
    declared here wins over what the ISO list says.

    Examples
    --------
    >>> UnitDeclaration(name={"en": "EU regulations"}, kind="supranational").kind
    'supranational'
    """

    name: Label = Field(default_factory=dict)
    kind: UnitKind | None = None
    iso: str | None = None
    groups: tuple[Code, ...] = ()


class ApproachRule(_Model):
    """One condition of an :class:`Approach`: the score of ``node`` (a group or the index) is at
    least ``min`` and at most ``max`` (either may be left out)."""

    node: Code
    min: float | None = None
    max: float | None = None


class Approach(_Model):
    """A named approach (MIPEX 2020's "comprehensive integration", "equality on paper", …): the
    units whose scores meet every one of its ``rules`` in a period. Approaches are tried in
    the order written, the first that fits wins; one without rules takes every unit left.

    Examples
    --------
    >>> a = Approach(code="open", label={"en": "Open"}, rules=(ApproachRule(node="A", min=60),))
    >>> a.fits({"A": 75.0}), a.fits({"A": 40.0}), a.fits({})
    (True, False, False)
    """

    code: Code
    label: Label = Field(default_factory=dict)
    description: Label = Field(default_factory=dict)
    rules: tuple[ApproachRule, ...] = ()

    def fits(self, scores: Mapping[str, float | None]) -> bool:
        """Whether ``scores`` (node → score; a missing or NaN score fails its rule) meet every
        rule."""
        for rule in self.rules:
            value = scores.get(rule.node)
            if value is None or math.isnan(value):
                return False
            if (rule.min is not None and value < rule.min) or (
                rule.max is not None and value > rule.max
            ):
                return False
        return True


class Display(_Model):
    """How scores are shown: ``decimals`` (default: from the scale, see
    :meth:`Framework.decimals`)."""

    decimals: Annotated[int, Field(ge=0, le=6)] | None = None


class Framework(_Model):
    """A whole index definition: metadata and the tree rooted at the index.

    Examples
    --------
    >>> fw = Framework(
    ...     code="TOY", name={"en": "Toy index"},
    ...     root=Node(code="TOY", children=(
    ...         Indicator(code="q1", type="boolean"),
    ...         Indicator(code="q2", type="numeric", bounds=(0, 100)),
    ...     )),
    ... )
    >>> [i.code for i in fw.indicators]
    ['q1', 'q2']
    """

    format: Literal["polindex/1"] = "polindex/1"
    code: Code
    name: Label
    short_name: str | None = None
    version: str = "1.0"
    licence: str | None = None
    citation: str | None = None
    description: Label = Field(default_factory=dict)
    languages: Annotated[tuple[str, ...], Field(min_length=1)] = ("en",)
    scale: Scale = Field(default_factory=Scale)
    polarity: Polarity = "higher_is_better"
    bands: tuple[Band, ...] = ()
    levels: tuple[Level, ...] = ()
    display: Display = Field(default_factory=Display)
    units: dict[UnitCode, UnitDeclaration] = Field(default_factory=dict)
    unit_groups: dict[Code, Label] = Field(default_factory=dict)
    approaches: tuple[Approach, ...] = ()
    root: Node

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def indicators(self) -> list[Indicator]:
        """All indicators, in document order."""
        return [n for n, _, _ in self.root.walk() if isinstance(n, Indicator)]

    @property
    def nodes(self) -> list[Node]:
        """All groups including the root, in document order."""
        return [n for n, _, _ in self.root.walk() if isinstance(n, Node)]

    def find(self, code: str) -> Node | Indicator:
        """The node or indicator with this code; ``KeyError`` if there is none."""
        for item, _, _ in self.root.walk():
            if item.code == code:
                return item
        raise KeyError(f"no node or indicator with code {code!r} in framework {self.code!r}")

    def text(self, texts: Mapping[str, str], lang: str | None = None, default: str = "") -> str:
        """The one fallback rule for every text of the index: ``texts`` in ``lang``, else in
        the index's first language, else ``default``.

        Examples
        --------
        >>> fw = Framework(code="T", name={"en": "Toy"}, languages=("en", "fr"),
        ...                root=Node(code="T"))
        >>> fw.text({"en": "Open", "fr": "Ouvert"}, "fr"), fw.text({"en": "Open"}, "de")
        ('Ouvert', 'Open')
        """
        return (
            texts.get(lang or self.default_language)
            or texts.get(self.default_language)
            or (default)
        )

    def label(self, item: Node | Indicator | Band | Option, lang: str | None = None) -> str:
        """The label of ``item`` in ``lang`` (falling back to the default language, then code);
        the root's label falls back to the index's name.

        Examples
        --------
        >>> fw = Framework(code="T", name={"en": "T"}, languages=("en", "fr"),
        ...                root=Node(code="T", label={"en": "Toy", "fr": "Jouet"}))
        >>> fw.label(fw.root, "fr"), fw.label(fw.root, "de")
        ('Jouet', 'Toy')
        """
        if item is self.root and not item.label:
            return self.text(self.name, lang, item.code)
        return self.text(item.label, lang, item.code)

    def unit(self, item: Indicator, lang: str | None = None) -> str:
        """The unit of ``item``'s values in ``lang`` ("" without one): plain text as written,
        or its label in ``lang`` (see :meth:`text`).

        Examples
        --------
        >>> fw = Framework(code="T", name={"en": "T"}, languages=("en", "fr"), root=Node(
        ...     code="T", children=(Indicator(code="q", type="numeric",
        ...                                   unit={"en": "months", "fr": "mois"}),)))
        >>> fw.unit(fw.find("q"), "fr"), fw.unit(fw.find("q"), "de")
        ('mois', 'months')
        """
        if item.unit is None:
            return ""
        return item.unit if isinstance(item.unit, str) else self.text(item.unit, lang)

    def labels(self, lang: str | None = None) -> dict[str, str]:
        """Every node's and indicator's label in ``lang`` (see :meth:`label`), by code.

        Examples
        --------
        >>> fw = Framework(code="T", name={"en": "Toy"}, root=Node(code="T", children=(
        ...     Indicator(code="q1", type="boolean", label={"en": "Question 1"}),)))
        >>> fw.labels()
        {'T': 'Toy', 'q1': 'Question 1'}
        """
        return {item.code: self.label(item, lang) for item, _, _ in self.root.walk()}

    def names(self, lang: str | None = None) -> dict[str, str]:
        """Every node's and indicator's name for a reader, by code: its label (see
        :meth:`label`) or, for an indicator with no label but a question, the question —
        never a bare code where the framework says more.

        Examples
        --------
        >>> fw = Framework(code="T", name={"en": "Toy"}, root=Node(code="T", children=(
        ...     Indicator(code="q1", type="boolean", question={"en": "Is it legal?"}),
        ...     Indicator(code="q2", type="boolean"))))
        >>> fw.names()
        {'T': 'Toy', 'q1': 'Is it legal?', 'q2': 'q2'}
        """
        found = self.labels(lang)
        for item in self.indicators:
            if not item.label and item.question:
                found[item.code] = self.text(item.question, lang, item.code)
        return found

    def distinct_names(self, lang: str | None = None) -> dict[str, str]:
        """:meth:`names`, where a name that several nodes share (MIPEX's areas each have their
        "Access" or "Rights") is preceded by its parent's: listed out of the tree, each says
        which one it is.

        Examples
        --------
        >>> q = lambda c: Indicator(code=c, type="boolean")
        >>> fw = Framework(code="T", name={"en": "Toy"}, root=Node(code="T", children=(
        ...     Node(code="W", label={"en": "Work"}, children=(
        ...         Node(code="W_r", label={"en": "Rights"}, children=(q("q1"),)),)),
        ...     Node(code="F", label={"en": "Family"}, children=(
        ...         Node(code="F_r", label={"en": "Rights"}, children=(q("q2"),)),)))))
        >>> fw.distinct_names()["W_r"], fw.distinct_names()["F_r"], fw.distinct_names()["W"]
        ('Work › Rights', 'Family › Rights', 'Work')
        """
        names = self.names(lang)
        shared = Counter(names.values())
        parents = {item.code: parent for item, parent, _depth in self.walk()}
        return {
            code: f"{names[parents[code]]} › {name}"
            if shared[name] > 1 and parents.get(code)
            else name
            for code, name in names.items()
        }

    def walk(self) -> Iterator[tuple[Node | Indicator, str, int]]:
        """Every node and indicator: ``(item, parent's code, depth)``, pre-order (the root has
        parent ``""`` and depth 0)."""
        for item, parent, depth in self.root.walk():
            yield item, parent.code if parent is not None else "", depth

    def groups(self) -> list[Node]:
        """The groups below the root (areas, dimensions, …), in document order."""
        return [n for n in self.nodes if n is not self.root]

    @property
    def decimals(self) -> int:
        """How many decimals scores are shown with: ``display: {decimals: N}``, else from the
        scale's span — 2 up to a span of 10 (0–1, 1–5, 0–10), 1 up to 100 (0–100), 0 beyond.

        Examples
        --------
        >>> def fw(**kw: Any) -> Framework:
        ...     return Framework(code="T", name={"en": "T"}, root=Node(code="T"), **kw)
        >>> fw(scale=Scale(min=0, max=1)).decimals, fw().decimals
        (2, 1)
        >>> fw(display=Display(decimals=0)).decimals
        0
        """
        if self.display.decimals is not None:
            return self.display.decimals
        return span_decimals(self.scale.max - self.scale.min)

    @property
    def higher_is_better(self) -> bool:
        """Whether a higher score is better (the index's ``polarity``)."""
        return self.polarity == "higher_is_better"

    def best(self, scores: Iterable[float | None]) -> float | None:
        """The best of ``scores`` given the polarity (``None``: none given).

        Examples
        --------
        >>> fw = Framework(code="T", name={"en": "T"}, root=Node(code="T"),
        ...                polarity="lower_is_better")
        >>> fw.best([0.4, None, 0.2, 0.7])
        0.2
        """
        known = [s for s in scores if s is not None and not math.isnan(s)]
        if not known:
            return None
        return max(known) if self.higher_is_better else min(known)

    def better(self, change: float) -> bool | None:
        """Whether a change of score is an improvement (``None``: no change).

        Examples
        --------
        >>> fw = Framework(code="T", name={"en": "T"}, root=Node(code="T"),
        ...                polarity="lower_is_better")
        >>> fw.better(-0.05), fw.better(0.1), fw.better(0.0)
        (True, False, None)
        """
        if change == 0 or math.isnan(change):
            return None
        return (change > 0) == self.higher_is_better

    def band_colour(self, band: Band) -> str:
        """The colour of ``band``: its own, else one of a red-to-blue palette by its place
        from the worst band to the best (the polarity says which end is best).

        Examples
        --------
        >>> fw = Framework(code="T", name={"en": "T"}, root=Node(code="T"), bands=(
        ...     Band(code="lo", min=0), Band(code="hi", min=50, colour="#00ff00")))
        >>> fw.band_colour(fw.bands[0]), fw.band_colour(fw.bands[1])
        ('#b2182b', '#00ff00')
        """
        if band.colour:
            return band.colour
        ordered = sorted(self.bands, key=lambda b: b.min if self.higher_is_better else -b.min)
        place = next(k for k, b in enumerate(ordered) if b.code == band.code)
        top = len(BAND_PALETTE) - 1
        return BAND_PALETTE[round(place * top / max(len(ordered) - 1, 1))]

    def approach_of(self, scores: Mapping[str, float | None]) -> Approach | None:
        """The first of the framework's :attr:`approaches` that ``scores`` (node → score) fit,
        or ``None``.

        Examples
        --------
        >>> fw = Framework(code="T", name={"en": "T"}, root=Node(code="T"), approaches=(
        ...     Approach(code="hi", rules=(ApproachRule(node="T", min=50),)),
        ...     Approach(code="rest")))
        >>> fw.approach_of({"T": 70.0}).code, fw.approach_of({"T": 20.0}).code
        ('hi', 'rest')
        """
        return next((a for a in self.approaches if a.fits(scores)), None)

    def band(self, code: str) -> Band | None:
        """The band with this code, or ``None``."""
        return next((b for b in self.bands if b.code == code), None)

    def band_for(self, score: float) -> Band | None:
        """The band a score falls in (``None`` for a missing score or no bands)."""
        if math.isnan(score):
            return None
        found: Band | None = None
        for band in sorted(self.bands, key=lambda b: b.min):
            if score >= band.min:
                found = band
        return found
