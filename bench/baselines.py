"""The floor for an answer save, served exactly as the app is (uvicorn, same workers): a bare Starlette
endpoint that does nothing, and a minimal async endpoint doing the same single-row upsert with raw psycopg.

    python -m bench.answer_save          (serves these beside mockexam and measures all in one run)

`bench.answer_save` sends them the very requests it sends mockexam (the same wrk script: session cookie, CSRF
header, htmx header, a changing answer and the one it replaces), at `/noop/attempts/…/answer` and
`/upsert/attempts/…/answer`. By hand, with a fixed request:

    DATABASE_URL=postgresql://… uvicorn bench.baselines:app --workers 2 --port 8900
    wrk -c 50 -d 15s -s bench/baselines.lua http://127.0.0.1:8900/noop      (or /upsert)

Needs the `bench` extra (psycopg-pool).
"""

from __future__ import annotations

import os
import random
from contextlib import asynccontextmanager

from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

DSN = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test").replace("+psycopg", "")
pool = AsyncConnectionPool(DSN, min_size=4, max_size=20, open=False)


@asynccontextmanager
async def lifespan(_app):
    await pool.open()
    async with pool.connection() as connection:
        # Every worker runs this at once; without the lock two of them could both find no table and one
        # would fail to start on the catalog's unique index.
        await connection.execute("SELECT pg_advisory_xact_lock(8810)")
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_answer (attempt text, position int, "
            "selection text, saved_at timestamptz, PRIMARY KEY (attempt, position))"
        )
    yield
    await pool.close()


async def noop(request: Request) -> PlainTextResponse:
    await request.body()
    return PlainTextResponse("ok")


UPSERT = (
    "INSERT INTO bench_answer (attempt, position, selection, saved_at) VALUES (%s, %s, %s, now()) "
    "ON CONFLICT (attempt, position) DO UPDATE SET selection = excluded.selection, saved_at = now()"
)


async def upsert_answer(request: Request) -> PlainTextResponse:
    """The upsert at an answer save's address: the attempt and question from the path, as mockexam's save
    takes them, for the very requests mockexam receives (their cookie and CSRF header unread)."""
    form = await request.form()
    async with pool.connection() as connection:
        await connection.execute(
            UPSERT, (request.path_params["attempt"], request.path_params["position"], str(form.get("choice", "")))
        )
    return PlainTextResponse("Saved")


async def upsert(request: Request) -> PlainTextResponse:
    form = await request.form()
    async with pool.connection() as connection:
        await connection.execute(
            UPSERT, (f"a{random.randrange(50)}", random.randrange(1, 66), str(form.get("choice", "")))
        )
    return PlainTextResponse("Saved")


ANSWER = "/attempts/{attempt}/questions/{position:int}/answer"
app = Starlette(
    routes=[
        Route("/noop", noop, methods=["POST"]),
        Route("/upsert", upsert, methods=["POST"]),
        Route("/noop" + ANSWER, noop, methods=["POST"]),
        Route("/upsert" + ANSWER, upsert_answer, methods=["POST"]),
    ],
    lifespan=lifespan,
)
