"""One JSON log line per request, tied to a request id that the response also carries."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import re
import sys
import time

from app.logs import encode, entry

logger = logging.getLogger("mockexam.request")
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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
    line = entry(time.time(), "info", logger.name, "request")
    line.update(
        request_id=request_id,
        method=scope["method"],
        path=scope["path"],
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        client=client[0] if client else None,
        scheme=scope.get("scheme"),
    )
    with contextlib.suppress(OSError, ValueError):  # a closed or broken log stream: the request goes on
        sys.stderr.write(encode(line) + "\n")
