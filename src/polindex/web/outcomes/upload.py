"""The central team's upload of an outcome file onto a release, in the admin
(``/admin/releases/release/ID/outcomes/``): the loader of ``polindex release outcomes``
(:func:`.importing.import_outcomes`), every problem shown with its row and column, nothing
stored on failure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from polindex.io.problems import DataError
from polindex.io.tables import Upload
from polindex.web.collection.permissions import is_central
from polindex.web.outcomes.importing import import_outcomes
from polindex.web.releases.forms import _checked_upload
from polindex.web.releases.models import Release

MAX_OUTCOME_BYTES = 10 * 1024 * 1024
"""The largest outcome file the form takes (the command takes any)."""
SHOWN = 50
"""The problems listed on the form (the rest are counted)."""

ADD, REPLACE = "add", "replace"


class OutcomeUploadForm(forms.Form):
    """An outcome file and what it does to the release's outcomes."""

    file = forms.FileField(
        label=gettext_lazy("Outcome file"),
        help_text=gettext_lazy(
            "Long CSV or XLSX, at most 10 MB: columns outcome, unit, period, value and, "
            "optionally, label, measure, source; one row per outcome, country and period."
        ),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("What it does"),
        choices=[
            (
                ADD,
                gettext_lazy("Add its outcomes; one already here with the same code is replaced"),
            ),
            (REPLACE, gettext_lazy("Replace every outcome of this release with the file's")),
        ],
        initial=ADD,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data["file"], (".csv", ".xlsx"), MAX_OUTCOME_BYTES)


def upload_view(request: HttpRequest, release: Release, context: dict[str, Any]) -> HttpResponse:
    """The upload page of ``release`` (which the caller found among those the user may see):
    the central team's only; its outcomes listed, the form, and every problem of a refused
    file."""
    if not is_central(request.user):
        raise PermissionDenied
    form = OutcomeUploadForm(request.POST or None, request.FILES or None)
    shown: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            made = import_outcomes(
                release, Upload(str(upload.name), upload.read()),
                replace_all=form.cleaned_data["mode"] == REPLACE,
            )  # fmt: skip
        except DataError as exc:
            problems = exc.messages()
            form.add_error(None, _("Nothing was stored: the file has %(count)d problem(s).")
                           % {"count": len(problems)})  # fmt: skip
            shown = problems[:SHOWN]
            if len(problems) > SHOWN:
                shown.append(_("… and %(count)d more problems.") % {"count": len(problems) - SHOWN})
        else:
            messages.success(
                request,
                _("%(count)d outcome(s) from %(file)s stored on %(release)s (%(codes)s).") % {
                    "file": upload.name, "count": len(made), "release": release,
                    "codes": ", ".join(o.code for o in made),
                },
            )  # fmt: skip
            return HttpResponseRedirect(request.path)
    outcomes = release.outcomes.annotate(count=Count("values")).order_by("code")
    return TemplateResponse(
        request,
        "admin/releases/release/outcomes.html",
        {**context, "release": release, "form": form, "outcomes": outcomes, "problems": shown,
         "title": _("Outcome files of %(release)s") % {"release": release}},
    )  # fmt: skip
