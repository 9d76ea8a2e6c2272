"""A bounded Schemathesis run against the OpenAPI schema, signed in as an admin: no 5xx anywhere."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from starlette.testclient import TestClient

from guozi.web.security import SESSION_COOKIE
from tests.web.conftest import sign_in

MAX_EXAMPLES = 12  # per operation: about a minute for the whole schema


@pytest.fixture(scope="module")
def admin_headers(app: FastAPI) -> dict[str, str]:
    """The cookie and CSRF header of an admin's session (the session lives in the signed cookie)."""
    c = TestClient(app)
    token = sign_in(c, "admin").json()["csrf_token"]
    return {"Cookie": f"{SESSION_COOKIE}={c.cookies[SESSION_COOKIE]}", "X-CSRF-Token": token}


def test_no_server_error(app: FastAPI, admin_headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    results = list(schema.get_all_operations())
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == len(results)  # the schema is valid everywhere
    assert len(operations) >= 18  # every operation of the schema is exercised below
    statuses: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case[Any]) -> None:
            response = case.call(headers=admin_headers, timeout=300)  # a first computation may be slow; no 5xx
            case.validate_response(response, checks=[not_a_server_error])
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        run()
    assert set(statuses) == {op.label for op in operations}
    assert all(code < 500 for codes in statuses.values() for code in codes), statuses
