"""The central team creates releases in the admin from a framework and a data file."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from polindex.web.releases.models import Release

from .conftest import FW

ADD = "/admin/releases/release/add/"
DATA = b"unit,period,q1,q2\nAA,2024,yes,no\nBB,2024,no,no\n"


def files(data: bytes = DATA, name: str = "d.csv") -> dict[str, Any]:
    return {
        "framework": SimpleUploadedFile("toy.yaml", yaml.safe_dump(FW).encode()),
        "data": SimpleUploadedFile(name, data),
    }


def form(**changes: Any) -> dict[str, Any]:
    return {
        "version": "2024.1",
        "publish_at": "2030-01-01 00:00:00",
        "unit_column": "unit",
        "period_column": "period",
        **files(),
        **changes,
    }


@pytest.fixture
def admin_client(client: Client, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-chief-1")
    client.force_login(user)
    return client


def test_create_a_release_under_embargo(admin_client: Client) -> None:
    page = admin_client.get(ADD)
    assert page.status_code == 200
    assert 'name="framework"' in page.content.decode()
    response = admin_client.post(ADD, form(changelog="First edition."))
    release = Release.objects.get(index__code="TOY", version="2024.1")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/releases/release/{release.pk}/change/"
    assert release.scores.get(unit="AA", node="TOY").score == 50.0
    assert release.publish_at.year == 2030  # embargoed until then
    assert release.changelog == "First edition."
    assert Client().get("/TOY/2024.1/").status_code == 404  # the public cannot see it yet
    assert admin_client.get("/TOY/2024.1/").status_code == 200  # the team can
    again = admin_client.post(ADD, form())
    assert "TOY already has a release 2024.1; releases are immutable" in again.content.decode()
    assert Release.objects.count() == 1


def test_a_correction(admin_client: Client) -> None:
    admin_client.post(ADD, form())
    first = Release.objects.get()
    no_log = admin_client.post(ADD, form(version="2024.2", corrects=first.pk))
    assert "a correction says what it corrects: write a changelog" in no_log.content.decode()
    fixed = b"unit,period,q1,q2\nAA,2024,yes,yes\nBB,2024,no,no\n"
    admin_client.post(
        ADD, form(version="2024.2", corrects=first.pk, changelog="AA: q2 fixed.", **files(fixed))
    )
    second = Release.objects.get(version="2024.2")
    assert second.corrects == first
    assert second.scores.get(unit="AA", node="TOY").score == 100.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({**files(b"unit,period,q1,zz\nAA,2024,yes,no\n")}, "zz"),
        ({**files(b"unit,period,q1,q2\nAA,2024,maybe,no\n")}, "maybe"),
        ({**files(name="d.exe")}, "d.exe: expected a .csv or .xlsx file"),
        ({"version": "../1"}, "letters, digits"),
        ({"publish_at": "soon"}, "Enter a valid date/time."),
    ],
)
def test_bad_input_is_reported_and_nothing_is_stored(
    admin_client: Client, changes: dict[str, Any], message: str
) -> None:
    response = admin_client.post(ADD, form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Release.objects.count() == 0


def test_only_the_team_may_create_releases(client: Client, django_user_model: Any) -> None:
    assert client.get(ADD).status_code == 302  # to the login page
    staff = django_user_model.objects.create_user("helper", password="pw-helper-1", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_release"))
    client.force_login(staff)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, form()).status_code == 403
    assert Release.objects.count() == 0


def _robust_form(robust_files: tuple[Any, Any], **changes: Any) -> dict[str, Any]:
    framework, data = robust_files
    return {
        **form(),
        "framework": SimpleUploadedFile("fw.yaml", framework.read_bytes()),
        "data": SimpleUploadedFile("data.csv", data.read_bytes()),
        "robustness": "on",
        **changes,
    }


def test_a_release_with_robustness_is_built_as_a_task(
    admin_client: Client, robust_files: tuple[Any, Any]
) -> None:
    """Without a worker (the demo) the task runs at once: the release is there."""
    response = admin_client.post(ADD, _robust_form(robust_files))
    release = Release.objects.get()
    assert response["Location"] == f"/admin/releases/release/{release.pk}/change/"
    assert set(release.robustness) >= {"audit", "uncertainty"}


def test_with_a_worker_the_robustness_runs_outside_the_request(
    transactional_db: None,
    client: Client,
    django_user_model: Any,
    robust_files: tuple[Any, Any],
    settings: Any,
) -> None:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    chief = django_user_model.objects.create_superuser("chief", "c@example.org", "pw-chief-1")
    client.force_login(chief)
    response = client.post(ADD, _robust_form(robust_files), follow=True)
    assert (
        "is being built with its robustness analyses: it appears here when done."
        in response.content.decode()
    )
    assert Release.objects.count() == 0
    # the quick checks still answer at once: a broken file is a form error, nothing queued
    broken = _robust_form(robust_files, data=SimpleUploadedFile("data.csv", b"unit,period\n"))
    assert client.post(ADD, broken).status_code == 200
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    release = Release.objects.get()
    assert set(release.robustness) >= {"audit", "uncertainty"}
    # the version is now taken: refused on the form, before any task
    taken = client.post(ADD, _robust_form(robust_files))
    assert "already has a release 2024.1; releases are immutable" in taken.content.decode()
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code: T\nname: March\xe9 du travail\n".encode("latin-1"), "is not UTF-8 text (byte 19)"),
        (b"code: T\x00\nname: T\n", "holds a NUL character"),
        ("code: T\nname: T\n".encode("utf-16"), "is not UTF-8 text (byte 0)"),
    ],
    ids=["latin-1", "nul", "utf-16"],
)
def test_a_framework_that_is_not_utf8_text_is_a_form_error(
    admin_client: Client, content: bytes, message: str
) -> None:
    # regression: a Latin-1 framework was decoded with replacement characters and frozen
    # into an immutable release ("March� du travail")
    response = admin_client.post(ADD, form(framework=SimpleUploadedFile("bad.yaml", content)))
    assert response.status_code == 200
    assert f"bad.yaml {message}" in response.content.decode()
    assert not Release.objects.exists()
