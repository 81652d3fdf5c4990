"""The central team's form to publish a release from the admin (framework + data files)."""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polindex import api
from polindex.engine.pipeline import BuildError
from polindex.framework.problems import FrameworkError
from polindex.io.problems import DataError
from polindex.io.tables import ReadOptions
from polindex.web.releases.freeze import create_release
from polindex.web.releases.models import Release

MAX_FRAMEWORK_BYTES = 2 * 1024 * 1024
MAX_DATA_BYTES = 100 * 1024 * 1024
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


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
        Release.objects.select_related("index").order_by("index__code", "version"),
        required=False,
        help_text=_("If this release corrects an earlier one of the same index."),
    )
    changelog = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
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

    def clean_framework(self) -> Any:
        return _checked_upload(
            self.cleaned_data["framework"], (".yaml", ".yml"), MAX_FRAMEWORK_BYTES
        )

    def clean_data(self) -> Any:
        return _checked_upload(self.cleaned_data["data"], (".csv", ".xlsx"), MAX_DATA_BYTES)

    def clean_version(self) -> str:
        version = str(self.cleaned_data["version"]).strip()
        if not VERSION.match(version):
            raise ValidationError(_("letters, digits, '.', '_' and '-' only"))
        return version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("corrects") and not cleaned.get("changelog"):
            self.add_error("changelog", _("Say what this release corrects."))
        return cleaned

    def job(self) -> dict[str, Any]:
        """The release to build, as plain JSON (files included): what a background task gets."""
        data = self.cleaned_data
        return {
            "framework": data["framework"].read().decode("utf-8", errors="replace"),
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
            "corrects": data["corrects"].pk if data["corrects"] else None,
        }


def build(job: dict[str, Any], *, check_only: bool = False) -> Release | None:
    """Build the results of ``job`` (see :meth:`ReleaseForm.job`) and freeze them as a release;
    any problem is a ``ValidationError`` naming the uploaded files, and nothing is stored.

    With ``check_only``, score without the robustness analyses and check the version is free,
    storing nothing: the quick part of a job whose robustness runs in the background.
    """
    import datetime as dt

    with tempfile.TemporaryDirectory(prefix="polindex-release-") as tmp:
        framework = Path(tmp) / "framework.yaml"
        source = Path(tmp) / f"data{Path(job['data_name']).suffix.lower()}"
        framework.write_text(job["framework"], encoding="utf-8")
        source.write_bytes(base64.b64decode(job["data"]))
        try:
            results = api.release_results(
                framework, source, scored=job["scored"],
                robustness=job["robustness"] and not check_only,
                options=ReadOptions(**job["options"]),
            )  # fmt: skip
        except (FrameworkError, DataError, BuildError, ValueError) as exc:
            text = str(exc).replace(str(framework), job["framework_name"])
            raise ValidationError(text.replace(str(source), job["data_name"])) from exc
    taken = _("%(index)s already has a release %(version)s; releases are immutable")
    params = {"index": results.framework.code, "version": job["version"]}
    if check_only:
        if Release.objects.filter(
            index__code=results.framework.code, version=job["version"]
        ).exists():
            raise ValidationError(taken, params=params)
        return None
    try:
        return create_release(
            results,
            version=job["version"],
            publish_at=dt.datetime.fromisoformat(job["publish_at"]),
            citation=job["citation"],
            licence=job["licence"],
            changelog=job["changelog"],
            corrects=Release.objects.get(pk=job["corrects"]) if job["corrects"] else None,
        )
    except IntegrityError as exc:
        raise ValidationError(taken, params=params) from exc


@task
def build_in_background(job: dict[str, Any]) -> int:
    """Build a release with its robustness analyses (minutes for a large index) outside the
    request; returns the release's id. A failure is recorded on the task (admin: Tasks)."""
    release = build(job)
    assert release is not None
    return release.pk
