"""The admin speaks French: every model and app of Polindex (and the task queue's) is named
through the catalogue, and the French admin shows none of their English names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from django.apps import apps
from django.test import Client
from django.utils import translation
from django.utils.functional import Promise

import polindex.web

PO = Path(polindex.web.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
OURS = {"collection", "releases", "feedback", "outcomes", "sharedcache"}


def test_every_model_is_named_through_the_french_catalogue() -> None:
    with PO.open("rb") as f:
        catalogue = read_po(f)
    checked = 0
    for model in apps.get_models():
        if model._meta.app_label not in OURS | {"django_tasks_database"}:
            continue
        for attr in ("verbose_name", "verbose_name_plural"):
            name = getattr(model._meta, attr)
            assert isinstance(name, Promise), (model, attr)  # translated when shown
            with translation.override("en"):
                english = str(name)
            message = catalogue.get(english)
            assert message is not None, (model, attr, english)
            assert message.string, (model, attr, english)
            checked += 1
    assert checked == 2 * 19  # collection 10, releases 3, outcomes 2, cache 2, feedback 1, tasks 1


def test_the_french_admin_index_names_everything_in_french(
    client: Client, django_user_model: Any
) -> None:
    chief = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-chief-1")
    client.force_login(chief)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for french in (
        "Affectations",
        "Éditions",
        "Personnes",
        "Indices",
        "Publications",
        "Collecte des données",
        "Tâches en arrière-plan",
        "Résultats des tâches",
    ):
        assert f">{french}<" in page, french
    for english in (
        "Assignments",
        "Editions",
        "People",
        "Indexes",
        "Releases",
        "Tasks Database Backend",
        "Task Results",
    ):
        assert f">{english}<" not in page, english
    english_page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Assignments<" in english_page
    assert ">Background tasks<" in english_page


def test_the_admin_actions_and_forms_speak_the_request_s_language() -> None:
    """Their texts are translated when shown, not once in the language of the first import."""
    from polindex.web.collection.admin import AssignmentAdmin, EditionForm
    from polindex.web.releases.admin import ReleaseAdmin

    texts = {
        "fr": ["Publier maintenant (lever l’embargo)", "Renvoyer l’invitation (pas encore "
               "acceptée)", "Pays"],
        "en": ["Publish now (end the embargo)", "Send the invitation again (not yet accepted)",
               "Countries"],
    }  # fmt: skip
    for language, expected in texts.items():
        with translation.override(language):
            shown = [
                str(ReleaseAdmin.publish_now.short_description),
                str(AssignmentAdmin.invite_again.short_description),
                str(EditionForm.base_fields["units_text"].label),
            ]
        assert shown == expected
