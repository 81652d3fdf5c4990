"""No input makes the API fail: schemathesis generates requests from the OpenAPI schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def with_release(published: object) -> object:
    return published


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
