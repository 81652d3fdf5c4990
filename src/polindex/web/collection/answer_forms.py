"""The answer page's forms, one per kind of action.

Each form checks its own fields — a version or a count that is not a whole number, a date that
does not exist, an option or a confidence that is not the question's, a text too long for its
column — and reports what is wrong field by field (the page shows it, nothing is stored; never a
server error). A valid form takes its step through :mod:`.workflow`, which asks
:mod:`.permissions`: ``run`` returns the answer as saved and the event to tell the other side of
(``""`` for none).
"""

from __future__ import annotations

from typing import Any

from django import forms

from polindex.web.collection import workflow
from polindex.web.collection.models import Answer
from polindex.web.collection.permissions import allowed
from polindex.web.collection.questions import questions

MAX_SOURCES = 50  # source rows read from one form
LARGEST = 2**31 - 1  # an integer column's largest value (a version, a message id)


class ActionForm(forms.Form):
    """A form of the answer page, bound to the answer it acts on."""

    def __init__(self, data: Any, answer: Answer, action: str) -> None:
        super().__init__(data)
        self.answer, self.action = answer, action
        self.faults: dict[str, str] = {}  # what is wrong beyond the form's own fields

    def is_valid(self) -> bool:
        return super().is_valid() and not self.faults

    def problems(self) -> dict[str, str]:
        """What is wrong, by field."""
        found = {name: " ".join(messages) for name, messages in self.errors.items()}
        return {**found, **self.faults}

    def run(self, user: Any) -> tuple[Answer, str]:
        raise NotImplementedError


class SourceForm(forms.Form):
    """One legal source row (``source-K-instrument`` etc.); what each must hold is
    :func:`.workflow.invalid`'s rule."""

    instrument = forms.CharField(required=False)
    article = forms.CharField(required=False)
    url = forms.CharField(required=False)
    in_force = forms.CharField(required=False)


class SaveForm(ActionForm):
    """Save a draft: ``save``, ``autosave``, ``overwrite`` (keep mine after a conflict)."""

    version = forms.IntegerField(min_value=1, max_value=LARGEST)
    option = forms.CharField(required=False, strip=False)  # one of the question's: invalid()
    not_applicable = forms.BooleanField(required=False)
    na_reason = forms.CharField(required=False, strip=False)
    justification = forms.CharField(required=False, strip=False)
    confidence = forms.ChoiceField(required=False, choices=[("", "–"), *Answer.Confidence.choices])
    source_count = forms.IntegerField(required=False, min_value=0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.sources: list[dict[str, str]] = []
        for k in range(min(cleaned.get("source_count") or 0, MAX_SOURCES)):
            row = SourceForm(self.data, prefix=f"source-{k}")
            source = {n: str(self.data.get(f"source-{k}-{n}", "")).strip() for n in row.fields}
            if not any(source.values()):
                continue
            self.sources.append(source)
            if not row.is_valid():
                self.faults[f"source {len(self.sources)}"] = "; ".join(
                    f"{name}: {' '.join(messages)}" for name, messages in row.errors.items()
                )
        for name, problem in workflow.invalid(self.answer, self.content()).items():
            if name not in self.fields:
                self.faults.setdefault(name, problem)
            elif name not in self.errors:
                self.add_error(name, problem)
        return cleaned

    def content(self) -> workflow.Content:
        """What the expert wrote (valid forms only)."""
        c = self.cleaned_data
        return workflow.Content(
            option=c.get("option", ""),
            not_applicable=bool(c.get("not_applicable")),
            na_reason=c.get("na_reason", ""),
            justification=c.get("justification", ""),
            confidence=c.get("confidence", ""),
            sources=getattr(self, "sources", []),
        )

    def run(self, user: Any) -> tuple[Answer, str]:
        version = self.cleaned_data["version"]
        return workflow.save(self.answer, user, self.content(), version), ""


class MergeForm(SaveForm):
    """After a conflict, save mine with the parts chosen from the saved version (``merge``,
    with ``take-answer=saved`` etc.)."""

    def __init__(self, data: Any, answer: Answer, action: str) -> None:
        super().__init__(data, answer, action)
        for part in workflow.PARTS:
            self.fields[f"take-{part}"] = forms.ChoiceField(
                required=False, choices=[("mine", "mine"), ("saved", "saved")]
            )

    def content(self) -> workflow.Content:
        mine, theirs = super().content(), workflow.Content.of(self.answer)
        for part, names in workflow.PARTS.items():
            if self.cleaned_data.get(f"take-{part}") == "saved":
                for name in names:
                    setattr(mine, name, getattr(theirs, name))
        return mine


class SubmitForm(SaveForm):
    """Submit for review (``submit``): the expert's page is saved first, then submitted."""

    def run(self, user: Any) -> tuple[Answer, str]:
        answer, version, was = self.answer, self.cleaned_data["version"], self.answer.status
        if allowed(user, "collection.edit_answer", answer):
            answer = workflow.save(answer, user, self.content(), version)
            version = answer.version
        answer = workflow.act(answer, user, "submit", version)
        return answer, "reply" if was == Answer.Status.QUERIED else "submit"


class StepForm(ActionForm):
    """A review step: ``review``, ``agree``, ``query``, ``validate``, ``lock``, ``reopen``
    (whether the step needs a comment is the workflow's rule)."""

    version = forms.IntegerField(min_value=1, max_value=LARGEST)
    comment = forms.CharField(required=False, strip=False)

    def run(self, user: Any) -> tuple[Answer, str]:
        c = self.cleaned_data
        answer = workflow.act(self.answer, user, self.action, c["version"], c["comment"])
        return answer, self.action


class AdjudicateForm(StepForm):
    """Adjudicate (``adjudicate``), optionally setting the answer to one of the options."""

    adjudicated_option = forms.CharField(required=False, max_length=64, strip=False)

    def clean_adjudicated_option(self) -> str:
        option: str = self.cleaned_data["adjudicated_option"]
        question = questions(self.answer.edition)[self.answer.indicator]
        if option and (wrong := question.problem(option)):
            raise forms.ValidationError(wrong)
        return option

    def run(self, user: Any) -> tuple[Answer, str]:
        c = self.cleaned_data
        answer = workflow.act(
            self.answer, user, "adjudicate", c["version"], c["comment"], c["adjudicated_option"]
        )
        return answer, "adjudicate"


class CommentForm(ActionForm):
    """A message in the thread (``comment``): a reply when the answer's expert writes it."""

    comment = forms.CharField(required=False, strip=False)

    def run(self, user: Any) -> tuple[Answer, str]:
        workflow.comment(self.answer, user, self.cleaned_data["comment"])
        return self.answer, "reply" if self.answer.expert_id == user.pk else "comment"


class ModerateForm(ActionForm):
    """Hide a message of the thread, or show it again (``hide``, ``show``)."""

    message = forms.IntegerField(min_value=1, max_value=LARGEST)

    def run(self, user: Any) -> tuple[Answer, str]:
        workflow.moderate(self.answer, user, self.cleaned_data["message"], self.action == "hide")
        return self.answer, ""


FORMS: dict[str, type[ActionForm]] = {
    "save": SaveForm,
    "autosave": SaveForm,
    "overwrite": SaveForm,
    "merge": MergeForm,
    "submit": SubmitForm,
    "adjudicate": AdjudicateForm,
    "comment": CommentForm,
    "hide": ModerateForm,
    "show": ModerateForm,
    **{a: StepForm for a in workflow.ACTIONS if a not in ("submit", "adjudicate")},
}
