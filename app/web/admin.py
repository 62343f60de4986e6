"""Authors' side: upload questions in the browser or over HTTP with an API token. Admins only."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

import yaml
from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import Field as PydanticField

from app.bank.categories import mapping_option
from app.bank.exports import MEDIA_TYPES, write
from app.bank.imports import FORMATS, UnreadableUpload, read_upload
from app.bank.upload_check import check_upload
from app.db import bank, regrade, tokens, users
from app.db import imports as imports_store
from app.db import itemstats as itemstats_store
from app.db import reports as problem_store
from app.db.bank import store_questions
from app.db.tables import User
from app.domain import attempt as rules
from app.domain import itemstats
from app.domain.accounts import ADMIN_RESET_LASTS
from app.domain.attempt import InvalidSelection
from app.domain.content import question_from_content
from app.domain.coverage import coverage
from app.domain.exam import Blueprint, publication_gaps
from app.services.imports import commit_batch, run_import
from app.web import charts
from app.web.deps import MAX_ROW_ID, MaybeUser, Now, RowId, SessionDep, templates
from app.web.openapi import errors

router = APIRouter()


def admin_user(user: MaybeUser) -> User:
    # Candidates are not told the admin pages exist.
    if user is None or user.role != "admin":
        raise HTTPException(404)
    return user


Admin = Annotated[User, Depends(admin_user)]


def token_admin(session: SessionDep, now: Now, authorization: Annotated[str, Header()] = "") -> User:
    scheme, _, token = authorization.partition(" ")
    user = (
        tokens.administrator(session=session, token=token.strip(), now=now)
        if scheme.lower() == "bearer" and token
        else None
    )
    if user is None:
        raise HTTPException(
            401,
            "A live administrator's API token is required: send 'Authorization: Bearer <token>' "
            "(make one with `mockexam admin token EMAIL`; tokens expire and can be revoked).",
        )
    return user


async def _read(files: list[UploadFile]) -> list[tuple[str, bytes]]:
    return [(f.filename or "upload", await f.read()) for f in files]


async def _options(format: str, domain: str, task: str, add_choose: bool, categories: UploadFile | None) -> dict:
    """An import's options as the batch keeps them, the category mapping's text with them (so that Store
    checks the upload again with the same mapping). A file field left empty sends a file without a name."""
    options: dict = {"format": format, "domain": domain, "task": task, "add_choose": add_choose}
    if categories is not None and categories.filename:
        options["categories"] = mapping_option(categories.filename, await categories.read())
    return options


def _blueprint(session, exam: str):
    blueprint = bank.get_blueprint(session=session, code=exam)
    if blueprint is None:
        raise HTTPException(422, f"Unknown exam {exam!r}.")
    return blueprint


@router.get("/admin/import", name="import_form")
def import_form(request: Request, session: SessionDep, admin: Admin) -> Response:
    batches = imports_store.recent_batches(session=session)
    return templates.TemplateResponse(
        request,
        "admin/import.html",
        {"exams": bank.list_exams(session=session), "formats": FORMATS, "batches": batches},
    )


@router.post("/admin/import", name="check_import")
async def check_import(
    request: Request,
    session: SessionDep,
    admin: Admin,
    now: Now,
    exam: Annotated[str, Form()],
    files: Annotated[list[UploadFile], File()],
    format: Annotated[str, Form()] = "auto",
    domain: Annotated[str, Form()] = "",
    task: Annotated[str, Form()] = "",
    add_choose: Annotated[bool, Form()] = False,
    categories: Annotated[UploadFile | None, File()] = None,
) -> Response:
    blueprint = _blueprint(session, exam)
    outcome = run_import(
        session=session,
        blueprint=blueprint,
        files=await _read(files),
        user_id=admin.id,
        options=await _options(format, domain, task, add_choose, categories),
        now=now,
        commit=False,
        keep_checked=True,
    )
    return templates.TemplateResponse(
        request,
        "admin/import_report.html",
        {"blueprint": blueprint, "entries": _batch_entries(session, outcome.batch_ids), "stored": None},
        status_code=200 if outcome.ok else 422,
    )


def _batch_entries(session, batch_ids: list[int]) -> list[dict]:
    """The files of one upload, each with its latest check and whether it was stored, for the report page."""
    entries = []
    for batch_id in batch_ids:
        batch = imports_store.get_batch(session=session, batch_id=batch_id)
        if batch is not None:
            entries.append({"id": batch.id, "status": batch.status, "report": batch.report})
    return entries


@router.post("/admin/imports/{batch_id}/commit", name="commit_import")
def commit_import(
    request: Request,
    batch_id: RowId,
    session: SessionDep,
    admin: Admin,
    now: Now,
    shown: Annotated[list[Annotated[int, PydanticField(ge=1, le=MAX_ROW_ID)]], Form(max_length=MAX_FILES_SHOWN)] = [],
    partial: Annotated[bool, Form()] = False,
) -> Response:
    """Store one checked file of an upload; the page keeps every file of that upload (`shown`), each with its
    check and its own store button until it is stored."""
    batch = imports_store.get_batch(session=session, batch_id=batch_id)
    if batch is None:
        raise HTTPException(404)
    blueprint = _blueprint(session, batch.exam_code)
    try:
        outcome = commit_batch(session=session, batch=batch, blueprint=blueprint, now=now, partial=partial)
    except ValueError as error:
        raise HTTPException(409, f"Nothing stored: {error}.") from None
    siblings = [i for i in shown if i != batch_id][:MAX_FILES_SHOWN]
    return templates.TemplateResponse(
        request,
        "admin/import_report.html",
        {
            "blueprint": blueprint,
            "entries": _batch_entries(session, [batch_id, *siblings]),
            "stored": outcome.stored,
        },
        status_code=200 if outcome.stored else 422,
    )


@router.post("/api/imports", name="api_import", responses=errors(401, 413, 415, 422), tags=["json"])
async def api_import(
    session: SessionDep,
    now: Now,
    admin: Annotated[User, Depends(token_admin)],
    exam: Annotated[str, Form()],
    files: Annotated[list[UploadFile], File()],
    format: Annotated[str, Form()] = "auto",
    domain: Annotated[str, Form()] = "",
    task: Annotated[str, Form()] = "",
    commit: Annotated[bool, Form()] = False,
    partial: Annotated[bool, Form()] = False,
    add_choose: Annotated[bool, Form()] = False,
    categories: Annotated[UploadFile | None, File()] = None,
) -> JSONResponse:
    """Check (and with commit=true store) question files; the JSON report is the same as the upload page's.
    `categories` is a YAML or CSV file mapping GIFT/Moodle XML category paths to places such as D2/2.1."""
    blueprint = _blueprint(session, exam)
    outcome = run_import(
        session=session,
        blueprint=blueprint,
        files=await _read(files),
        user_id=admin.id,
        options=await _options(format, domain, task, add_choose, categories),
        now=now,
        commit=commit,
        partial=partial,
    )
    body = {
        "ok": outcome.ok,
        "committed": outcome.stored is not None,
        "batches": outcome.batch_ids,
        "reports": [r.as_dict() for r in outcome.reports],
        "stored": (
            {
                "new": outcome.stored.new,
                "changed": outcome.stored.changed,
                "unchanged": outcome.stored.unchanged,
                "drafts": outcome.stored.drafts,
            }
            if outcome.stored
            else None
        ),
    }
    return JSONResponse(body, status_code=200 if outcome.ok else 422)


QUESTIONS_PER_PAGE = 50
MAX_FILES_SHOWN = 50


def _chosen_exam(session, exams: list[Blueprint], wanted: str | None) -> Blueprint:
    """The exam a page asks for; without one, the first in catalogue order that has questions."""
    if wanted is not None:
        chosen = next((b for b in exams if b.code == wanted), None)
    else:
        chosen = next((b for b in exams if bank.active_counts(session=session, exam_code=b.code)), None)
        chosen = chosen or (exams[0] if exams else None)
    if chosen is None:
        raise HTTPException(404)
    return chosen


@router.get("/admin/questions", name="admin_questions")
def admin_questions(
    request: Request,
    session: SessionDep,
    admin: Admin,
    exam: str | None = None,
    domain: str = "",
    task: str = "",
    type: str = "",
    status: str = "",
    difficulty: str = "",
    q: str = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    exams = bank.list_exams(session=session)
    blueprint = _chosen_exam(session, exams, exam)
    rows = _selection(session, blueprint.code, domain, task, type, status, difficulty, q)
    pages = max(1, -(-len(rows) // QUESTIONS_PER_PAGE))
    page = min(page, pages)
    return templates.TemplateResponse(
        request,
        "admin/questions.html",
        {
            "exams": exams,
            "blueprint": blueprint,
            "rows": rows[(page - 1) * QUESTIONS_PER_PAGE : page * QUESTIONS_PER_PAGE],
            "total": len(rows),
            "page": page,
            "pages": pages,
            "first": (page - 1) * QUESTIONS_PER_PAGE + 1,
            "filters": {
                "domain": domain,
                "task": task,
                "type": type,
                "status": status,
                "difficulty": difficulty,
                "q": q,
            },
        },
    )


def _selection(session, exam: str, domain: str, task: str, qtype: str, status: str, difficulty: str, q: str):
    """The questions the list's filters choose, for the page and for its export."""
    return bank.list_questions(
        session=session,
        exam_code=exam,
        domain=domain,
        task=task,
        qtype=qtype,
        status=status,
        difficulty=int(difficulty) if difficulty in ("1", "2", "3") else None,
        text=q,
    )


@router.get("/admin/questions/export", name="export_questions")
def export_questions(
    session: SessionDep,
    admin: Admin,
    exam: str,
    format: Annotated[Literal["gift", "moodle-xml"], Query()],
    domain: str = "",
    task: str = "",
    type: str = "",
    status: str = "",
    difficulty: str = "",
    q: str = "",
) -> Response:
    """The questions the list shows (its filters, every page) as GIFT or Moodle XML; what the format cannot hold
    is left out and named, with why, in a comment at the top of the file."""
    blueprint = _blueprint(session, exam)
    rows = _selection(session, blueprint.code, domain, task, type, status, difficulty, q)
    written = write(format, [content for _, content in rows], exam=blueprint.code)
    media, suffix = MEDIA_TYPES[format]
    return Response(
        written.text,
        media_type=f"{media}; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{blueprint.code.lower()}-questions.{suffix}"',
            "X-Questions-Written": str(len(written.written)),
            "X-Questions-Left-Out": str(len(written.left_out)),
        },
    )


def _question_or_404(session, exam: str, slug: str):
    question = bank.get_question(session=session, exam_code=exam, slug=slug)
    if question is None:
        raise HTTPException(404)
    return question


def _question_page(
    request: Request,
    session,
    exam: str,
    slug: str,
    *,
    status: int = 200,
    saved: str = "",
    error: str = "",
    yaml_text: str | None = None,
) -> Response:
    question = _question_or_404(session, exam, slug)
    versions = bank.question_versions(session=session, question_id=question.id)
    current = next(v for v in versions if v.id == question.current_version_id)
    content = question_from_content(current.content)
    return templates.TemplateResponse(
        request,
        "admin/question.html",
        {
            "question": question,
            "current": current,
            "content": content,
            "lettered": [(option.id, option) for option in content.options],
            "keyed_options": [(o.id, o, False, o.id in content.key) for o in content.options],
            "pairs": rules.pair_rows(content, rules.DisplayedOptions(content.option_ids), frozenset(), reveal=True)
            if content.paired
            else [],
            "versions": versions,
            "saved": saved,
            "error": error,
            "yaml_text": yaml_text or yaml.safe_dump(current.content, sort_keys=False, allow_unicode=True, width=100),
        },
        status_code=status,
    )


@router.get("/admin/questions/{exam}/{slug}", name="admin_question")
def admin_question(
    request: Request, exam: str, slug: str, session: SessionDep, admin: Admin, saved: str = ""
) -> Response:
    return _question_page(request, session, exam, slug, saved=saved)


@router.post("/admin/questions/{exam}/{slug}/status", name="set_question_status")
def set_question_status(
    request: Request,
    exam: str,
    slug: str,
    session: SessionDep,
    admin: Admin,
    status: Annotated[str, Form(pattern="^(active|retired)$")],
) -> Response:
    question = _question_or_404(session, exam, slug)
    if status == "active":
        current = bank.versions(
            session=session, memory=request.app.state.memory, version_ids=[question.current_version_id]
        )
        gaps = publication_gaps(current[question.current_version_id])
        if gaps:
            missing = "; ".join(f"{field}: {message}" for field, message in gaps)
            raise InvalidSelection(f"{slug} cannot be drawn by papers yet; complete it first ({missing}).")
    bank.set_status(session=session, question=question, status=status)
    return RedirectResponse(
        request.app.url_path_for("admin_question", exam=exam, slug=slug) + f"?saved={status}", status_code=303
    )


@router.post("/admin/questions/{exam}/{slug}/edit", name="edit_question")
def edit_question(
    request: Request,
    exam: str,
    slug: str,
    session: SessionDep,
    admin: Admin,
    now: Now,
    text: Annotated[str, Form(max_length=100_000)],
) -> Response:
    """An edit is a new version; past attempts keep the version they showed."""
    question = _question_or_404(session, exam, slug)
    blueprint = _blueprint(session, exam)
    try:
        upload = read_upload(text.encode("utf-8"), f"{slug}.yaml", "native")
    except UnreadableUpload as error:
        return _edit_refused(request, session, exam, slug, [str(error)])
    if len(upload.questions) != 1 or upload.questions[0].content.get("id") != slug:
        return _edit_refused(request, session, exam, slug, [f"the edit must be this one question, with id {slug}"])
    report = check_upload(
        upload, blueprint, filename=f"{slug}.yaml", current=bank.current_hashes(session=session, exam_code=exam)
    )
    if not report.ok:
        return _edit_refused(request, session, exam, slug, [str(e) for e in report.errors], text)
    store_questions(session=session, exam_code=exam, contents=[q.content() for q in report.valid], now=now)
    session.commit()
    session.refresh(question)
    return RedirectResponse(
        request.app.url_path_for("admin_question", exam=exam, slug=slug) + "?saved=edited", status_code=303
    )


def _edit_refused(request, session, exam, slug, errors, text=None) -> Response:
    return _question_page(request, session, exam, slug, status=422, error="; ".join(errors), yaml_text=text)


@router.get("/admin/coverage", name="admin_coverage")
def admin_coverage(request: Request, session: SessionDep, admin: Admin, exam: str | None = None) -> Response:
    exams = bank.list_exams(session=session)
    rows = []
    for blueprint in exams:
        active = bank.active_counts(session=session, exam_code=blueprint.code)
        domains, papers = coverage(blueprint, active)
        tasks: dict[str, int] = {}
        for question, _ in bank.list_questions(session=session, exam_code=blueprint.code, status="active"):
            tasks[question.task] = tasks.get(question.task, 0) + 1
        rows.append({"blueprint": blueprint, "domains": domains, "papers": papers, "tasks": tasks})
    return templates.TemplateResponse(request, "admin/coverage.html", {"rows": rows})


@router.get("/admin/export/{exam}.yaml", name="export_bank")
def export_bank(exam: str, session: SessionDep, admin: Admin) -> Response:
    _blueprint(session, exam)
    text = yaml.safe_dump(
        {"questions": bank.export_questions(session=session, exam_code=exam)},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return Response(
        text,
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{exam.lower()}-questions.yaml"'},
    )


@router.get("/admin/regrade/{exam}/{slug}", name="regrade_preview")
def regrade_preview(request: Request, exam: str, slug: str, session: SessionDep, admin: Admin) -> Response:
    _question_or_404(session, exam, slug)
    version, changes = regrade.preview(session=session, exam_code=exam, slug=slug)
    return templates.TemplateResponse(
        request,
        "admin/regrade.html",
        {"exam": exam, "slug": slug, "version": version, "changes": changes, "applied": None},
    )


@router.post("/admin/regrade/{exam}/{slug}", name="regrade_apply")
def regrade_apply(request: Request, exam: str, slug: str, session: SessionDep, admin: Admin, now: Now) -> Response:
    _question_or_404(session, exam, slug)
    record = regrade.apply(session=session, exam_code=exam, slug=slug, admin_id=admin.id, now=now)
    return templates.TemplateResponse(
        request, "admin/regrade.html", {"exam": exam, "slug": slug, "version": None, "changes": [], "applied": record}
    )


@router.get("/admin/reports", name="problem_reports")
def problem_reports(request: Request, session: SessionDep, admin: Admin, status: str = "open") -> Response:
    reports = problem_store.reports_with_status(session=session, status=status)
    return templates.TemplateResponse(request, "admin/reports.html", {"reports": reports, "status": status})


@router.post("/admin/reports/{report_id}/close", name="close_report")
def close_report(request: Request, report_id: RowId, session: SessionDep, admin: Admin) -> Response:
    if not problem_store.close_report(session=session, report_id=report_id):
        raise HTTPException(404)
    return RedirectResponse(request.app.url_path_for("problem_reports"), status_code=303)


@router.get("/admin/statistics", name="admin_statistics")
def admin_statistics(
    request: Request, session: SessionDep, admin: Admin, exam: str | None = None, flagged: bool = False
) -> Response:
    exams = bank.list_exams(session=session)
    blueprint = _chosen_exam(session, exams, exam)
    responses, forms = itemstats_store.first_exposures(session=session, exam_code=blueprint.code)
    rows = []
    for question, content in bank.list_questions(session=session, exam_code=blueprint.code):
        # Option shares for single and multiple response; for ordering and matching, the share of each
        # position or pair (a step at a position, a response for a prompt).
        item = question_from_content(content)
        stats = itemstats.item_statistics(question.slug, responses.get(question.slug, []), item.key, item.answer_tokens)
        if not flagged or stats.flags:
            rows.append((question, stats))
    rows.sort(key=lambda r: (not r[1].flags, -r[1].n, r[0].slug))
    variances = [
        s.facility / 100 * (1 - s.facility / 100) * s.n / (s.n - 1)
        for _, s in rows
        if s.n > 1 and s.facility is not None
    ]
    k = blueprint.scored
    mean_variance = sum(variances) / len(variances) if variances else 0.0
    form = itemstats.form_statistics([total for total, _ in forms], [mean_variance] * k) if forms else None
    counts = Counter(int(total) for total, _ in forms)
    distribution = (
        charts.bar_chart(
            [charts.Bar(str(score), counts.get(score, 0)) for score in range(k + 1)],
            title="Scored questions correct on first exams",
            unit="",
            description=f"How many candidates' first exams had each number of the {k} scored questions right.",
        )
        if forms
        else None
    )
    return templates.TemplateResponse(
        request,
        "admin/statistics.html",
        {
            "blueprint": blueprint,
            "exams": exams,
            "rows": rows,
            "form": form,
            "flagged": flagged,
            "min_sample": itemstats.MIN_SAMPLE,
            "candidates": len(forms),
            "distribution": distribution,
            "counts": sorted(counts.items()),
        },
    )


@router.get("/admin/password-resets", name="password_reset_admin")
def password_reset_admin(request: Request, admin: Admin) -> Response:
    return templates.TemplateResponse(request, "admin/password_reset.html", {})


@router.post("/admin/password-resets", name="issue_password_reset")
def issue_password_reset(
    request: Request, session: SessionDep, admin: Admin, now: Now, email: Annotated[str, Form()]
) -> Response:
    """A one-time link that lets the account's owner choose a new password, for the administrator to hand
    over (the site may send no email)."""
    address = email.strip().lower()
    account = users.find_by_email(session=session, email=address)
    if account is None:
        return templates.TemplateResponse(
            request,
            "admin/password_reset.html",
            {"email": email, "error": f"No account uses {address}; nothing was made."},
            status_code=422,
        )
    token = users.issue_password_reset(session=session, user=account, now=now, lasts=ADMIN_RESET_LASTS)
    session.commit()
    public = request.app.state.settings.public_url.rstrip("/")
    path = request.app.url_path_for("reset_password_form", token=token)
    link = public + path if public else str(request.url_for("reset_password_form", token=token))
    return templates.TemplateResponse(
        request, "admin/password_reset.html", {"link": link, "address": address, "expires": now + ADMIN_RESET_LASTS}
    )


@router.get("/admin/tokens", name="api_tokens")
def api_tokens(request: Request, session: SessionDep, admin: Admin, now: Now) -> Response:
    return templates.TemplateResponse(
        request, "admin/tokens.html", {"tokens": tokens.listed(session=session), "now": now}
    )


@router.post("/admin/tokens/{token_id}/revoke", name="revoke_api_token")
def revoke_api_token(request: Request, token_id: str, session: SessionDep, admin: Admin) -> Response:
    if tokens.revoke(session=session, token_id=token_id) != 1:
        raise HTTPException(404)
    return RedirectResponse(request.app.url_path_for("api_tokens"), status_code=303)


@router.get("/admin/openapi.json", name="admin_openapi", include_in_schema=False)
def admin_openapi(request: Request, admin: Admin) -> JSONResponse:
    """The whole OpenAPI description, the administrators' API included; /openapi.json leaves it out."""
    return JSONResponse(request.app.state.whole_openapi())
