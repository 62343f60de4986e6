"""Logging as JSON lines on standard error, one format for the web app's request log and every other logger
(the command line's included)."""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime

# One encoder for every line: json.dumps with any non-default option builds a new encoder per call.
encode = json.JSONEncoder(ensure_ascii=False).encode


_second_stamp = (0, "")


def timestamp(now: float) -> str:
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


def entry(created: float, level: str, logger_name: str, message: str) -> dict:
    """The fields that open every JSON log line, the request log's and every other logger's."""
    return {"time": timestamp(created), "level": level, "logger": logger_name, "message": message}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = entry(record.created, record.levelname.lower(), record.name, record.getMessage())
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return encode(line)


def logging_config(level: str = "info") -> dict:
    """JSON lines on stderr for every logger. Uvicorn applies this inside each worker process it spawns."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure(level: str = "info") -> None:
    logging.config.dictConfig(logging_config(level))
