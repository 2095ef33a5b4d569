"""/ogc/ against its own OpenAPI document (the oas30 conformance class): schemathesis sends generated requests
to every operation with a bearer token; no answer may be a server error or a status the document does not name."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks as sc

from planner.web.ogc.features import COLLECTIONS
from tests.web.conftest import app_over
from tests.web.ogc_support import load_ogc_registry

_CHECKS = [sc.not_a_server_error, sc.status_code_conformance, sc.content_type_conformance]


@pytest.fixture
def served(engine, tmp_path):
    token = load_ogc_registry(engine, tmp_path)
    app = app_over(engine, tmp_path)
    document = app.test_client().get("/ogc/openapi.json", headers={"Authorization": f"Bearer {token}"}).get_json()
    return app, token, document


def test_ogc_answers_match_its_document(served):
    app, token, document = served
    assert document["openapi"] == "3.0.3"
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(document["paths"]) == 3 + 4 * len(COLLECTIONS)

    @given(data=st.data())
    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def exercise(data):
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"}, checks=_CHECKS)

    exercise()
