"""Schemathesis drives the JSON endpoints from the app's own OpenAPI description: none answers with a
server error, and every answer matches what the description promises (status codes, content types,
response schemas)."""

import schemathesis
from hypothesis import HealthCheck, given, settings

JSON_ENDPOINTS = r"^/(healthz|api/imports|attempts/\{attempt_id\}/clock|account/history\.json)$"


def test_json_endpoints_hold_to_their_description(app, client):
    whole = schemathesis.openapi.from_dict(app.state.whole_openapi())
    whole.app = app  # as from_asgi does: the whole description is served to administrators alone
    schema = whole.include(path_regex=JSON_ENDPOINTS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {
        "GET /healthz",
        "POST /api/imports",
        "GET /attempts/{attempt_id}/clock",
        "GET /account/history.json",
    }
    for operation in operations:

        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=[
                HealthCheck.function_scoped_fixture,
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
            ],
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(session=client)

        check()


def test_the_public_description_leaves_out_the_administrators_pages_and_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/healthz" in paths and "/attempts/{attempt_id}/clock" in paths
    assert not [path for path in paths if path.startswith(("/admin", "/api/"))]
    assert client.get("/admin/openapi.json").status_code == 404


def test_administrators_get_the_whole_description(admin_client):
    paths = admin_client.get("/admin/openapi.json").json()["paths"]
    assert "/api/imports" in paths and "/admin/import" in paths
