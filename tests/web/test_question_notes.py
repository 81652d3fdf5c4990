"""A question's guidance notes in the workspace: beside the question on its page (folded, in
the page's language), on the questionnaire workbook's Guidance sheet; and the small fixes that
name things: options beside their codes on the country page, countries by name in e-mails in
the recipient's language."""

from __future__ import annotations

import io
import re
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from polindex.web.collection.models import Answer, Assignment

from .conftest import client_for, complete

URL = "/work/demo-2025/AT/"


def french(client: Client) -> Client:
    client.cookies["django_language"] = "fr"
    return client


def guidance_of(page: str) -> str:
    found = re.search(r'<details class="guidance" id="guidance">(.*?)</details>', page, re.S)
    assert found, "no guidance on the page"
    return found.group(1)


def test_the_answer_page_shows_the_guidance_folded_in_english(people: dict[str, Any]) -> None:
    page = client_for(people["expert_at"]).get(URL + "LMM1/").content.decode()
    notes = guidance_of(page)
    assert "<summary>Guidance for this question" in notes
    assert "(how to answer, examples, definitions)" in notes
    # two paragraphs of how to answer, from the text's blank line
    assert "<p>Answer for the law in force on the edition’s reference date" in notes
    assert "<p>Choose b when a labour-market test" in notes
    assert "<dt>Labour-market test</dt><dd>A check that no national or EU worker" in notes
    # folded under the question, before the form: after the question, before the answer
    assert page.index('class="question"') < page.index("<details") < page.index("answer-form")
    assert "<details open" not in page


def test_the_answer_page_shows_the_guidance_in_french(people: dict[str, Any]) -> None:
    page = french(client_for(people["expert_at"])).get(URL + "PR1/").content.decode()
    notes = guidance_of(page)
    assert "<summary>Conseils pour cette question" in notes
    assert "(comment répondre, définitions)" in notes  # PR1 gives no examples
    assert "Comptez les années de séjour légal" in notes
    assert "<dt>Résidence permanente</dt>" in notes
    assert "(Directive 2003/109/EC, Art. 4 and 9)" in notes
    assert "Exemples" not in notes


def test_a_question_without_guidance_shows_none(people: dict[str, Any]) -> None:
    page = client_for(people["expert_at"]).get(URL + "LMM2/").content.decode()
    assert "<details" not in page


def test_reviewers_and_government_contacts_see_it_too(people: dict[str, Any]) -> None:
    expert = client_for(people["expert_at"])
    expert.post(URL + "LMM1/", {"action": "submit", "version": 1, **complete()})
    for name in ("reviewer_at", "central"):
        page = client_for(people[name]).get(URL + "LMM1/").content.decode()
        assert "Guidance for this question" in page, name


def test_the_workbook_has_a_guidance_sheet_in_the_download_language(
    people: dict[str, Any],
) -> None:
    for client, question, how, rest in (
        (client_for(people["expert_at"]), "Can foreign residents with a temporary permit",
         "Answer for the law", "Examples\nA permit that"),
        (french(client_for(people["expert_at"])), "Les résidents étrangers titulaires d’un titre",
         "Répondez pour le droit", "Exemples\nUn titre"),
    ):  # fmt: skip
        response = client.get(URL + "questionnaire.xlsx")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["Questionnaire", "Options", "Guidance"]
        rows = list(book["Guidance"].iter_rows(values_only=True))
        assert rows[0] == ("indicator", "question", "how to answer", "examples and definitions")
        assert [r[0] for r in rows[1:]] == ["LMM1", "EDU1", "PR1", "PR2", "AN1", "AD1"]
        lmm1 = rows[1]
        assert lmm1[1].startswith(question)
        assert lmm1[2].startswith(how)
        assert lmm1[3].startswith(rest)
        # the questionnaire's columns are as they were: an upload reads the same header
        assert book["Questionnaire"]["A1"].value == "indicator"


def test_the_country_page_names_each_option_beside_its_code(people: dict[str, Any]) -> None:
    expert = client_for(people["expert_at"])
    expert.post(URL + "LMM1/", {"action": "save", "version": 1, **complete(option="b")})
    page = expert.get(URL).content.decode()
    assert "b — Yes, but some sectors or a labour-market test apply" in page


def test_e_mails_name_the_country_in_the_recipients_language(
    people: dict[str, Any], mailoutbox: list[Any]
) -> None:
    for name in ("expert_at", "reviewer_at"):
        people[name].email = f"{name}@example.org"
        people[name].save()
    # the reviewer accepted the invitation in French, the expert in English (the default)
    Assignment.objects.filter(user=people["reviewer_at"]).update(language="fr")
    expert, reviewer = client_for(people["expert_at"]), client_for(people["reviewer_at"])
    expert.post(URL + "LMM1/", {"action": "submit", "version": 1, **complete()})
    assert mailoutbox[0].subject == (
        "[Polindex] Prêt pour la relecture\u00a0: 1 réponse pour Autriche (Demo 2025)"
    )
    assert mailoutbox[0].body.startswith(
        "1 réponse pour Autriche (Demo 2025) attend votre relecture."
    )
    a = Answer.objects.get(unit="AT", indicator="LMM1")
    reviewer.post(URL + "LMM1/", {"action": "query", "version": a.version, "comment": "Source?"})
    assert mailoutbox[1].to == ["expert_at@example.org"]
    assert mailoutbox[1].subject == "[Polindex] LMM1 (Austria, Demo 2025) has a query"
    expert.post(
        URL + "LMM1/", {"action": "comment", "comment": "Art. 5.", "version": a.version + 1}
    )
    assert mailoutbox[-1].subject == "[Polindex] Réponse sur LMM1 (Autriche, Demo 2025)"
    assert mailoutbox[-1].body.startswith("L'expert·e a répondu.")


def test_accepting_an_invitation_in_french_keeps_french_for_e_mails(
    edition: Any,
    django_user_model: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = django_user_model.objects.create_user("zoe", "zoe@example.org", "pw-zoe-long-1")
    with django_capture_on_commit_callbacks(execute=True):
        a = Assignment.objects.create(edition=edition, user=user, role="reviewer", unit="BE")
    assert mailoutbox[0].subject == "[Polindex] Invitation: Demo 2025"
    assert "- Peer reviewer, Belgium:\n" in mailoutbox[0].body
    zoe = french(client_for(user))
    done = zoe.post(f"/work/invitation/{a.token}/", {"no_conflict": "on"})
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.language == "fr"
    from polindex.web.collection.notify import invitation

    invitation(a)
    assert mailoutbox[-1].subject == "[Polindex] Invitation\u00a0: Demo 2025"
    assert "- Relecteur, Belgique:\n" in mailoutbox[-1].body
