"""Property-based run against our own OpenAPI schema: no 5xx, no answer outside the schema.

In-process through the ASGI app (no network), on a migrated SQLite database, with the right
token per endpoint so the generated data reaches the validation and the database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.service.api.main import create_app
from tests.service.conftest import SERVICE, STAFF, close_and_empty, make_settings

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]


# The schema is read once at collection (pure Python, no database); the requests go to a
# fresh app on a migrated database. (schemathesis' lazy `from_fixture` fails on pytest 9.)
schema = schemathesis.openapi.from_dict(create_app(make_settings("sqlite://")).openapi())


@pytest.fixture
def fuzzed_app(database_url: str) -> Iterator[FastAPI]:
    app = create_app(make_settings(database_url))
    yield app
    close_and_empty(app)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_within_its_schema(case, fuzzed_app: FastAPI) -> None:
    headers = STAFF if case.path.startswith(("/api/staff", "/api/auth")) else SERVICE
    case.call_and_validate(headers=headers, checks=CHECKS, app=fuzzed_app)
