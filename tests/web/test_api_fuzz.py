"""No input makes the API fail: schemathesis generates requests from the OpenAPI schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def with_release(published: object) -> Iterator[object]:
    # Requests go straight to the WSGI application, not through Django's test client, so the
    # connection-closing signals must be held off as the test client does (else PostgreSQL's
    # test transaction is closed under the test).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield published
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_on_any_input(case: schemathesis.Case, with_release: object) -> None:
    response = case.call()
    assert response.status_code < 500, (case.path, case.query, response.text[:200])
    if response.status_code >= 400:
        headers = {k.lower(): v for k, v in response.headers.items()}
        content_type = headers.get("content-type", [""])
        first = content_type[0] if isinstance(content_type, list) else content_type
        assert first.startswith("application/json"), (response.status_code, case.path, first)
