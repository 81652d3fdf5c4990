"""A correction suggested by a reader of a release, and what the central team made of it.

A suggestion concerns one country (``unit``) of a release and, optionally, one node of its
framework (an indicator, usually). Its *substance* (what is wrong, the evidence) is kept for
good; the submitter's *personal data* (name, organisation, e-mail, consent to be contacted) is
seen by the central team only and blanked on request (:meth:`Suggestion.erase`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polindex.web.collection.models import Comment, Edition
from polindex.web.releases.models import Release

PERSONAL_FIELDS = ("name", "organisation", "email", "consent")
"""The submitter's personal data: what :meth:`Suggestion.erase` blanks."""


class Suggestion(models.Model):
    """A suggested correction: new → accepted or rejected (with a reason) → addressed."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        ADDRESSED = "addressed", _("Addressed")

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government or public authority")
        NGO = "ngo", _("Civil society organisation")
        RESEARCHER = "researcher", _("Researcher")
        PRACTITIONER = "practitioner", _("Lawyer or practitioner")
        JOURNALIST = "journalist", _("Journalist")
        PERSON = "person", _("Member of the public")
        OTHER = "other", _("Other")

    # what it is about
    release = models.ForeignKey(
        Release, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("release")
    )
    unit = models.CharField(
        max_length=64, verbose_name=_("country"), help_text=_("The country it concerns.")
    )
    node = models.CharField(
        max_length=64,
        blank=True,
        verbose_name=_("question or area"),
        help_text=_("The question (or area) it concerns; empty: the profile."),
    )
    language = models.CharField(max_length=8, blank=True)
    received_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("received at")
    )
    # the substance: kept for good
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("who they are"))
    problem = models.TextField(verbose_name=_("what is wrong"))
    evidence = models.TextField(blank=True, help_text=_("Links, one per line."))
    # personal data: the central team's eyes only, blanked on request
    name = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    consent = models.BooleanField(default=False, verbose_name=_("may be contacted"))
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # moderation
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.NEW, verbose_name=_("status")
    )
    reason = models.TextField(blank=True, help_text=_("Why accepted or rejected."))
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    links_accepted = models.BooleanField(
        default=False, help_text=_("The evidence links were checked: show them as links.")
    )
    edition = models.ForeignKey(
        Edition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
        help_text=_("The edition whose workspace discusses it (a thread)."),
    )
    comment = models.OneToOneField(
        Comment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestion",
        editable=False,
    )
    correction = models.BooleanField(
        default=False,
        verbose_name=_("correction"),
        help_text=_("To be fixed by a correction release (in its changelog)."),
    )
    addressed_in = models.ForeignKey(
        Release,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addressed_suggestions",
        help_text=_("The release that addresses it."),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"])]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self) -> str:
        about = f"{self.unit} {self.node}".strip()
        return f"#{self.pk} {self.release} {about}"

    @property
    def links(self) -> list[str]:
        """The evidence links, one per line as stored."""
        return [line for line in self.evidence.splitlines() if line.strip()]

    def erase(self) -> None:
        """Blank the submitter's personal data (on their request), keeping the substance."""
        self.name = self.organisation = self.email = ""
        self.consent = False
        self.erased_at = timezone.now()
        self.save(update_fields=[*PERSONAL_FIELDS, "erased_at"])
