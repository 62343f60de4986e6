"""One JSON log line per request, tied to a request id that the response also carries."""

from __future__ import annotations

import json
import logging
import logging.config
import re
import time
from datetime import UTC, datetime

logger = logging.getLogger("mockexam.request")
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# One encoder for every line: json.dumps with any non-default option builds a new encoder per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return _ENCODE(entry)


def log_request(scope, request_id: str, status: int, started: float) -> None:
    client = scope.get("client")
    logger.info("request", extra={"fields": {
        "request_id": request_id, "method": scope["method"], "path": scope["path"], "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        "client": client[0] if client else None, "scheme": scope.get("scheme"),
    }})


def logging_config(level: str = "info") -> dict:
    """JSON lines on stderr for every logger. Uvicorn applies this inside each worker process it spawns."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.web.request_log.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


def configure(level: str = "info") -> None:
    logging.config.dictConfig(logging_config(level))
