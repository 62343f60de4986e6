"""Authors' side: upload questions in the browser or over HTTP with an API token. Admins only."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlmodel import select

from app.bank.imports import FORMATS
from app.db import bank
from app.db.imports import commit_batch, run_import
from app.db.tables import ApiToken, ImportBatch, User
from app.web.deps import MaybeUser, Now, SessionDep, templates

router = APIRouter()


def admin_user(user: MaybeUser) -> User:
    # Candidates are not told the admin pages exist.
    if user is None or user.role != "admin":
        raise HTTPException(404)
    return user


Admin = Annotated[User, Depends(admin_user)]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_admin(session: SessionDep, authorization: Annotated[str, Header()] = "") -> User:
    scheme, _, token = authorization.partition(" ")
    record = session.get(ApiToken, token_hash(token.strip())) if scheme.lower() == "bearer" and token else None
    user = session.get(User, record.user_id) if record else None
    if user is None or user.role != "admin":
        raise HTTPException(401, "An administrator's API token is required: send 'Authorization: Bearer <token>' "
                                 "(make one with `mockexam admin token EMAIL`).")
    return user


async def _read(files: list[UploadFile]) -> list[tuple[str, bytes]]:
    return [(f.filename or "upload", await f.read()) for f in files]


def _blueprint(session, exam: str):
    blueprint = bank.get_blueprint(session=session, code=exam)
    if blueprint is None:
        raise HTTPException(422, f"Unknown exam {exam!r}.")
    return blueprint


@router.get("/admin/import", name="import_form")
def import_form(request: Request, session: SessionDep, admin: Admin) -> Response:
    batches = session.exec(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(20)).all()
    return templates.TemplateResponse(request, "admin/import.html", {
        "exams": bank.list_exams(session=session), "formats": FORMATS, "batches": batches})


@router.post("/admin/import", name="check_import")
async def check_import(request: Request, session: SessionDep, admin: Admin, now: Now,
                       exam: Annotated[str, Form()], files: Annotated[list[UploadFile], File()],
                       format: Annotated[str, Form()] = "auto", domain: Annotated[str, Form()] = "",
                       task: Annotated[str, Form()] = "") -> Response:
    blueprint = _blueprint(session, exam)
    outcome = run_import(session=session, blueprint=blueprint, files=await _read(files), user_id=admin.id,
                         options={"format": format, "domain": domain, "task": task}, now=now, commit=False)
    return templates.TemplateResponse(request, "admin/import_report.html", {
        "blueprint": blueprint, "entries": list(zip(outcome.reports, outcome.batch_ids)), "committed": False},
        status_code=200 if outcome.ok else 422)


@router.post("/admin/imports/{batch_id}/commit", name="commit_import")
def commit_import(request: Request, batch_id: int, session: SessionDep, admin: Admin, now: Now) -> Response:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise HTTPException(404)
    blueprint = _blueprint(session, batch.exam_code)
    try:
        outcome = commit_batch(session=session, batch=batch, blueprint=blueprint, now=now)
    except ValueError as error:
        raise HTTPException(409, f"Nothing stored: {error}.") from None
    return templates.TemplateResponse(request, "admin/import_report.html", {
        "blueprint": blueprint, "entries": list(zip(outcome.reports, outcome.batch_ids)),
        "committed": outcome.ok, "stored": outcome.stored}, status_code=200 if outcome.ok else 422)


@router.post("/api/imports", name="api_import")
async def api_import(session: SessionDep, now: Now, admin: Annotated[User, Depends(token_admin)],
                     exam: Annotated[str, Form()], files: Annotated[list[UploadFile], File()],
                     format: Annotated[str, Form()] = "auto", domain: Annotated[str, Form()] = "",
                     task: Annotated[str, Form()] = "", commit: Annotated[bool, Form()] = False) -> JSONResponse:
    """Check (and with commit=true store) question files; the JSON report is the same as the upload page's."""
    blueprint = _blueprint(session, exam)
    outcome = run_import(session=session, blueprint=blueprint, files=await _read(files), user_id=admin.id,
                         options={"format": format, "domain": domain, "task": task}, now=now, commit=commit)
    body = {"ok": outcome.ok, "committed": outcome.stored is not None, "batches": outcome.batch_ids,
            "reports": [r.as_dict() for r in outcome.reports],
            "stored": ({"new": outcome.stored.new, "changed": outcome.stored.changed,
                        "unchanged": outcome.stored.unchanged} if outcome.stored else None)}
    return JSONResponse(body, status_code=200 if outcome.ok else 422)
