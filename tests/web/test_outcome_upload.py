"""The central team's outcome upload in the admin (``/admin/releases/release/ID/outcomes/``):
the command's loader, every problem with its row and column on the form, nothing stored on
failure, a size limit, "add" or "replace all", and nobody else may use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from polindex.web.outcomes import upload
from polindex.web.outcomes.models import Outcome, OutcomeValue
from polindex.web.releases.models import Release

# TOY 2024.1's units are AA, BB and <b>CC
GOOD = (
    "outcome,label,unit,period,value,measure\n"
    "gap,Employment gap,AA,2025,3,pp\n"
    "gap,Employment gap,BB,2025,2,pp\n"
    "gap,Employment gap,<b>CC,2025,0.5,pp\n"
)
OTHER = "outcome,unit,period,value\nschool,AA,2025,1\nschool,BB,2025,2\n"
BAD = (
    "outcome,unit,period,value\n"
    "gap,AA,2025,3\n"
    "gap,ZZ,2025,2\n"  # row 3: not a unit of the release
    "gap,BB,2025,lots\n"  # row 4: not a number
)


def _url(release: Release) -> str:
    return f"/admin/releases/release/{release.pk}/outcomes/"


def _post(client: Client, release: Release, text: str, name: str = "o.csv",
          mode: str = "add") -> Any:  # fmt: skip
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(_url(release), {"file": file, "mode": mode}, follow=True)


@pytest.fixture
def central(django_user_model: Any) -> Client:
    user = django_user_model.objects.create_user("central", password="pw-central-1",
                                                 is_staff=True)  # fmt: skip
    for codename in ("manage_edition", "view_release"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client


def test_a_file_is_stored_and_listed(published: Release, central: Client) -> None:
    page = _post(central, published, GOOD)
    html = page.content.decode()
    assert "1 outcome(s) from o.csv stored on TOY 2024.1 (gap)." in html
    assert "<td>Employment gap</td><td>pp</td><td>3</td><td>o.csv</td>" in html
    values = OutcomeValue.objects.filter(outcome__release=published).order_by("unit")
    assert [(v.unit, v.value) for v in values] == [("<b>CC", 0.5), ("AA", 3.0), ("BB", 2.0)]


def test_every_problem_with_its_row_and_column_and_nothing_stored(
    published: Release, central: Client
) -> None:
    _post(central, published, GOOD)
    page = _post(central, published, BAD, name="bad.csv")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nothing was stored: the file has 2 problem(s)." in html
    assert "bad.csv row 3, column &#x27;unit&#x27;: &#x27;ZZ&#x27;" in html
    assert "bad.csv row 4, column &#x27;value&#x27;: &#x27;lots&#x27;: not a number" in html
    values = OutcomeValue.objects.filter(outcome__release=published)
    assert sorted(v.value for v in values) == [0.5, 2.0, 3.0]  # the earlier file's, untouched


def test_add_keeps_the_others_and_replace_removes_them(published: Release, central: Client) -> None:
    _post(central, published, GOOD)
    _post(central, published, OTHER)
    assert sorted(Outcome.objects.filter(release=published).values_list("code", flat=True)) == [
        "gap", "school",
    ]  # fmt: skip
    _post(central, published, GOOD.replace(",3,pp", ",4,pp"))  # the same code: replaced whole
    gap = Outcome.objects.get(release=published, code="gap")
    assert sorted(gap.values.values_list("value", flat=True)) == [0.5, 2.0, 4.0]
    _post(central, published, OTHER, mode="replace")
    assert list(Outcome.objects.filter(release=published).values_list("code", flat=True)) == [
        "school"
    ]


def test_too_large_or_not_a_table_is_refused(
    published: Release, central: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload, "MAX_OUTCOME_BYTES", 100)
    html = _post(central, published, GOOD * 3).content.decode()
    assert "o.csv is 0 MB; the limit is 0 MB" in html  # (the limit made tiny here)
    html = _post(central, published, GOOD, name="o.pdf").content.decode()
    assert "o.pdf: expected a .csv or .xlsx file" in html
    assert not Outcome.objects.exists()


def test_only_the_central_team(
    published: Release, embargoed: Release, admin_client: Client, django_user_model: Any
) -> None:
    viewer = django_user_model.objects.create_user("viewer", password="pw-viewer-1",
                                                   is_staff=True)  # fmt: skip
    viewer.user_permissions.add(Permission.objects.get(codename="view_release"))
    client = Client()
    client.force_login(viewer)
    assert client.get(_url(published)).status_code == 403
    assert _post(client, published, GOOD).status_code == 403
    assert not Outcome.objects.exists()
    change = client.get(f"/admin/releases/release/{published.pk}/change/").content.decode()
    assert "Upload an outcome file" not in change
    assert client.get(_url(embargoed)).status_code == 404  # an embargoed release: not seen
    assert Client().get(_url(published)).status_code == 302  # to the sign-in
    change = admin_client.get(f"/admin/releases/release/{published.pk}/change/").content.decode()
    assert f'href="{_url(published)}"' in change


def test_the_french_form(published: Release, central: Client) -> None:
    central.cookies["django_language"] = "fr"  # (the admin is not under /fr/)
    html = central.get(_url(published)).content.decode()
    assert "Téléverser un fichier de résultats observés" in html
    assert "Remplacer tous les indicateurs de résultat" in html
