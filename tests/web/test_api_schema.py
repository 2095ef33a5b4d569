"""The API against its own OpenAPI document: schemathesis sends generated and hostile requests.

Every operation of `/api/openapi.json` is exercised with a planner's bearer
token on both backends: no answer may be a server error, and every answer must
match the document (status codes, content types, the response schemas), and
requests that break the schema must be refused.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as sc

from planner.registry.accounts import issue_token
from planner.web.openapi import openapi_document

# The document is a pure function of the code, so the schema is read once; each case is then sent
# in-process to the app of its backend (schemathesis' pytest fixture loader does not run on pytest 9).
schema = schemathesis.openapi.from_dict(openapi_document())

_CHECKS = [sc.not_a_server_error, sc.status_code_conformance, sc.content_type_conformance,
           sc.response_schema_conformance, sc.negative_data_rejection]


@pytest.fixture
def bearer(loaded):
    return {"Authorization": f"Bearer {issue_token(loaded, 'paula')}"}


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_answers_match_the_document(case, app, bearer):
    case.call_and_validate(app=app, headers=bearer, checks=_CHECKS)


def test_the_served_document_is_the_one_tested(anonymous):
    assert anonymous.get("/api/openapi.json").get_json() == openapi_document()
