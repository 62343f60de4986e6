"""Schemathesis drives the JSON endpoints from the app's own OpenAPI description: none answers with a
server error, and every answer matches what the description promises (status codes, content types,
response schemas)."""

import schemathesis
from hypothesis import HealthCheck, given, settings

JSON_ENDPOINTS = r"^/(healthz|api/imports|attempts/\{attempt_id\}/clock|account/history\.json)$"


def test_json_endpoints_hold_to_their_description(app, client):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex=JSON_ENDPOINTS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {
        "GET /healthz", "POST /api/imports", "GET /attempts/{attempt_id}/clock", "GET /account/history.json"}
    for operation in operations:
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.filter_too_much])
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(session=client)

        check()
