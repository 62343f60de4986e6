"""Each request is logged once as JSON with an id that the response carries too."""

import json
import logging
import re
import time
from datetime import UTC, datetime

import pytest

from app.logs import JsonFormatter
from app.logs import timestamp as _timestamp
from app.web.request_log import RequestIds, log_request


def request_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.split("\n") if '"logger": "mockexam.request"' in line]


@pytest.fixture
def request_logging(caplog):
    with caplog.at_level(logging.INFO, logger="mockexam.request"):
        yield


def test_a_request_gets_an_id_in_its_response_and_its_log_line(client, request_logging, capsys):
    response = client.get("/healthz")
    request_id = response.headers["x-request-id"]
    [line] = request_lines(capsys.readouterr().err)
    assert line["request_id"] == request_id and re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert (line["level"], line["message"]) == ("info", "request")
    assert (line["method"], line["path"], line["status"], line["scheme"]) == ("GET", "/healthz", 200, "http")
    assert line["duration_ms"] >= 0


def test_each_request_gets_a_different_id(client):
    ids = {client.get("/healthz").headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


def test_two_workers_draw_different_ids():
    first, second = RequestIds(), RequestIds()
    assert first() != second() and first() != first()


def test_a_proxys_well_formed_request_id_is_kept_and_a_malformed_one_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "edge-1234abcd"}).headers["x-request-id"] == "edge-1234abcd"
    replaced = client.get("/healthz", headers={"X-Request-ID": 'bad id"<script>'}).headers["x-request-id"]
    assert replaced != 'bad id"<script>' and len(replaced) == 32


def test_a_path_with_quotes_newlines_and_accents_is_still_one_line_of_json(request_logging, capsys):
    path = '/exams/"x"\n\\y/é\u2028'
    log_request(
        {"method": "GET", "path": path, "client": None, "scheme": "https"}, "abcd1234", 404, time.perf_counter()
    )
    text = capsys.readouterr().err
    assert text.count("\n") == 1
    [line] = request_lines(text)
    assert (line["path"], line["client"], line["scheme"], line["status"]) == (path, None, "https", 404)


def test_no_line_is_written_when_the_level_is_above_info(client, caplog, capsys):
    with caplog.at_level(logging.WARNING, logger="mockexam.request"):
        client.get("/healthz")
    assert request_lines(capsys.readouterr().err) == []


@pytest.mark.parametrize("now", [0.0, 1_700_000_000.0, 1_700_000_000.9999, 1_795_000_123.456, 1_795_000_124.001])
def test_the_time_is_written_as_the_json_formatter_writes_it(now):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.created = now
    assert _timestamp(now) == json.loads(JsonFormatter().format(record))["time"]
    assert _timestamp(now) == datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds")


class BrokenStream:
    def write(self, text):
        raise BrokenPipeError("the log's reader is gone")


def test_a_broken_log_stream_does_not_fail_the_request(client, request_logging, monkeypatch):
    monkeypatch.setattr("sys.stderr", BrokenStream())
    assert client.get("/healthz").status_code == 200
