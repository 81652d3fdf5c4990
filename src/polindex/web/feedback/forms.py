"""The public "suggest a correction" form: every field bounded, links checked one by one, a
honeypot field that people leave empty, and a clear message tied to each faulty field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from polindex.framework.models import Indicator
from polindex.framework.units import fold
from polindex.web.feedback.models import Suggestion
from polindex.web.releases.models import Release

MAX_PROBLEM = 5000
MAX_EVIDENCE = 3000
MAX_LINKS = 10
MAX_LINK = 500
MAX_BODY = 64 * 1024
"""A POST larger than this is refused before its fields are read (413)."""
HONEYPOT = "website"
"""A field hidden from people (and labelled "leave empty"): a bot fills it in."""

_url = URLValidator(schemes=["http", "https"])


def choices(release: Release, lang: str | None) -> tuple[list[tuple[str, str]], ...]:
    """The release's units by name, and its nodes in framework order (indented by depth), as
    (code, name) pairs in language ``lang``."""
    table = release.unit_table
    units = sorted(
        ((code, table.name(code, lang)) for code in table.names(lang)), key=lambda u: fold(u[1])
    )
    fw = release.definition.framework
    labels = fw.labels(lang)
    nodes = []
    for item, _parent, depth in fw.walk():
        label = labels[item.code]
        if isinstance(item, Indicator) and label == item.code:  # (a question without a label)
            label = f"{item.code} — {_short(fw.text(item.question, lang) or '')}".rstrip(" —")
        nodes.append((item.code, "\u00a0\u00a0" * depth + label))
    return units, nodes


def _short(text: str, limit: int = 70) -> str:
    r"""``text`` on one line, cut at ``limit`` characters; its no-break spaces kept (French
    "public\u00a0?": ``str.split`` would break them).

    >>> _short("Est-il\n public\u00a0?")
    'Est-il public\xa0?'
    """
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class SuggestionForm(forms.Form):
    """What a reader tells the central team. ``units`` and ``nodes`` are the release's
    choices as (code, name) pairs, in the reader's language."""

    unit = forms.ChoiceField(label=_("Country"))
    node = forms.ChoiceField(label=_("Question or area"), required=False)
    problem = forms.CharField(
        label=_("What is wrong, and what should it be?"),
        max_length=MAX_PROBLEM,
        error_messages={"required": _("Say what is wrong.")},
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(_("Plain text, at most {n} characters."), n=MAX_PROBLEM),
    )
    evidence = forms.CharField(
        label=_("Evidence: links to the law, a decision or an official text"),
        required=False,
        max_length=MAX_EVIDENCE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            _("One web address per line (http or https), at most {n}."), n=MAX_LINKS
        ),
    )
    kind = forms.ChoiceField(label=_("Who are you?"), choices=Suggestion.Kind.choices)
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    consent = forms.BooleanField(
        label=_("The central team may contact me about this suggestion at this e-mail address."),
        required=False,
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(
        self,
        *args: Any,
        units: list[tuple[str, str]],
        nodes: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.choices = [("", _("Choose a country")), *units]
        node: Any = self.fields["node"]
        node.choices = [("", _("The country's profile as a whole")), *nodes]
        kind: Any = self.fields["kind"]
        kind.choices = [("", _("Choose one")), *Suggestion.Kind.choices]

    @property
    def is_bot(self) -> bool:
        """Whether the honeypot field was filled in (read before validation)."""
        return bool(str(self.data.get(HONEYPOT, "")).strip())

    def clean_evidence(self) -> str:
        lines = [line.strip() for line in str(self.cleaned_data["evidence"]).splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_LINKS:
            raise ValidationError(
                _("At most %(n)d links (there are %(count)d)."),
                params={"n": MAX_LINKS, "count": len(links)},
            )
        for number, link in enumerate(links, start=1):
            if len(link) > MAX_LINK:
                raise ValidationError(
                    _("Link %(number)d is longer than %(n)d characters."),
                    params={"number": number, "n": MAX_LINK},
                )
            try:
                _url(link)
            except ValidationError:
                raise ValidationError(
                    _("Line %(number)d is not a web address starting with http:// or https://."),
                    params={"number": number},
                ) from None
        return "\n".join(links)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("consent") and not data.get("email"):
            self.add_error("email", _("Give an e-mail address to be contacted at."))
        return data
