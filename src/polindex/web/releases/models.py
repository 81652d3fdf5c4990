"""Indexes, their immutable releases and every published score."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from polindex.framework.definition import IndexDefinition
from polindex.framework.units import UnitTable
from polindex.web.definitions import definition_of


class ImmutableError(Exception):
    """A release (or one of its scores) was about to be changed or deleted."""


class Index(models.Model):
    """A published index (MIPEX, IMPIC, …), identified by its framework code."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("code"))
    # a framework's name has no length limit
    name = models.TextField(verbose_name=_("name"))

    class Meta:
        verbose_name = _("index")
        verbose_name_plural = _("indexes")

    def __str__(self) -> str:
        return self.code


class Release(models.Model):
    """A frozen version of an index: framework, pipeline spec, input data, every score, rank and
    band, and a checksum over all of it. Nothing of it can change; a correction is a new version
    that names the one it corrects. Before ``publish_at`` it is under embargo: only users with
    the ``view_embargoed`` permission can see it (see :mod:`.visibility`)."""

    index = models.ForeignKey(
        Index, on_delete=models.PROTECT, related_name="releases", verbose_name=_("index")
    )
    version = models.CharField(max_length=32, verbose_name=_("version"))
    methodology_version = models.CharField(max_length=32, blank=True)
    publish_at = models.DateTimeField(
        verbose_name=_("publish at"), help_text=_("Embargo: invisible to the public before this.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    citation = models.TextField(blank=True)
    licence = models.TextField(blank=True)  # a framework's licence may be a paragraph
    changelog = models.TextField(blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    framework = models.JSONField()
    spec = models.JSONField()
    inputs_csv = models.TextField(blank=True)
    variables_csv = models.TextField(
        blank=True,
        help_text=_("The pipeline's denominators and groups, to rebuild the release."),
    )
    uncertainty_design = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("The uncertainty design whose analysis the release publishes, whole."),
    )
    checksum = models.CharField(max_length=64, verbose_name=_("checksum"))
    robustness = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Audit, uncertainty and sensitivity results published with the release."),
    )
    synthetic = models.BooleanField(
        default=False,
        verbose_name=_("synthetic"),
        help_text=_("Invented data for demonstration: flagged on every page."),
    )
    notes = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Per answer: justification and legal sources (from collection)."),
    )
    weights_used = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Each node's weight as used, and its effective weight in the index."),
    )
    methods_used = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Normalisation, aggregation and the other methods as used."),
    )
    units = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Each unit's names, ISO codes, kind and groups, as published."),
    )
    key_findings = models.TextField(
        blank=True,
        help_text=_("Markdown shown on the release's page; editable until it is published."),
    )
    crosswalk = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("The predecessor's indicators matched to this release's (frozen)."),
    )
    key_findings_translations = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("The key findings in the site's other languages: {language: Markdown}."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["index", "version"], name="one_version_per_index")
        ]
        permissions = [("view_embargoed", "Can see releases before their publish time")]
        ordering = ["index__code", "-publish_at", "-version"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return f"{self.index.code} {self.version}"

    @property
    def name(self) -> str:
        """The index's name as this release's framework gives it, in the active language
        (``Index.name`` holds the first language's only)."""
        fw = self.definition.framework
        return fw.text(fw.name, get_language(), self.index.name)

    @property
    def definition(self) -> IndexDefinition:
        """The typed index definition this release was computed with (built once per process:
        a release never changes)."""
        return definition_of(
            ("release", self.pk, self.checksum),
            self.framework,
            (self.spec or {}).get("pipeline"),
            source=f"{self.index.code} {self.version}",
        )

    @property
    def unit_table(self) -> UnitTable:
        """The units as published: names per language, ISO codes, kinds and groups (built once
        per process). A release made before units were frozen resolves its units now."""
        return unit_table_of(self)

    @property
    def unit_names(self) -> str:
        """``real`` when its units bear real countries' names (all found in the ISO list: a
        synthetic release may give real countries synthetic answers), ``invented`` when none
        does, else ``mixed``."""
        found = {u.iso is not None for u in self.unit_table.units.values()}
        return {frozenset({True}): "real", frozenset({False}): "invented"}.get(
            frozenset(found), "mixed"
        )

    @property
    def embargoed(self) -> bool:
        """Whether the release is still under embargo (its publish time is ahead)."""
        return self.publish_at > timezone.now()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Release.objects.filter(pk=self.pk).exists():
            raise ImmutableError(f"release {self} is frozen; publish a correction instead")
        super().save(*args, **kwargs)

    def set_key_findings(self, text: str, translations: dict[str, str] | None = None) -> None:
        """Replace the key findings (Markdown, in the site's default language) and, when
        given, their ``translations`` ({language: Markdown}; an empty text drops a language)
        — only while the release is under embargo: once published, a release's page never
        changes (a correction is a new version).

        Raises :class:`ImmutableError` for a published release. The findings, in every
        language, are not part of the checksum, which covers the data (see
        ``docs/decisions/028-release-pages.md`` and ``063-key-findings-in-each-language.md``).
        """
        changes: dict[str, Any] = {"key_findings": text}
        if translations is not None:
            changes["key_findings_translations"] = {
                lang: body for lang, body in sorted(translations.items()) if body.strip()
            }
        waiting = Release.objects.filter(pk=self.pk, publish_at__gt=timezone.now())
        if not waiting.update(**changes):  # (one statement: no race with publishing)
            raise ImmutableError(f"release {self} is published: its key findings are frozen")
        for name, value in changes.items():
            setattr(self, name, value)

    def findings_in(self, lang: str | None) -> str:
        """The key findings (Markdown) in ``lang``: its translation when there is one, else
        the default language's text.

        Example (with Django set up)::

            release.findings_in("fr")  # the French text, or the English one
        """
        base = (lang or "").split("-")[0]
        text = (self.key_findings_translations or {}).get(base, "")
        return text if text.strip() else self.key_findings

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError(f"release {self} cannot be deleted; old versions stay reachable")


class ReleaseScore(models.Model):
    """One node's score, rank and band for one unit and period of a release."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="scores")
    unit = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    node = models.CharField(max_length=64)
    level = models.CharField(max_length=64)
    parent = models.CharField(max_length=64, blank=True)
    score = models.FloatField(null=True)
    rank = models.IntegerField(null=True)
    band = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=32)

    class Meta:
        indexes = [
            models.Index(fields=["release", "node", "period"]),
            models.Index(fields=["release", "unit"]),
        ]
        ordering = ["period", "node", "rank", "unit"]
        verbose_name = _("release score")
        verbose_name_plural = _("release scores")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("scores of a release are frozen")
        super().save(*args, **kwargs)


_unit_tables: dict[tuple[int, str], UnitTable] = {}


def site_languages() -> list[str]:
    """The languages the site is shown in (units are named in each, besides the index's)."""
    from django.conf import settings

    return [code for code, _ in settings.LANGUAGES]


def unit_table_of(release: Release) -> UnitTable:
    """The unit table of ``release``, kept per process (a release never changes)."""
    key = (release.pk, release.checksum)
    found = _unit_tables.get(key)
    if found is None:
        if release.units:
            found = UnitTable.from_json(release.units)
        else:
            from polindex.framework.units import resolve_units

            codes = release.scores.order_by("unit").values_list("unit", flat=True).distinct()
            found = resolve_units(codes, release.definition.framework, site_languages())
        if len(_unit_tables) > 64:
            _unit_tables.clear()
        _unit_tables[key] = found
    return found
