"""Every response carries the security headers; the policy allows no inline script."""

import httpx
import pytest

from tests.conftest import TEST_BANK


@pytest.mark.parametrize("path", ["/", "/healthz", "/static/app.css", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_pages_carry_no_inline_script(client):
    page = client.get("/").text
    assert "<script>" not in page and " onclick=" not in page
    assert page.count("<script ") == 2 and page.count(' src="/static/') == 2


def test_the_served_app_does_not_name_its_server_software(server_factory, tmp_path):
    server = server_factory(mockexam_bank_dir=TEST_BANK, database_url=f"sqlite:///{tmp_path / 'live.db'}")
    headers = httpx.get(server.url + "/healthz", timeout=30).headers
    assert "server" not in headers
    assert "date" in headers and headers["x-content-type-options"] == "nosniff"


def test_a_server_error_carries_the_security_headers_and_a_request_id(client, app, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = client.get("/boom", headers={"X-Request-ID": "trace-me-42"})
    assert response.status_code == 500
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "request id trace-me-42" in response.json()["error"] and "a bug" not in response.text
    [record] = [r for r in caplog.records if r.name == "mockexam.error"]
    assert "GET /boom" in record.getMessage() and record.exc_info[0] is RuntimeError
