"""Each request is logged once as JSON with an id that the response carries too."""

import json
import logging

from app.web.request_log import JsonFormatter


def test_a_request_gets_an_id_in_its_response_and_its_log_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="mockexam.request"):
        response = client.get("/healthz")
    request_id = response.headers["x-request-id"]
    [record] = [r for r in caplog.records if r.name == "mockexam.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == request_id and len(request_id) == 32
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["duration_ms"] >= 0


def test_a_proxys_well_formed_request_id_is_kept_and_a_malformed_one_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "edge-1234abcd"}).headers["x-request-id"] == "edge-1234abcd"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\"<script>"}).headers["x-request-id"]
    assert replaced != "bad id\"<script>" and len(replaced) == 32
