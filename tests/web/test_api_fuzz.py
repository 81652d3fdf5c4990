"""No input makes the API fail (issue 13): schemathesis generates requests for every operation
of the OpenAPI schema and checks every response against it (status codes, content types, JSON
schema), for an anonymous caller and for one who may see embargoed releases. Each request is
sent as generated, then again for a release that exists, so that the generated filters and
pages reach real rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
PLAIN = {"Accept-Encoding": "identity"}  # the WSGI transport does not decompress
PUBLISHED, EMBARGOED = ("TOY", "2024.1"), ("TOY", "2025.1")
WITHOUT_ON_TOY = ("/robustness", "/typology", "/peers/{unit}", "/recommendations/{unit}")


@pytest.fixture(params=["anonymous", "insider"])
def cookies(request: Any, published: Any, embargoed: Any) -> Iterator[dict[str, str]]:
    """No cookie, or the session of one who may see embargoed releases."""
    jar: dict[str, str] = {}
    if request.param == "insider":
        client = Client()
        client.force_login(request.getfixturevalue("insider"))
        jar[django_settings.SESSION_COOKIE_NAME] = client.session.session_key or ""
    # Requests go straight to the WSGI application, not through Django's test client, so the
    # connection-closing signals must be held off as the test client does (else PostgreSQL's
    # test transaction is closed under the test).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield jar
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_response_matches_the_schema(
    case: schemathesis.Case, cookies: dict[str, str]
) -> None:
    if not cookies:
        releases = [PUBLISHED]
        case.call_and_validate(headers=PLAIN)  # as generated: mostly no such release
    else:  # the generated requests again, for both releases, by one who sees the embargoed
        releases = [PUBLISHED, EMBARGOED]
        if not case.path_parameters:
            case.call_and_validate(headers=PLAIN, cookies=cookies)
    if {"index", "version"} <= set(case.path_parameters or {}):
        for index, version in releases:
            case.path_parameters = {**case.path_parameters, "index": index, "version": version}
            # what a dialogue tool is asked (its weights, the other release) is valid or not by
            # the release's own nodes and versions, which no schema can list: a 404 or 422 for
            # a schema-valid request is right there
            judged = any(
                k in case.path
                for k in ("/weights", "/compare-with/", "/compare-agg", "/what-if/", "/goal/")
            )
            skip = [positive_data_acceptance] if judged else None
            response = case.call_and_validate(headers=PLAIN, cookies=cookies, excluded_checks=skip)
            # TOY has no robustness results, nor areas to group or compare countries on: those
            # routes say 404 (test_robustness_channels, test_dialogue_typology)
            found = (404, 422) if case.path.endswith(WITHOUT_ON_TOY) else (200, 422)
            if "{other}" in case.path or "{method}" in case.path:  # most often none such
                found = (200, 404, 422)
            elif "/what-if/" in case.path or "/goal/" in case.path:  # a made-up unit, change, goal
                found = (200, 400, 404, 414, 422)
            if case.method == "GET":  # (the coverage phase also sends other methods: 405)
                assert response.status_code in found, (index, version)  # the release
