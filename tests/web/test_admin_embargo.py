"""The admin keeps the embargo too: Django's "view release" permission shows published releases
only; an embargoed one (its framework, input data, citation) needs ``view_embargoed``, on every
admin page that shows a release or what it is built from."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from polindex.web.releases.models import Release

from .conftest import client_for
from .test_admin import form

RELEASES = "/admin/releases/release/"


def staff(django_user_model: Any, name: str, *codenames: str) -> Any:
    user = django_user_model.objects.create_user(name, password=f"pw-{name}-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def viewer(django_user_model: Any) -> Client:
    """Staff with Django's ordinary "view release" permission, without the embargo one."""
    return client_for(staff(django_user_model, "viewer", "view_release"))


@pytest.fixture
def insider_staff(django_user_model: Any) -> Client:
    return client_for(staff(django_user_model, "insider", "view_release", "view_embargoed"))


def _page(client: Client, path: str) -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, response.content.decode()


def test_the_release_list_shows_view_only_staff_the_published_releases(
    published: Release, embargoed: Release, viewer: Client, insider_staff: Client
) -> None:
    status, page = _page(viewer, RELEASES)
    assert status == 200
    assert f"{RELEASES}{published.pk}/change/" in page
    assert f"{RELEASES}{embargoed.pk}/change/" not in page
    assert embargoed.checksum not in page
    assert "2025.1" not in page
    assert "1 release" in page  # the count says so too
    status, page = _page(insider_staff, RELEASES)
    assert f"{RELEASES}{embargoed.pk}/change/" in page
    assert embargoed.checksum in page


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_an_embargoed_release_page_is_not_found_without_the_embargo_permission(
    published: Release, embargoed: Release, viewer: Client, insider_staff: Client, view: str
) -> None:
    status, page = _page(viewer, f"{RELEASES}{embargoed.pk}/{view}/")
    assert status == 404
    assert embargoed.checksum not in page
    assert embargoed.citation not in page or embargoed.citation == published.citation
    if view != "delete":  # (nobody deletes a release)
        assert _page(viewer, f"{RELEASES}{published.pk}/{view}/")[0] == 200
        status, page = _page(insider_staff, f"{RELEASES}{embargoed.pk}/{view}/")
        assert status == 200
        assert "2025.1" in page


def test_view_only_staff_cannot_end_an_embargo(
    embargoed: Release, insider_staff: Client, django_user_model: Any
) -> None:
    """ "Publish now" changes a release: it needs the change permission, not the view one."""
    publish_at = embargoed.publish_at
    form = {"action": "publish_now", "_selected_action": [embargoed.pk], "index": 0}
    insider_staff.post(RELEASES, form)
    embargoed.refresh_from_db()
    assert embargoed.publish_at == publish_at
    editor = client_for(
        staff(django_user_model, "editor", "view_release", "change_release", "view_embargoed")
    )
    editor.post(RELEASES, form)
    embargoed.refresh_from_db()
    assert embargoed.publish_at < publish_at


def test_the_release_form_offers_only_visible_releases_to_correct(
    published: Release, embargoed: Release, django_user_model: Any
) -> None:
    maker = client_for(staff(django_user_model, "maker", "view_release", "add_release"))
    status, page = _page(maker, f"{RELEASES}add/")
    assert status == 200
    assert f'<option value="{published.pk}">TOY 2024.1</option>' in page
    assert f'value="{embargoed.pk}"' not in page
    assert "TOY 2025.1" not in page


def test_a_release_made_under_embargo_by_view_only_staff_leads_back_to_the_list(
    db: None, django_user_model: Any
) -> None:
    maker = client_for(staff(django_user_model, "maker", "view_release", "add_release"))
    response = maker.post(f"{RELEASES}add/", form(version="2030.1"))  # embargoed until 2030
    assert response.status_code == 302
    assert response["Location"] == RELEASES
    assert Release.objects.get().version == "2030.1"


def test_a_correction_does_not_name_an_embargoed_release(
    published: Release, embargoed: Release, viewer: Client
) -> None:
    from polindex.web.releases.publish import publish_release

    from .conftest import NOW, results

    fix = publish_release(
        results(), version="2024.2", publish_at=NOW, corrects=embargoed, changelog="Fixed."
    )
    page = _page(viewer, RELEASES)[1]
    assert f"{RELEASES}{fix.pk}/change/" in page
    assert "TOY 2025.1" not in page
    assert "TOY 2025.1" not in _page(viewer, f"{RELEASES}{fix.pk}/change/")[1]


def test_a_release_change_page_takes_no_post(published: Release, django_user_model: Any) -> None:
    """A release is read-only: posting its (read-only) change form is refused, not a crash."""
    chief = django_user_model.objects.create_superuser("chief", "c@example.org", "pw-chief-1")
    response = client_for(chief).post(f"{RELEASES}{published.pk}/change/", {"_save": "Save"})
    assert response.status_code == 403
    assert Release.objects.get(pk=published.pk).checksum == published.checksum


def test_release_builds_in_the_task_queue_need_the_embargo_permission(
    db: None, settings: Any, django_user_model: Any
) -> None:
    """A queued build holds the release's framework and data (and its version): the admin's
    task list shows it only to those who may see embargoed releases."""
    from django_tasks_db.models import DBTaskResult

    from polindex.web.collection.notify import deliver
    from polindex.web.releases.forms import build_in_background

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    build_in_background.enqueue({"version": "2099.9", "framework": "code: SECRET\n"})
    deliver.enqueue("someone@example.org", "Reminder", "Answers are waiting.")
    build, mail = (
        DBTaskResult.objects.get(task_path__endswith=name)
        for name in ("build_in_background", "deliver")
    )
    tasks = "/admin/django_tasks_database/dbtaskresult/"
    clerk = client_for(staff(django_user_model, "clerk", "view_dbtaskresult"))
    status, page = _page(clerk, tasks)
    assert status == 200
    assert f"{tasks}{mail.pk}/change/" in page
    assert f"{tasks}{build.pk}/change/" not in page
    status, page = _page(clerk, f"{tasks}{build.pk}/change/")
    assert status == 404
    assert "SECRET" not in page
    assert _page(clerk, f"{tasks}{mail.pk}/change/")[0] == 200
    trusted = client_for(staff(django_user_model, "trusted", "view_dbtaskresult", "view_embargoed"))
    status, page = _page(trusted, f"{tasks}{build.pk}/change/")
    assert status == 200
    assert "SECRET" in page


def test_scoring_an_edition_into_a_release_needs_the_central_team(
    edition: Any, django_user_model: Any
) -> None:
    """The edition admin's "score into a release" action opens the scoring page (which makes
    a release once confirmed): staff who may only look at editions do not get it."""
    form = {"action": "make_release", "_selected_action": [edition.pk], "index": 0}
    looker = client_for(staff(django_user_model, "looker", "view_edition"))
    response = looker.post("/admin/collection/edition/", form, follow=True)
    assert response.redirect_chain == []  # (no scoring page: the action is not theirs)
    assert 'value="make_release"' not in response.content.decode()
    assert looker.get(f"/work/{edition.code}/score/").status_code == 403
    team = staff(django_user_model, "team", "view_edition", "change_edition", "manage_edition")
    response = client_for(team).post("/admin/collection/edition/", form, follow=True)
    assert response.redirect_chain == [(f"/work/{edition.code}/score/", 302)]
    assert "Score the edition into a release" in response.content.decode()
