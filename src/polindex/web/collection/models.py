"""Editions of a questionnaire, who works on which country, the answers and their history.

An answer is written by one expert for one country and indicator of an edition; every change
to it is appended to :class:`AnswerChange` (never updated or deleted) and saved with an
optimistic version number, so two people saving from stale pages get a conflict, never a silent
overwrite. Deletions are soft (``deleted_at``).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from polindex.framework.definition import IndexDefinition
from polindex.web.definitions import definition_of
from polindex.web.prepared import Prepared


class AppendOnlyError(Exception):
    """A history record was about to be changed or deleted."""


def _token() -> str:
    return secrets.token_urlsafe(32)


class Edition(models.Model):
    """A data-collection round of a framework version, for the countries in scope."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(max_length=64, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    framework = models.JSONField(help_text=_("The framework, as loaded (the framework format)."))
    framework_yaml = models.TextField(blank=True)
    reference_date = models.DateField(
        verbose_name=_("reference date"), help_text=_("Policies in force on this date.")
    )
    period = models.CharField(
        max_length=32, verbose_name=_("period"), help_text=_("The period the scores describe.")
    )
    units = models.JSONField(default=list, help_text=_("Country codes in scope."))
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.DRAFT, verbose_name=_("state")
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_editions"
    )
    anonymous_review = models.BooleanField(
        default=True, help_text=_("Experts do not see who reviews them.")
    )
    submit_by = models.DateField(null=True, blank=True)
    review_by = models.DateField(null=True, blank=True)
    factcheck_from = models.DateField(null=True, blank=True)
    factcheck_until = models.DateField(null=True, blank=True)
    validate_by = models.DateField(null=True, blank=True)
    synthetic = models.BooleanField(
        default=False, verbose_name=_("synthetic"), help_text=_("Demonstration data.")
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-reference_date", "code"]
        permissions = [("manage_edition", "Can run editions: assign, adjudicate, validate")]

    def __str__(self) -> str:
        return self.code

    @property
    def definition(self) -> IndexDefinition:
        """The edition's framework as a typed definition: built once per process for an open
        edition (its framework never changes), every time for a draft (it may be replaced)."""
        key = None if self.state == Edition.State.DRAFT else ("edition", self.pk, self.code)
        return definition_of(key, self.framework, source=f"edition {self.code}")


class Assignment(models.Model):
    """A person's role on one country (and optionally one area) of an edition."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Area coordinator")
        EXPERT = "expert", _("National expert")
        REVIEWER = "reviewer", _("Peer reviewer")
        GOVERNMENT = "government", _("Government contact")

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("edition")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(max_length=16, choices=Role.choices, verbose_name=_("role"))
    unit = models.CharField(
        max_length=64, blank=True, verbose_name=_("country"), help_text=_("Empty: every country.")
    )
    area = models.CharField(
        max_length=64, blank=True, verbose_name=_("area"), help_text=_("Empty: every area.")
    )
    primary = models.BooleanField(
        default=True,
        verbose_name=_("primary"),
        help_text=_("For experts: whose answers are scored (others are coders)."),
    )
    accepted_at = models.DateTimeField(
        null=True,
        blank=True,
        verbose_name=_("accepted at"),
        help_text=_("Roles count only once the invitation is accepted."),
    )
    conflict_of_interest = models.TextField(
        blank=True, help_text=_("Declared on accepting: interests that could bias the answers.")
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    invited_at = models.DateTimeField(null=True, blank=True, verbose_name=_("invited at"))
    language = models.CharField(
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the person's e-mails (empty: the site's); set from the "
                    "page's language when the invitation is accepted."),
    )  # fmt: skip
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("A withdrawn invitation: its link no longer works.")
    )
    named = models.BooleanField(
        default=False, help_text=_("Chosen on accepting: named on the credits of releases.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "user", "role", "unit", "area"], name="one_assignment"
            )
        ]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.edition} {self.unit or '*'}"


class Person(models.Model):
    """What the central team knows of a person of the expert network beyond their account:
    the language of their e-mails and their expertise (one row per account, made on invitation)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="person",
        verbose_name=_("user"),
    )
    language = models.CharField(
        max_length=8, default="en", verbose_name=_("language"), help_text=_("Of their e-mails.")
    )
    expertise = models.TextField(blank=True, verbose_name=_("expertise"))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return str(self.user)


class EditionRelease(models.Model):
    """The edition a release was scored from (:func:`.editions.release_draft`): whom its
    credits name."""

    release = models.OneToOneField(
        "releases.Release", on_delete=models.CASCADE, related_name="origin"
    )
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="releases")
    # what was scored, as facts (never prose: a release's page says it in the reader's
    # language, see :meth:`described`): {"answers": 305, "units": ["AT", …],
    # "incomplete": {"AT": 49}} — an incomplete country's questions without a scored answer
    scored = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("edition release")
        verbose_name_plural = _("edition releases")

    def __str__(self) -> str:
        return f"{self.release} ← {self.edition}"

    def described(self) -> str:
        """What the release was scored from, in the active language: the edition, how many
        answers, the countries (named) and each incomplete one's questions left unanswered.
        Empty for a release made before these facts were kept (its changelog says it)."""
        fact = self.scored
        if not fact:
            return ""
        table = self.release.unit_table
        lang = get_language()
        n = fact["answers"]
        text = ngettext(
            "Scored from edition %(edition)s (%(n)s answer): %(units)s.",
            "Scored from edition %(edition)s (%(n)s answers): %(units)s.",
            n,
        ) % {
            "edition": self.edition.code,
            "n": n,
            "units": ", ".join(table.name(u, lang) for u in fact["units"]),
        }
        incomplete = fact.get("incomplete") or {}
        if incomplete:
            parts = [
                ngettext(
                    "%(unit)s (%(n)s question without an answer)",
                    "%(unit)s (%(n)s questions without an answer)",
                    missing,
                )
                % {"unit": table.name(unit, lang), "n": missing}
                for unit, missing in incomplete.items()
            ]
            text += " " + ngettext(
                "Incomplete, only its validated answers scored: %(units)s.",
                "Incomplete, only their validated answers scored: %(units)s.",
                len(parts),
            ) % {"units": ", ".join(parts)}
        return text


def scored_from(release: Any) -> str:
    """What ``release`` was scored from, in the active language, when it came from an edition
    (:meth:`EditionRelease.described`); else empty."""
    origin = EditionRelease.objects.filter(release=release).select_related("edition").first()
    if origin is None:
        return ""
    origin.release = release  # (its unit table is built once per process)
    return origin.described()


class Reminder(models.Model):
    """An e-mail the central team sent a person about what they owe in an edition (from the
    edition's progress page): when each person was last reminded, and no second reminder
    within a day (:mod:`.reminding`)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    owed = models.TextField(blank=True, help_text=_("What the e-mail said they owe."))

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["edition", "person", "sent_at"])]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.person} {self.edition} {self.sent_at:%Y-%m-%d %H:%M}"


class AnswerQuerySet(models.QuerySet["Answer"]):
    def that_count(self) -> AnswerQuerySet:
        """The answers that count: for each country and area, its primary expert's.

        An answer counts when it is live (not deleted) and its expert holds, in the answer's
        edition, an expert assignment that is *primary*, *accepted* and covers the answer's
        country (or every country) and area (or every area). A coder's answers (not primary),
        those of someone who has not accepted the invitation, and an area expert's answers
        outside their area never count.

        These are the answers progress and the dashboards count, reviewers, coordinators,
        government contacts and the central team see on a country's pages, the scoring takes
        (validated or locked), the next edition carries forward, and the central CSV marks
        ``primary``. Two assignments covering one question is a set-up mistake: both experts'
        answers count, pages show the older answer and the scoring stops with an error.
        """
        return self.filter(deleted_at=None).filter(_counting_expert())

    def marking_those_that_count(self) -> AnswerQuerySet:
        """Every answer, each with ``counts``: whether it is among :meth:`that_count`'s (for
        listings of all experts' answers, such as the central CSV)."""
        return self.annotate(counts=Q(deleted_at=None) & _counting_expert())


def _counting_expert() -> Exists:
    """An accepted, primary expert assignment of the answer's edition, country and area."""
    return Exists(
        Assignment.objects.filter(
            Q(unit=OuterRef("unit")) | Q(unit=""),
            Q(area=OuterRef("area")) | Q(area=""),
            edition=OuterRef("edition"),
            user=OuterRef("expert"),
            role=Assignment.Role.EXPERT,
            primary=True,
            accepted_at__isnull=False,
        )
    )


class Answer(models.Model):
    """One expert's answer to one indicator for one country in an edition."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        AGREED = "agreed", _("Agreed")
        QUERIED = "queried", _("Queried")
        ADJUDICATED = "adjudicated", _("Adjudicated")
        VALIDATED = "validated", _("Validated")
        LOCKED = "locked", _("Locked")

    class Confidence(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="answers")
    unit = models.CharField(max_length=64)
    indicator = models.CharField(max_length=64)
    area = models.CharField(
        max_length=64, blank=True, editable=False, help_text=_("The indicator's top-level area.")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers"
    )
    option = models.CharField(max_length=64, blank=True)
    not_applicable = models.BooleanField(default=False)
    na_reason = models.TextField(blank=True)
    justification = models.TextField(blank=True)
    confidence = models.CharField(max_length=8, choices=Confidence.choices, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    confirmed = models.BooleanField(
        default=True, help_text=_("False while a carried-forward answer awaits confirmation.")
    )
    previous_option = models.CharField(max_length=64, blank=True)
    previous_justification = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "unit", "indicator", "expert"], name="one_answer_per_expert"
            )
        ]
        indexes = [models.Index(fields=["edition", "unit"])]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.edition} {self.unit} {self.indicator}"

    @property
    def changed(self) -> bool:
        """Whether the answer differs from last edition's."""
        return self.option != self.previous_option

    def snapshot(self) -> dict[str, Any]:
        """The answer's content, for the history and the conflict screen."""
        return {
            "option": self.option,
            "not_applicable": self.not_applicable,
            "na_reason": self.na_reason,
            "justification": self.justification,
            "confidence": self.confidence,
            "status": self.status,
            "sources": [s.snapshot() for s in self.live_sources()],
        }

    def live_sources(self) -> list[Source]:
        """The sources not deleted, in order — from :data:`LIVE_SOURCES` when prefetched."""
        prefetched: list[Source] | None = getattr(self, "live", None)
        if prefetched is None:  # read once (a save drops it when it rewrites the sources)
            prefetched = self.live = _LIVE(answer=self.pk)
            for source in prefetched:
                source.answer = self
        return prefetched


class Source(models.Model):
    """A legal source of an answer: instrument, article, URL, date in force."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="sources")
    instrument = models.CharField(max_length=300)
    article = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500, blank=True)
    in_force = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def snapshot_fields(self) -> dict[str, Any]:
        """The fields to copy this source into another answer."""
        return {
            "instrument": self.instrument,
            "article": self.article,
            "url": self.url,
            "in_force": self.in_force,
            "position": self.position,
        }

    def snapshot(self) -> dict[str, str]:
        return {
            "instrument": self.instrument,
            "article": self.article,
            "url": self.url,
            "in_force": self.in_force.isoformat() if self.in_force else "",
        }


class BulkStep(models.Model):
    """One step taken for many answers of a country at once (submit, start the review, agree,
    validate, lock, reopen): one entry of the country's history, whose answers' changes point
    to it. It can be reversed while none of its answers has changed since (:mod:`.bulk`)."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="bulk_steps")
    unit = models.CharField(max_length=64)
    action = models.CharField(max_length=32)
    who = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    when = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    moved = models.JSONField(
        default=list, help_text=_("Each answer moved: [answer id, status before, version after].")
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-when", "-id"]
        verbose_name = _("bulk step")
        verbose_name_plural = _("bulk steps")

    def __str__(self) -> str:
        return f"{self.action} × {len(self.moved)} {self.edition} {self.unit}"


class AnswerChange(models.Model):
    """One change to an answer: who, when, before, after, why. Append-only."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="changes")
    who = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    when = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=32)
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    bulk = models.ForeignKey(
        BulkStep, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )  # the step for many answers this change was part of (or its reversal)

    class Meta:
        ordering = ["when", "id"]
        verbose_name = _("answer change")
        verbose_name_plural = _("answer changes")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("the history of an answer is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the history of an answer is append-only")


class Comment(models.Model):
    """A message in an answer's review thread."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(default=False, help_text=_("Hidden by the central team."))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")


_LIVE = Prepared(
    Source, lambda answer: Source.objects.filter(answer=answer, deleted_at=None), answer=0
)  # one answer's sources, read by every save: the query's SQL written once
LIVE_SOURCES = models.Prefetch(
    "sources", queryset=Source.objects.filter(deleted_at=None), to_attr="live"
)  # for pages listing many answers: one query for all their sources
THREAD = models.Prefetch(
    "comments", queryset=Comment.objects.select_related("author")
)  # an answer's messages with their authors: one query, for one answer or a page of them

# the enums, typed for mypy (Django ships no types: its enum members look like tuples to it)
Role: Any = Assignment.Role
Status: Any = Answer.Status
