"""The application factory: settings in, a wired FastAPI app out. Nothing is built at import time."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app.config import ROOT, Settings
from app.db.engine import make_engine, make_hot_path
from app.db.memory import Memory
from app.web import accounts, admin, dashboard, errors, exam, pages, practice, study
from app.web.csrf import verify_csrf
from app.web.deps import Paths
from app.web.edge import Edge
from app.web.sessions import SessionCookieMiddleware


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    url, pool_size = settings.resolved_database_url(), settings.database_pool_size

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # What exists at start-up (modules, routes, templates, the ORM's mappers) lives as long as the
        # worker; frozen, the collector stops walking it on every full collection.
        gc.collect()
        gc.freeze()
        await app.state.hot_path.open()
        yield
        await app.state.hot_path.dispose()
        app.state.engine.dispose()

    # FastAPI's own OpenTelemetry bridge is off: the app sets up no provider, and asking on every request
    # whether one had been set up cost about 3 µs of each request's CPU. Requests are logged by the Edge.
    # No automatic trailing-slash redirects: Starlette builds them as absolute URLs from the Host header.
    # errors.register answers them with a relative redirect instead.
    app = FastAPI(
        title="mockexam",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(verify_csrf)],
        routes=exam.SITTING_ROUTES,
        redirect_slashes=False,
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.clock = lambda: datetime.now(UTC)
    app.state.paths = Paths(app)
    app.state.engine = make_engine(url, pool_size)
    app.state.hot_path = make_hot_path(url, pool_size)
    app.state.memory = Memory()
    app.add_middleware(
        SessionCookieMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="mockexam",
        max_age=60 * 60 * 24 * 365,
        same_site="lax",
        https_only=settings.https_only,
    )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_host_names(), www_redirect=False)
    # As many requests inside as a pool keeps connections open. Admitting as many again, up to the pool's
    # overflow, made PostgreSQL open and close a connection (a process fork) for every request above the
    # pool size; the overflow is only the spare for a request that needs a second connection.
    app.add_middleware(Edge, max_in_flight=pool_size, body_seconds=settings.body_seconds)
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(exam.router)
    app.include_router(accounts.router)
    app.include_router(practice.router)
    app.include_router(study.router)
    app.include_router(dashboard.router)
    app.include_router(admin.router)
    errors.register(app)
    _split_the_schema(app)
    return app


def _split_the_schema(app: FastAPI) -> None:
    """/openapi.json describes what anyone may call; the administrators' pages and API are described only
    to administrators, at /admin/openapi.json (docs/api.md)."""
    whole = app.openapi  # FastAPI's generator, which caches the schema on the app

    def public() -> dict:
        schema = whole()
        return {
            **schema,
            "paths": {path: item for path, item in schema["paths"].items() if not path.startswith(("/admin", "/api/"))},
        }

    app.state.whole_openapi = whole
    app.openapi = public  # type: ignore[method-assign]
