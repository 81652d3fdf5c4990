"""The REST API: endpoints, filters, layouts, headers and errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from polindex.web.addresses import NO_CONTROL
from polindex.web.releases.models import Release


def test_release_detail_framework_and_units(client: Client, published: Release) -> None:
    detail = client.get("/api/v1/releases/TOY/2024.1").json()
    assert detail["version"] == "2024.1"
    assert detail["checksum"] == published.checksum
    assert detail["corrected_by"] == []
    framework = client.get("/api/v1/releases/TOY/2024.1/framework").json()
    assert [c["code"] for c in framework["root"]["children"]] == ["q1", "q2"]
    units = client.get("/api/v1/releases/TOY/2024.1/units").json()
    plain = {"iso": None, "groups": [], "kind": "other"}
    assert units == [
        {"unit": "<b>CC", "periods": ["2024"], "name": "<b>CC", **plain,
         "names": {"en": "<b>CC", "fr": "<b>CC"}},
        {"unit": "AA", "periods": ["2024"], "name": "AA", **plain,
         "names": {"en": "AA", "fr": "AA"}},
        # BB is an ISO 3166 code: Barbados, named from the ISO list in every site language
        {"unit": "BB", "periods": ["2024"], "name": "Barbados", "kind": "country",
         "names": {"en": "Barbados", "fr": "Barbade"}, "groups": [],
         "iso": {"alpha_2": "BB", "alpha_3": "BRB", "numeric": "052"}},
    ]  # fmt: skip
    french = client.get("/api/v1/releases/TOY/2024.1/units", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french[2]["name"] == "Barbade"


def test_scores_long_with_filters_and_wide(client: Client, published: Release) -> None:
    rows = client.get("/api/v1/releases/TOY/2024.1/scores?unit=BB").json()["items"]
    assert {(r["node"], r["score"]) for r in rows} == {("q1", 100.0), ("q2", 0.0), ("TOY", 50.0)}
    level = client.get("/api/v1/releases/TOY/2024.1/scores?level=indicator").json()
    assert level["count"] == 6
    wide = client.get("/api/v1/releases/TOY/2024.1/wide?unit=AA").json()["items"]
    assert wide == [
        {"unit": "AA", "period": "2024", "scores": {"q1": 100.0, "q2": 100.0, "TOY": 100.0}}
    ]


def test_public_responses_are_cacheable_with_etag_and_cors(
    client: Client, published: Release
) -> None:
    first = client.get("/api/v1/releases/TOY/2024.1/scores?node=TOY")
    assert first["Cache-Control"] == "public, max-age=300"
    assert first["Access-Control-Allow-Origin"] == "*"
    etag = first["ETag"]
    again = client.get("/api/v1/releases/TOY/2024.1/scores?node=TOY", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_what_only_the_role_sees_is_never_publicly_cacheable(
    client: Client, embargoed: Release, insider: Any
) -> None:
    client.force_login(insider)
    response = client.get("/api/v1/releases/TOY/2025.1/scores")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_errors_are_json(client: Client, published: Release) -> None:
    missing = client.get("/api/v1/releases/TOY/9999/scores")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}
    bad = client.get("/api/v1/releases/TOY/2024.1/scores?limit=abc")
    assert bad.status_code == 422
    assert "detail" in bad.json()


def test_openapi_documents_the_errors_it_answers(client: Client, db: None) -> None:
    # regression: 404 and 422 answers were undocumented (found by schemathesis); any operation
    # answers 422 to a query parameter with a control character (polindex.web.addresses)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    errors = {
        path: sorted(code for code in op["get"]["responses"] if code != "200")
        for path, op in paths.items()
    }
    assert errors.pop("/api/v1/releases") == ["422"]
    for tool in ("what-if", "goal"):  # a change or goal that cannot be read, too long (034)
        route = f"/api/v1/releases/{{index}}/{{version}}/{tool}/{{unit}}"
        assert errors.pop(route) == ["400", "404", "414", "422"]
    assert set(map(tuple, errors.values())) == {("404", "422")}
    problem = paths["/api/v1/scores"]["get"]["responses"]["404"]["content"]["application/json"]
    assert problem["schema"] == {"$ref": "#/components/schemas/ProblemOut"}
    unit = next(p for p in paths["/api/v1/scores"]["get"]["parameters"] if p["name"] == "unit")
    assert unit["schema"]["anyOf"][0] == {"type": "string", "pattern": NO_CONTROL}
    assert re.fullmatch(NO_CONTROL, "Côte d'Ivoire\t")
    assert not re.fullmatch(NO_CONTROL, "A\x00")


def test_openapi_and_docs_page_without_cdn(client: Client, db: None) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/releases/{index}/{version}/scores" in schema["paths"]
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page
    assert "unpkg" not in page


def test_compare_page_marks_the_best_and_the_spread(client: Client, published: Release) -> None:
    body = client.get("/TOY/2024.1/compare/?units=AA,BB&period=2024").content.decode()
    assert 'class="num"><a href="/TOY/2024.1/AA/">AA</a></th><th scope="col" class="num"><a' in body
    # TOY: AA 100, BB 50 → AA in bold (and said to be the best), spread 50
    assert (
        'Toy index</a></th><td class="num"><strong>100.0</strong><span class="sr"> (best)' in body
    )
    assert '<td class="num">50.0</td><td class="num">50.0</td></tr>' in body
    no_js = client.get("/TOY/2024.1/compare/?u=AA&u=BB&period=2024").content.decode()
    assert no_js.count("<strong>") == body.count("<strong>")
    one = client.get("/TOY/2024.1/compare/?units=AA").content.decode()
    assert "Choose at least two countries." in one


def test_period_choices_are_listed_once(client: Client, published: Release) -> None:
    body = client.get("/TOY/2024.1/").content.decode()
    assert body.count('<option value="2024"') == 1


def test_unknown_api_paths_and_methods_answer_json(client: Client, db: None) -> None:
    missing = client.get("/api/v1/nothing-here/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}
    post = client.post("/api/v1/releases")
    assert post.status_code == 405
    assert post.json() == {"detail": "Method Not Allowed"}
    assert post["Allow"] == "GET"


def test_answers_with_option_texts(client: Client, db: None) -> None:
    import datetime as dt

    import polindex
    from polindex.web.releases.publish import publish_release

    fw = polindex.load_framework(
        {
            "code": "OPT",
            "name": "Options",
            "indicators": [
                {
                    "code": "q1",
                    "type": "categorical",
                    "options": [
                        {"code": "a", "score": 100, "label": {"en": "Full access"}},
                        {"code": "b", "score": 0, "label": {"en": "No access"}},
                    ],
                }
            ],
        }
    )
    results = polindex.score(fw, [("XX", 2024, "q1", "a"), ("YY", 2024, "q1", "b")])
    publish_release(results, version="1", publish_at=dt.datetime.now(dt.UTC))
    rows = client.get("/api/v1/releases/OPT/1/answers?unit=YY").json()["items"]
    assert rows == [
        {
            "unit": "YY", "period": "2024", "indicator": "q1", "value": "b",
            "answer": "No access", "justification": "", "sources": [],
        }
    ]  # fmt: skip
    profile = client.get("/OPT/1/XX/").content.decode()
    assert "<td>Full access</td></tr>" in profile


def test_scores_across_releases(client: Client, published: Release, embargoed: Release) -> None:
    latest = client.get("/api/v1/scores?node=TOY").json()
    assert latest["count"] == 3  # the latest *visible* release: the embargoed one is not
    assert {(r["index"], r["version"]) for r in latest["items"]} == {("TOY", "2024.1")}
    one = client.get("/api/v1/scores?release=TOY/2024.1&unit=AA&node=TOY").json()
    assert [(r["unit"], r["score"], r["rank"]) for r in one["items"]] == [("AA", 100.0, 1)]
    by_index = client.get("/api/v1/scores?index=TOY&unit=BB&node=TOY").json()
    assert [r["score"] for r in by_index["items"]] == [50.0]
    for bad in ("release=TOY/2025.1", "release=TOY", "release=NOPE/1", "index=NOPE"):
        response = client.get(f"/api/v1/scores?{bad}")
        assert response.status_code == 404, bad
        assert "detail" in response.json()


@pytest.mark.parametrize(
    "query", ["limit=1&offset=9223372036854775808", "limit=100000000", "offset=-1", "limit=0"]
)
def test_page_bounds_are_client_errors(client: Client, published: Release, query: str) -> None:
    for path in ("/api/v1/scores", "/api/v1/releases/TOY/2024.1/scores"):
        response = client.get(f"{path}?{query}")
        assert 400 <= response.status_code < 500, (path, query, response.status_code)
        assert "detail" in response.json()


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_schema_and_docs_only_read(client: Client, db: None, path: str, method: str) -> None:
    # regression: django-ninja answered POST, PUT and DELETE on the schema as a GET
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert response["Allow"] == "GET, HEAD, OPTIONS"
