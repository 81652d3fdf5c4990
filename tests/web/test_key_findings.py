"""A release's key findings: Markdown written by the central team, shown on the release's page
(sanitised), editable in the admin while the release is under embargo and frozen once it is
published — outside the checksum, which covers the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from polindex.web.releases.models import ImmutableError, Release
from polindex.web.releases.verify import recomputed_checksum

from .conftest import client_for
from .test_admin_embargo import staff

RELEASES = "/admin/releases/release/"


@pytest.fixture
def editor(django_user_model: Any) -> Client:
    return client_for(
        staff(django_user_model, "editor", "view_release", "change_release", "view_embargoed")
    )


def test_the_team_edits_the_findings_until_publication(
    published: Release, embargoed: Release, editor: Client, insider: Any
) -> None:
    page = editor.get(f"{RELEASES}{embargoed.pk}/change/").content.decode()
    assert '<textarea name="key_findings"' in page  # the one field that can change
    assert 'name="checksum"' not in page
    text = "## Findings\n\nEveryone says **yes**. <img src=x onerror=alert(1)>"
    response = editor.post(f"{RELEASES}{embargoed.pk}/change/", {"key_findings": text})
    assert response.status_code == 302
    again = Release.objects.get(pk=embargoed.pk)
    assert again.key_findings == text
    assert recomputed_checksum(again) == again.checksum == embargoed.checksum  # data untouched
    body = client_for(insider).get("/TOY/2025.1/").content.decode()
    assert "<h4>Findings</h4>\n<p>Everyone says <strong>yes</strong>. </p>" in body
    assert "onerror" not in body
    # a published release's findings are frozen: its page is refused, the model refuses too
    assert editor.get(f"{RELEASES}{published.pk}/change/").status_code == 200  # (view only)
    page = editor.get(f"{RELEASES}{published.pk}/change/").content.decode()
    assert '<textarea name="key_findings"' not in page
    assert (
        editor.post(f"{RELEASES}{published.pk}/change/", {"key_findings": "x"}).status_code == 403
    )
    with pytest.raises(ImmutableError):
        published.set_key_findings("Rewritten history.")
    assert Release.objects.get(pk=published.pk).key_findings == ""


def test_staff_without_the_change_permission_only_read_them(
    embargoed: Release, django_user_model: Any
) -> None:
    reader = client_for(staff(django_user_model, "reader", "view_release", "view_embargoed"))
    page = reader.get(f"{RELEASES}{embargoed.pk}/change/").content.decode()
    assert '<textarea name="key_findings"' not in page
    response = reader.post(f"{RELEASES}{embargoed.pk}/change/", {"key_findings": "x"})
    assert response.status_code == 403
