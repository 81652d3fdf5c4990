"""The central team's admin: indexes, and releases — read-only once made, created from files."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.tasks import TaskResultStatus
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from polindex.web.releases.forms import ReleaseForm, build, build_in_background
from polindex.web.releases.models import Index, Release

QUEUED = gettext_lazy(
    "Release %(version)s is being built with its robustness analyses: it appears here when done."
)


@admin.register(Index)
class IndexAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """Releases are immutable: the change page only shows them; "Add release" builds a new one
    from a framework and a data file (the same path as ``polindex release create``)."""

    list_display = ("index", "version", "publish_at", "corrects", "synthetic", "checksum")
    list_filter = ("index",)
    readonly_fields = [f.name for f in Release._meta.fields]
    actions = ["publish_now"]

    @admin.action(description=_("Publish now (end the embargo)"))
    def publish_now(self, request: HttpRequest, queryset: Any) -> None:
        """The publish time is the one thing an embargoed release may change (it is not part
        of the checksum); a published release keeps its date."""
        now = timezone.now()
        waiting = queryset.filter(publish_at__gt=now)
        count = waiting.update(publish_at=now)
        self.message_user(request, _("%(count)d release(s) published.") % {"count": count})

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = ReleaseForm(request.POST or None, request.FILES or None)
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
