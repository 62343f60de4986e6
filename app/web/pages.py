"""The home page and the health check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.db import attempts, bank, engine
from app.domain.attempt import is_result
from app.web.deps import MaybeUser, Now, SessionDep, templates
from app.web.openapi import errors

router = APIRouter()


@router.get("/", name="home")
def home(request: Request, session: SessionDep, user: MaybeUser, now: Now) -> Response:
    exams: list[dict[str, Any]] = []
    for blueprint in bank.list_exams(session=session):
        counts = bank.active_counts(session=session, exam_code=blueprint.code)
        ready = all(counts.get(code, 0) >= sum(quota) for code, quota in blueprint.quotas().items())
        exams.append({"blueprint": blueprint, "questions": sum(counts.values()), "ready": ready})
    # Live exams first, then beta, then retired (which can still be sat); within each, what can be sat first.
    exams.sort(key=lambda exam: (exam["blueprint"].catalogue.standing, not exam["ready"]))
    mine = attempts.user_attempts(session=session, user_id=user.id) if user else []
    unfinished = [a for a in mine if a.finalized_at is None and a.deadline > now]
    finished = [a for a in mine if a.finalized_at is not None and a.mode == "exam" and is_result(a.finalize_reason)]
    return templates.TemplateResponse(
        request,
        "home.html",
        {
            "exams": exams,
            "unfinished": unfinished,
            "finished": finished,
            "now": now,
        },
    )


@router.get("/healthz", name="healthz", responses=errors(503), tags=["json"])
def healthz(session: SessionDep) -> JSONResponse:
    try:
        engine.ping(session=session)
    except Exception as error:  # the check exists to report any failure to reach the database
        return JSONResponse({"status": "unavailable", "database": type(error).__name__}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
