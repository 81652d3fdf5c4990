"""The central team's admin for editions (opened from a framework file) and assignments."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from polindex.errors import PolindexError
from polindex.framework.definition import load_index
from polindex.web.collection.models import Assignment, Edition, Person
from polindex.web.collection.permissions import allowed
from polindex.web.releases.forms import MAX_FRAMEWORK_BYTES


class EditionForm(forms.ModelForm):
    framework_file = forms.FileField(
        required=False,
        help_text=gettext_lazy("The framework YAML (needed when opening an edition)."),
    )
    units_text = forms.CharField(
        label=gettext_lazy("Countries"),
        help_text=gettext_lazy("Country codes separated by commas or spaces."),
    )

    class Meta:
        model = Edition
        exclude = ["framework", "framework_yaml", "units"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["units_text"].initial = ", ".join(self.instance.units)

    def clean_units_text(self) -> list[str]:
        codes = [c for c in self.cleaned_data["units_text"].replace(",", " ").split() if c]
        if not codes:
            raise forms.ValidationError(_("give at least one country code"))
        return list(dict.fromkeys(codes))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("framework_file")
        if upload is not None and self.instance.pk:
            self.add_error(
                "framework_file",
                _("an edition keeps the framework it was opened with: open a new edition"),
            )
            return cleaned
        if upload is None:
            if not self.instance.pk:
                self.add_error("framework_file", _("upload the framework YAML"))
            return cleaned
        if upload.size > MAX_FRAMEWORK_BYTES:
            self.add_error("framework_file", _("the framework file is too large"))
            return cleaned
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            self.add_error(
                "framework_file",
                _("%(name)s is not UTF-8 text (byte %(byte)d); save it as UTF-8")
                % {"name": upload.name, "byte": exc.start},
            )
            return cleaned
        try:
            fw = load_index(text=text, name=upload.name).framework
        except PolindexError as exc:
            self.add_error("framework_file", str(exc))
            return cleaned
        self.instance.framework = json.loads(fw.model_dump_json())
        self.instance.framework_yaml = text
        return cleaned

    def save(self, commit: bool = True) -> Any:
        self.instance.units = self.cleaned_data["units_text"]
        return super().save(commit)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 3
    fields = ("user", "role", "unit", "area", "primary", "accepted_at")
    readonly_fields = ("accepted_at",)


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionForm
    list_display = ("code", "name", "state", "reference_date", "period", "synthetic")
    inlines = [AssignmentInline]
    actions = ["make_release"]

    def has_score_permission(self, request: HttpRequest) -> bool:
        """Scoring an edition makes a release: the central team's step, not every viewer's."""
        return allowed(request.user, "collection.score", None)

    @admin.action(
        description=gettext_lazy("Score into a release (choose the countries, preview, confirm)"),
        permissions=["score"],
    )
    def make_release(self, request: HttpRequest, queryset: QuerySet[Edition]) -> Any:
        """Open the edition's scoring page (:mod:`.views.score`): which countries are complete,
        the release's version and publish time, a preview — nothing is made from here."""
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(request, _("Choose one edition to score."), messages.ERROR)
            return None
        return redirect("collection:score", chosen[0].code)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = (
        "edition", "unit", "area", "role", "user", "primary", "invited_at", "accepted_at"
    )  # fmt: skip
    list_filter = ("edition", "role")
    actions = ["invite_again"]

    @admin.action(description=gettext_lazy("Send the invitation again (not yet accepted)"))
    def invite_again(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
        from polindex.web.collection.notify import invitation

        chosen = list(queryset.select_related("user", "edition"))
        sent = sum(invitation(a) for a in chosen if a.accepted_at is None)
        self.message_user(
            request,
            _("%(sent)d invitation(s) sent; %(skipped)d already accepted or without an address.")
            % {"sent": sent, "skipped": len(chosen) - sent},
        )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """A person's language (of their e-mails) and expertise, shown in the expert network."""

    list_display = ("user", "language", "expertise")
    search_fields = ("user__username", "user__email", "user__last_name", "expertise")
