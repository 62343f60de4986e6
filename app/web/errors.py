"""Domain and HTTP errors become pages, or messages in the alert region for htmx requests."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.domain.accounts import TooManyGuestAttempts
from app.domain.assembly import BankTooSmall
from app.domain.attempt import AttemptFinished, ExamError, InvalidSelection, NoSuchQuestion, TimeUp, UnfinishedExam
from app.web.deps import is_htmx, templates

_STATUS = {
    TimeUp: 409,
    AttemptFinished: 409,
    UnfinishedExam: 409,
    InvalidSelection: 422,
    NoSuchQuestion: 404,
    BankTooSmall: 409,
    TooManyGuestAttempts: 429,
}


def _wants_json(request: Request) -> bool:
    route = request.scope.get("route")
    if "json" in getattr(route, "tags", ()) or request.url.path.startswith("/api/"):
        return True
    return "application/json" in request.headers.get("accept", "") and not is_htmx(request)


def _respond(request: Request, status: int, title: str, message: str, **context) -> HTMLResponse | JSONResponse:
    if _wants_json(request):
        return JSONResponse(
            {"error": title, "detail": message},
            status_code=status,
            headers={"WWW-Authenticate": "Bearer"} if status == 401 else None,
        )
    if is_htmx(request):
        response = templates.TemplateResponse(
            request, "_message.html", {"message": message, **context}, status_code=status
        )
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "message": message, **context}, status_code=status
    )


def _route_without_trailing_slash(request: Request) -> str | None:
    """For a path that matches nothing only because of a trailing slash, the path without it (and the
    query), relative, so that no redirect ever names a host the request chose."""
    path = request.url.path
    if path == "/" or not path.endswith("/"):
        return None
    trimmed = path.rstrip("/") or "/"
    scope = {**request.scope, "path": trimmed}
    if not any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
        return None
    return trimmed + (f"?{request.url.query}" if request.url.query else "")


def register(app: FastAPI) -> None:
    @app.exception_handler(ExamError)
    async def exam_error(request: Request, error: ExamError):
        status = next((code for kind, code in _STATUS.items() if isinstance(error, kind)), 409)
        attempt_id = request.path_params.get("attempt_id")
        response = _respond(
            request,
            status,
            "That did not work",
            str(error),
            attempt_id=attempt_id,
            finished=isinstance(error, (TimeUp, AttemptFinished)),
        )
        if isinstance(error, TooManyGuestAttempts) and error.retry_after is not None:
            response.headers["Retry-After"] = str(int(error.retry_after.total_seconds()) + 1)
        return response

    @app.exception_handler(BankTooSmall)
    async def bank_too_small(request: Request, error: BankTooSmall):
        return _respond(request, 409, "This exam cannot start yet", str(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        if error.status_code == 404 and (without_slash := _route_without_trailing_slash(request)):
            return RedirectResponse(without_slash, status_code=308)
        titles = {404: "Not found", 405: "Method not allowed"}
        message = (
            error.detail
            if isinstance(error.detail, str) and error.status_code != 404
            else "There is nothing at this address, or it belongs to someone else."
        )
        return _respond(request, error.status_code, titles.get(error.status_code, "Error"), message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError):
        parts = []
        for detail in error.errors():
            where = ".".join(str(p) for p in detail["loc"][1:]) or str(detail["loc"][0])
            parts.append(f"{where}: {detail['msg']}")
        return _respond(request, 422, "The request was not understood", "; ".join(parts))
