"""The moderation queue: the central team's list of suggested corrections in the admin.

Who may see it, decide and read personal data is asked of :mod:`.permissions` only. A decision
is checked and taken by :func:`.moderation.decide` (accepting one for an edition opens its
thread in the workspace); the reader's text is shown as text, and the evidence links as text
until the team ticks "links accepted"; "erase personal data" blanks name, organisation and
e-mail address, keeping the substance.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from polindex.web.collection.models import Edition
from polindex.web.feedback.forms import choices
from polindex.web.feedback.models import PERSONAL_FIELDS, Suggestion
from polindex.web.feedback.moderation import Decision, Status, decide, problems
from polindex.web.feedback.permissions import may_moderate, may_see_personal_data
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_releases

DECIDED = ("status", "reason", "node", "edition", "correction", "links_accepted", "addressed_in")


class ModerationForm(forms.ModelForm):
    """The decision on one suggestion; every rule is :func:`.moderation.problems`'."""

    class Meta:
        model = Suggestion
        fields = DECIDED

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        s: Suggestion = self.instance
        if not s.pk:
            return
        _units, nodes = choices(s.release, get_language())
        node = forms.ChoiceField(
            label=_("Question or area"),
            required=False,
            choices=[("", _("(the country's profile as a whole)")), *nodes],
            help_text=_("An accepted suggestion for an edition needs its question."),
        )
        self.fields["node"] = node
        code = s.release.index.code
        editions: Any = self.fields["edition"]
        editions.queryset = Edition.objects.exclude(state=Edition.State.CLOSED).filter(
            framework__code=code
        )
        releases: Any = self.fields["addressed_in"]
        releases.queryset = Release.objects.filter(index=s.release.index).exclude(pk=s.release.pk)
        self.fields["reason"].help_text = _(
            "Why it is accepted or rejected (public in a correction release's changelog)."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for field, message in problems(self.instance, decision_of(data)).items():
            self.add_error(field if field in self.fields else None, message)
        return data


def decision_of(data: dict[str, Any]) -> Decision:
    """The decision a moderation form's cleaned data holds."""
    return Decision(
        status=str(data.get("status") or Status.NEW),
        reason=data.get("reason") or "",
        node=data.get("node") or "",
        edition=data.get("edition"),
        correction=bool(data.get("correction")),
        links_accepted=bool(data.get("links_accepted")),
        addressed_in=data.get("addressed_in"),
    )


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    form = ModerationForm
    list_display = ("pk", "received_at", "status", "release", "unit", "node", "kind", "summary")
    list_display_links = ("pk", "summary")
    list_filter = ("status", "release__index", "kind", "correction")
    search_fields = ("problem", "unit", "node")
    actions = ["erase_personal_data"]
    SUBSTANCE = ("release", "country", "received_at", "language", "kind", "problem_text", "links")
    PERSONAL = ("name", "organisation", "email", "consent", "erased_at")
    TRAIL = ("moderated_by", "moderated_at", "thread")

    # who may: the central team, asked of .permissions
    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_moderate(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_moderate(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_moderate(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_moderate(request.user)  # spam; a real suggestion is rejected instead

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # suggestions come from the public form

    def get_queryset(self, request: HttpRequest) -> QuerySet[Suggestion]:
        releases = visible_releases(request.user)  # (an embargoed release's, for insiders)
        found: QuerySet[Suggestion] = super().get_queryset(request)
        return found.filter(release__in=releases).select_related("release__index")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        sets: list[tuple[Any, dict[str, Any]]] = [
            (_("The suggestion"), {"fields": self.SUBSTANCE}),
        ]
        if may_see_personal_data(request.user):
            sets.append((_("Who sent it (the central team only)"), {"fields": self.PERSONAL}))
        sets.append((_("Decision"), {"fields": (*DECIDED, *self.TRAIL)}))
        return sets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        personal = self.PERSONAL if may_see_personal_data(request.user) else ()
        return (*self.SUBSTANCE, *personal, *self.TRAIL)

    def save_model(self, request: HttpRequest, obj: Suggestion, form: Any, change: bool) -> None:
        before = Suggestion.objects.get(pk=obj.pk)  # (the form has changed obj already)
        decided = decide(before, request.user, decision_of(form.cleaned_data))
        obj.__dict__.update(decided.__dict__)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in ("edition", "addressed_in"):  # a choice, not a link to edit them
            return db_field.formfield()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("country"))
    def country(self, obj: Suggestion) -> str:
        return f"{obj.release.unit_table.name(obj.unit, get_language())} ({obj.unit})"

    @admin.display(description=gettext_lazy("what is wrong"))
    def summary(self, obj: Suggestion) -> str:
        text = obj.problem.strip().splitlines()[0] if obj.problem.strip() else ""
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description=gettext_lazy("what is wrong"))
    def problem_text(self, obj: Suggestion) -> Any:
        lines = obj.problem.splitlines() or [""]
        return format_html_join("", "{}<br>", ((line,) for line in lines))

    @admin.display(description=gettext_lazy("evidence"))
    def links(self, obj: Suggestion) -> Any:
        if not obj.links:
            return "–"
        if obj.links_accepted:
            return format_html_join(
                "",
                '<a href="{}" rel="nofollow noopener noreferrer" target="_blank">{}</a><br>',
                ((link, link) for link in obj.links),
            )
        return format_html(
            "{}<br><small>{}</small>",
            format_html_join("", "<code>{}</code><br>", ((link,) for link in obj.links)),
            _("Not yet checked: shown as text. Tick 'links accepted' once they are safe."),
        )

    @admin.display(description=gettext_lazy("workspace thread"))
    def thread(self, obj: Suggestion) -> Any:
        if obj.comment is None or obj.edition is None:
            return "–"
        answer = obj.comment.answer
        url = reverse("collection:answer", args=[obj.edition.code, answer.unit, answer.indicator])
        return format_html(
            '<a href="{}">{} {} {}</a>', url, obj.edition, answer.unit, answer.indicator
        )

    @admin.action(description=gettext_lazy("Erase the senders' personal data (keep the text)"))
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> None:
        if not may_see_personal_data(request.user):
            self.message_user(
                request, _("Only the central team erases personal data."), messages.ERROR
            )
            return
        count = 0
        for suggestion in queryset:
            suggestion.erase()
            count += 1
        self.message_user(
            request,
            ngettext(
                "The personal data of %(n)d suggestion was erased.",
                "The personal data of %(n)d suggestions were erased.",
                count,
            )
            % {"n": count},
        )


__all__ = ["PERSONAL_FIELDS", "ModerationForm", "SuggestionAdmin"]
