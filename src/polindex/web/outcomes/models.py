"""Outcome indicators imported for a release (an employment-rate gap, say): one row per
outcome, and its values per unit and period. A new import of an outcome replaces it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polindex.web.releases.models import Release


class Outcome(models.Model):
    """An outcome indicator attached to a release."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="outcomes")
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=200, blank=True)
    measure = models.CharField(max_length=64, blank=True)
    source_file = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "code"], name="one_outcome_per_code")
        ]
        ordering = ["code"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return f"{self.release} {self.code}"

    @property
    def name(self) -> str:
        return self.label or self.code


class OutcomeValue(models.Model):
    """One outcome's value for one unit and period."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="values")
    unit = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    value = models.FloatField()
    source = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outcome", "unit", "period"], name="one_outcome_value")
        ]
        ordering = ["period", "unit"]
        verbose_name = _("outcome value")
        verbose_name_plural = _("outcome values")
