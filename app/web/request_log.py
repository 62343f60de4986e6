"""One JSON log line per request, tied to a request id that the response also carries."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import logging.config
import os
import re
import sys
import time
from datetime import UTC, datetime

logger = logging.getLogger("mockexam.request")
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# One encoder for every line: json.dumps with any non-default option builds a new encoder per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


_second_stamp = (0, "")


def _timestamp(now: float) -> str:
    """`now` as every JSON log line gives it (ISO 8601, UTC, milliseconds, as `datetime.isoformat` writes
    it); the date and time of day are formatted once per second."""
    global _second_stamp
    second = int(now)
    microseconds = round((now - second) * 1e6)  # rounded as datetime rounds, then cut to milliseconds
    if microseconds == 1_000_000:
        second, microseconds = second + 1, 0
    if _second_stamp[0] != second:
        _second_stamp = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return f"{_second_stamp[1]}.{microseconds // 1000:03d}+00:00"


def _entry(created: float, level: str, logger_name: str, message: str) -> dict:
    """The fields that open every JSON log line, the request log's and every other logger's."""
    return {"time": _timestamp(created), "level": level, "logger": logger_name, "message": message}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = _entry(record.created, record.levelname.lower(), record.name, record.getMessage())
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return _ENCODE(entry)


class RequestIds:
    """Request ids of 32 hex digits: a random half drawn once per worker, then a count. Unique across workers
    and restarts like a random UUID, without drawing 16 random bytes from the system for every request."""

    def __init__(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._count = itertools.count()

    def __call__(self) -> str:
        return f"{self._prefix}{next(self._count):016x}"


def log_request(scope, request_id: str, status: int, started: float) -> None:
    """Write the request's line to standard error, as `JsonFormatter` writes lines for the logger
    `mockexam.request`, whose level (LOG_LEVEL) still decides whether it is written.

    It runs for every request, so it skips `logging`: the record, the handler chain and the formatter took
    about a sixth of an answer save's CPU under load (docs/benchmarks.md). Python writes standard error
    through at once, so each line is one write, as before."""
    if not logger.isEnabledFor(logging.INFO):
        return
    client = scope.get("client")
    entry = _entry(time.time(), "info", logger.name, "request")
    entry.update(
        request_id=request_id,
        method=scope["method"],
        path=scope["path"],
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        client=client[0] if client else None,
        scheme=scope.get("scheme"),
    )
    with contextlib.suppress(OSError, ValueError):  # a closed or broken log stream: the request goes on
        sys.stderr.write(_ENCODE(entry) + "\n")


def logging_config(level: str = "info") -> dict:
    """JSON lines on stderr for every logger. Uvicorn applies this inside each worker process it spawns."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.web.request_log.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure(level: str = "info") -> None:
    logging.config.dictConfig(logging_config(level))
