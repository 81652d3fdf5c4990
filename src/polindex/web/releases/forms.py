"""The central team's form to publish a release from the admin (framework + data files)."""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polindex.api import release_results
from polindex.errors import PolindexError
from polindex.framework.definition import load_index
from polindex.io.tables import ReadOptions, Upload
from polindex.web.releases.models import Release
from polindex.web.releases.publish import VERSION, check_release, publish_release
from polindex.web.releases.visibility import visible_releases

MAX_FRAMEWORK_BYTES = 2 * 1024 * 1024
MAX_DATA_BYTES = 100 * 1024 * 1024


def _checked_upload(upload: Any, suffixes: tuple[str, ...], limit: int) -> Any:
    name = str(upload.name)
    if not name.lower().endswith(suffixes):
        raise ValidationError(
            _("%(name)s: expected a %(types)s file"),
            params={"name": name, "types": " or ".join(suffixes)},
        )
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)d MB; the limit is %(limit)d MB"),
            params={"name": name, "size": upload.size // 2**20, "limit": limit // 2**20},
        )
    return upload


class ReleaseForm(forms.Form):
    """Everything ``polindex release create`` asks for, as a form."""

    framework = forms.FileField(help_text=_("The framework YAML (with its pipeline, if any)."))
    data = forms.FileField(help_text=_("The data: CSV or XLSX, long or wide."))
    version = forms.CharField(max_length=32, help_text=_("e.g. 2025.1; never reused."))
    publish_at = forms.DateTimeField(
        initial=timezone.now,
        help_text=_("Before this time the release is under embargo: only the team sees it."),
    )
    corrects = forms.ModelChoiceField(
        Release.objects.none(),  # the releases the user may see: set when the form is made
        required=False,
        help_text=_("If this release corrects an earlier one of the same index."),
    )
    changelog = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    key_findings = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_(
            "Markdown, shown on the release's page; editable until the release is published."
        ),
    )
    citation = forms.CharField(required=False, help_text=_("Default: the framework's."))
    licence = forms.CharField(required=False, help_text=_("Default: the framework's."))
    unit_column = forms.CharField(initial="unit")
    period_column = forms.CharField(initial="period")
    column_prefix = forms.CharField(required=False, help_text=_("e.g. AvgS_ (stripped)."))
    ignore_extra_columns = forms.BooleanField(required=False)
    scored = forms.BooleanField(required=False, help_text=_("The values are already scores."))
    robustness = forms.BooleanField(
        required=False,
        help_text=_("Also publish the audit and the uncertainty and sensitivity analyses."),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["corrects"]  # only releases the user may see (visibility)
        field.queryset = visible_releases(user).order_by("index__code", "version")

    def clean_framework(self) -> Any:
        upload = _checked_upload(
            self.cleaned_data["framework"], (".yaml", ".yml"), MAX_FRAMEWORK_BYTES
        )
        content = upload.read()
        upload.seek(0)
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _("%(name)s is not UTF-8 text (byte %(byte)d); save it as UTF-8"),
                params={"name": upload.name, "byte": exc.start},
            ) from exc
        if "\x00" in text:
            raise ValidationError(
                _("%(name)s holds a NUL character: not a YAML text file"),
                params={"name": upload.name},
            )
        return upload

    def clean_data(self) -> Any:
        return _checked_upload(self.cleaned_data["data"], (".csv", ".xlsx"), MAX_DATA_BYTES)

    def clean_version(self) -> str:
        version = str(self.cleaned_data["version"]).strip()
        if not VERSION.match(version):
            raise ValidationError(_("letters, digits, '.', '_' and '-' only"))
        return version

    def job(self) -> dict[str, Any]:
        """The release to build, as plain JSON (files included): what a background task gets."""
        data = self.cleaned_data
        return {
            "framework": data["framework"].read().decode("utf-8"),  # checked in clean
            "framework_name": data["framework"].name,
            "data": base64.b64encode(data["data"].read()).decode("ascii"),
            "data_name": data["data"].name,
            "options": {
                "unit_column": data["unit_column"],
                "period_column": data["period_column"],
                "column_prefix": data["column_prefix"],
                "extra_columns": "ignore" if data["ignore_extra_columns"] else "error",
            },
            "scored": data["scored"],
            "robustness": data["robustness"],
            "version": data["version"],
            "publish_at": data["publish_at"].isoformat(),
            "citation": data["citation"],
            "licence": data["licence"],
            "changelog": data["changelog"],
            "key_findings": data["key_findings"],
            "corrects": data["corrects"].pk if data["corrects"] else None,
        }


def build(job: dict[str, Any], *, check_only: bool = False) -> Release | None:
    """Publish the release of ``job`` (see :meth:`ReleaseForm.job`) with
    :func:`~polindex.web.releases.publish.publish_release`; any problem is a
    ``ValidationError`` naming the uploaded files, and nothing is stored.

    With ``check_only``, score without the robustness analyses and check the release's rules,
    storing nothing: the quick part of a job whose robustness runs in the background.
    """
    import datetime as dt

    names = {"framework": job["framework_name"], "data": job["data_name"]}
    publish_at = dt.datetime.fromisoformat(job["publish_at"])
    corrects = Release.objects.filter(pk=job["corrects"]).first() if job["corrects"] else None
    try:
        definition = load_index(text=job["framework"], name=names["framework"])
        upload = Upload(names["data"], base64.b64decode(job["data"]))
        if check_only:
            check_release(
                definition.code,
                job["version"],
                publish_at=publish_at,
                corrects=corrects,
                changelog=job["changelog"],
                licence=job["licence"],
            )
            release_results(  # the data score (the analyses run in the background)
                definition, upload, scored=job["scored"], options=ReadOptions(**job["options"])
            )
            return None
        return publish_release(
            definition,
            upload,
            version=job["version"],
            publish_at=publish_at,
            scored=job["scored"],
            robustness=job["robustness"],
            options=ReadOptions(**job["options"]),
            citation=job["citation"],
            licence=job["licence"],
            changelog=job["changelog"],
            corrects=corrects,
            key_findings=job.get("key_findings", ""),
        )
    except PolindexError as exc:
        raise ValidationError([exc.headline(), *exc.messages()]) from exc


@task
def build_in_background(job: dict[str, Any]) -> int:
    """Build a release with its robustness analyses (minutes for a large index) outside the
    request; returns the release's id. A failure is recorded on the task (admin: Tasks)."""
    release = build(job)
    assert release is not None
    return release.pk
