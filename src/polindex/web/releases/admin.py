"""The central team's admin: indexes, and releases — read-only once made, created from files
(an embargoed release's key findings, its page's text, stay editable until it is published).

The admin keeps the embargo as every other page does (:mod:`.visibility`): Django's "view
release" permission shows published releases; an embargoed one — in the list, on its change
and history pages, to an action, as a release to correct, as a queued build in the task list —
needs ``releases.view_embargoed`` too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.tasks import TaskResultStatus
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from polindex.web.releases.forms import ReleaseForm, build, build_in_background
from polindex.web.releases.models import ImmutableError, Index, Release, site_languages
from polindex.web.releases.visibility import can_see, can_see_embargoed, visible_releases

DRAFTED = gettext_lazy(
    "%(release)s: key findings drafted from the scores in %(languages)s; check and edit them."
)
QUEUED = gettext_lazy(
    "Release %(version)s is being built with its robustness analyses: it appears here when done."
)


@admin.register(Index)
class IndexAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


def other_languages() -> list[str]:
    """The site's languages besides its default one: the key findings' translations."""
    return [lang for lang in site_languages() if lang != settings.LANGUAGE_CODE]


def _language_name(lang: str) -> str:
    return dict(settings.LANGUAGES).get(lang, lang)


def _findings_field(lang: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy(
            "Markdown shown on the pages and reports in this language; when empty, they show "
            "the key findings above."
        ),
    )


class FindingsForm(forms.ModelForm):
    """An embargoed release's change form: the key findings in the default language and one
    text box per other site language (``key_findings_fr``…), read from and written to
    ``Release.key_findings_translations``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translations = (self.instance.key_findings_translations or {}) if self.instance else {}
        if "key_findings" in self.fields:
            self.fields["key_findings"].label = _("Key findings (%(language)s)") % {
                "language": _language_name(settings.LANGUAGE_CODE)
            }
        for lang in other_languages():
            name = f"key_findings_{lang}"
            if name in self.fields:  # (the label in the request's language, not the import's)
                self.fields[name].initial = translations.get(lang, "")
                self.fields[name].label = _("Key findings (%(language)s)") % {
                    "language": _language_name(lang)
                }

    def translations(self) -> dict[str, str]:
        """The texts of the other languages as entered: {language: Markdown}."""
        return {
            lang: str(self.cleaned_data.get(f"key_findings_{lang}") or "")
            for lang in other_languages()
        }


for _lang in other_languages():
    FindingsForm.base_fields[f"key_findings_{_lang}"] = _findings_field(_lang)
    FindingsForm.declared_fields[f"key_findings_{_lang}"] = FindingsForm.base_fields[
        f"key_findings_{_lang}"
    ]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """Releases are immutable: the change page only shows them; "Add release" builds a new one
    from a framework and a data file (the same path as ``polindex release create``)."""

    list_display = ("index", "version", "publish_at", "corrected", "synthetic", "checksum")
    list_filter = ("index",)
    fields = readonly_fields = [
        *(f.name if f.name != "corrects" else "corrected" for f in Release._meta.fields),
        "outcome_files",
        "outcome_count",
    ]
    actions = ["publish_now", "draft_key_findings", "build_reports"]
    form = FindingsForm
    EDITABLE_UNDER_EMBARGO = ("key_findings", "key_findings_translations")

    def _editable(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and obj.embargoed and self.has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Everything is read-only, but the key findings (in each language) of an embargoed
        release for those who may change releases."""
        if self._editable(request, obj):
            return [f for f in self.readonly_fields if f not in self.EDITABLE_UNDER_EMBARGO]
        return self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """An editable release shows one text box per language where the translations are;
        the central team sees the link to upload outcome files."""
        from polindex.web.collection.permissions import is_central

        fields = list(self.fields)
        fields.remove("outcome_count" if is_central(request.user) else "outcome_files")
        if self._editable(request, obj):
            at = fields.index("key_findings_translations")
            fields[at : at + 1] = [f"key_findings_{lang}" for lang in other_languages()]
        return fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Release]:
        """The releases ``request.user`` may see: the list, the change, history and delete
        pages and every action start from these (each with the version it corrects, when the
        user may see that one too)."""
        visible = visible_releases(request.user)
        releases = visible.annotate(
            corrected_version=Subquery(visible.filter(pk=OuterRef("corrects")).values("version"))
        )
        ordering = self.get_ordering(request)
        return releases.order_by(*ordering) if ordering else releases

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Release | None:
        """A release the user may see — else 404, as on the public pages (Django's admin
        would redirect to its index saying the release does not exist)."""
        release = super().get_object(request, object_id, from_field)
        if release is None:
            raise Http404("no such release")
        return release

    def get_urls(self) -> list[Any]:
        """The release's pages, and its outcome files' upload (``ID/outcomes/``)."""
        from django.urls import path

        upload = path(
            "<path:object_id>/outcomes/",
            self.admin_site.admin_view(self.outcomes_view),
            name="releases_release_outcomes",
        )
        return [upload, *super().get_urls()]

    def outcomes_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Upload an outcome file onto a release the user may see (the central team's; see
        :mod:`polindex.web.outcomes.upload`)."""
        from polindex.web.outcomes.upload import upload_view

        release = self.get_object(request, object_id)
        assert release is not None  # (else a 404)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        return upload_view(request, release, context)

    @admin.display(description=gettext_lazy("outcome files"))
    def outcome_count(self, release: Release) -> str:
        """How many outcomes the release has."""
        count = release.outcomes.count()
        return _("%(count)d outcome(s)") % {"count": count}

    @admin.display(description=gettext_lazy("outcome files"))
    def outcome_files(self, release: Release) -> str:
        """How many outcomes the release has, and the link to upload more (the central
        team's: :meth:`get_fields` shows it to them only)."""
        from django.utils.html import format_html

        url = reverse("admin:releases_release_outcomes", args=[release.pk])
        return format_html(
            '{} · <a href="{}">{}</a>', self.outcome_count(release), url,
            _("Upload an outcome file"),
        )  # fmt: skip

    @admin.display(description=gettext_lazy("corrects"))
    def corrected(self, release: Release) -> str:
        """The release this one corrects, when the user may see it."""
        version = getattr(release, "corrected_version", None)
        return f"{release.index.code} {version}" if version else "-"

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """A published release is never edited (its change page only shows it); an embargoed
        one takes new key findings. The change permission also lets the team publish embargoed
        releases early (the list's action)."""
        if obj is not None and not (isinstance(obj, Release) and obj.embargoed):
            return False
        return super().has_change_permission(request)

    def save_model(self, request: HttpRequest, obj: Release, form: Any, change: bool) -> None:
        """Only the key findings change, in each language (the release's rows stay as
        frozen)."""
        try:
            obj.set_key_findings(form.cleaned_data.get("key_findings", ""), form.translations())
        except ImmutableError:  # published between the form and the save
            messages.error(request, _("The release was published meanwhile: nothing changed."))

    @admin.action(description=gettext_lazy("Publish now (end the embargo)"), permissions=["change"])
    def publish_now(self, request: HttpRequest, queryset: Any) -> None:
        """The publish time is the one thing an embargoed release may change (it is not part
        of the checksum); a published release keeps its date."""
        now = timezone.now()
        waiting = queryset.filter(publish_at__gt=now)
        count = waiting.update(publish_at=now)
        self.message_user(request, _("%(count)d release(s) published.") % {"count": count})

    @admin.action(
        description=gettext_lazy(
            "Draft the key findings from the scores (embargoed, without findings)"
        ),
        permissions=["change"],
    )
    def draft_key_findings(self, request: HttpRequest, queryset: Any) -> None:
        """Fill the key findings of each selected embargoed release, in each site language
        where it has none, with a draft written from its scores in that language (see
        :mod:`polindex.web.reports.findings`), to edit before publishing; a language with
        findings keeps them."""
        from polindex.analysis.findings import FindingsError
        from polindex.web.reports.findings import drafts_for

        default = settings.LANGUAGE_CODE
        for release in queryset:
            texts = {default: release.key_findings, **(release.key_findings_translations or {})}
            missing = [lang for lang in site_languages() if not texts.get(lang, "").strip()]
            if not release.embargoed:
                level, text = messages.WARNING, _("%(release)s is published: its findings stay.")
            elif not missing:
                level, text = (
                    messages.WARNING,
                    _("%(release)s has key findings already: empty them to draft them again."),
                )
            else:
                try:
                    texts.update(drafts_for(release, missing))
                    release.set_key_findings(
                        texts.pop(default), {k: v for k, v in texts.items() if k != default}
                    )
                except (FindingsError, ImmutableError) as exc:
                    level, text = messages.ERROR, _("%(release)s: no draft (%(why)s).")
                    self.message_user(request, text % {"release": release, "why": exc}, level)
                    continue
                level, text = messages.SUCCESS, str(DRAFTED)
                names = ", ".join(_language_name(lang) for lang in missing)
                self.message_user(request, text % {"release": release, "languages": names}, level)
                continue
            self.message_user(request, text % {"release": release}, level)

    @admin.action(
        description=gettext_lazy("Build every country report (PDF and ZIP)"), permissions=["view"]
    )
    def build_reports(self, request: HttpRequest, queryset: Any) -> None:
        """Make every unit's report of each selected release, in every language, as a
        background task (at once where tasks run at once, as in the demo)."""
        from polindex.web.reports.tasks import build_reports

        for release in queryset:
            queued = build_reports.enqueue(release.pk)
            if queued.status == TaskResultStatus.SUCCESSFUL:
                text = _("%(release)s: %(count)s country reports made.") % {
                    "release": release, "count": queued.return_value,
                }  # fmt: skip
            elif queued.status == TaskResultStatus.FAILED:
                text = _("%(release)s: the reports failed; see the task list.") % {
                    "release": release
                }
            else:
                text = _("%(release)s: the country reports are being made in the background.") % {
                    "release": release
                }
            self.message_user(request, text)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = ReleaseForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            job = form.job()
            try:
                if job["robustness"]:  # slow: checked now, built by a background task
                    build(job, check_only=True)
                    queued = build_in_background.enqueue(job)
                    if queued.status == TaskResultStatus.FAILED:  # (run at once, and failed)
                        last = queued.errors[-1].traceback.strip().splitlines()[-1]
                        raise ValidationError(
                            _("The build failed: %(error)s"), params={"error": last}
                        )
                    if queued.status != TaskResultStatus.SUCCESSFUL:
                        messages.info(request, QUEUED % {"version": job["version"]})
                        return HttpResponseRedirect(reverse("admin:releases_release_changelist"))
                    release = Release.objects.get(pk=queued.return_value)
                else:
                    release = build(job)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                assert release is not None
                self.log_addition(request, release, [{"added": {}}])
                messages.success(
                    request,
                    _("Release %(release)s created: %(count)d scores, checksum %(checksum)s.")
                    % {
                        "release": release,
                        "count": release.scores.count(),
                        "checksum": release.checksum[:12],
                    },
                )
                if not can_see(request.user, release):  # made under embargo, by someone who
                    return HttpResponseRedirect(  # may not see embargoed releases
                        reverse("admin:releases_release_changelist")
                    )
                return HttpResponseRedirect(
                    reverse("admin:releases_release_change", args=[release.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Create a release"),
            "form": form,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/releases/release/create.html", context)


BUILD_TASK = build_in_background.module_path


class TaskResultAdmin(DBTaskResultAdmin):
    """The background tasks, as django-tasks-db shows them — but a queued release build holds
    the release's framework, data and version: only those who may see embargoed releases see
    builds."""

    list_display = (
        "id", "task", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue_name"
    )  # fmt: skip

    @admin.display(description=gettext_lazy("task"), ordering="task_path")
    def task(self, result: DBTaskResult[Any, Any]) -> str:
        return str(result.task_name)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DBTaskResult[Any, Any]]:
        tasks: QuerySet[DBTaskResult[Any, Any]] = super().get_queryset(request)
        return tasks if can_see_embargoed(request.user) else tasks.exclude(task_path=BUILD_TASK)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> DBTaskResult[Any, Any] | None:
        task = super().get_object(request, object_id, from_field)
        if task is None:
            raise Http404("no such task")
        return task


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
