"""Study aids: drilling an exam's flashcards and reading its cheat sheets."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import escape

from app.bank import cards
from app.db import bank, practice, study
from app.domain.attempt import InvalidSelection
from app.domain.exam import Blueprint, Question
from app.domain.study import GRADES, StudyAids, aids_for, drill_queue
from app.web import markdown
from app.web.deps import MaybeUser, Now, SessionDep, StudyingCandidate, templates

router = APIRouter()


def _blueprint(session, exam_code: str | None) -> Blueprint:
    if exam_code is None:
        exams = [b for b in bank.list_exams(session=session) if study.card_count(session=session, exam_code=b.code)]
        if not exams:
            raise HTTPException(404)
        return exams[0]
    blueprint = bank.get_blueprint(session=session, code=exam_code)
    if blueprint is None:
        raise HTTPException(404)
    return blueprint


def _checked_filters(blueprint: Blueprint, domains: list[str], tasks: list[str]) -> tuple[frozenset, frozenset]:
    known = {d.code for d in blueprint.domains} | {t for d in blueprint.domains for t, _ in d.tasks}
    unknown = sorted((set(domains) | set(tasks)) - known)
    if unknown:
        raise InvalidSelection(f"{blueprint.code} has no domain or task {', '.join(unknown)}.")
    return frozenset(domains), frozenset(tasks)


def aids_by_question(session, exam_code: str, questions: list[Question]) -> dict[str, StudyAids]:
    """The study aids of each question (by id) on an answer-review page."""
    sheets, cards = (
        study.sheets(session=session, exam_code=exam_code),
        study.cards(session=session, exam_code=exam_code),
    )
    return {q.id: aids_for(q.tags, q.task, sheets, cards) for q in questions}


@router.get("/study", name="study")
def study_home(
    request: Request, session: SessionDep, user: MaybeUser, now: Now, exam: Annotated[str | None, Query()] = None
) -> Response:
    blueprint = _blueprint(session, exam)
    cards = study.cards(session=session, exam_code=blueprint.code)
    schedules = study.schedules(session=session, user_id=user.id, exam_code=blueprint.code) if user else {}
    by_domain = {
        d.code: {
            "cards": sum(c.domain == d.code for c in cards),
            "due": sum(c.domain == d.code and c.slug in schedules and schedules[c.slug].due <= now for c in cards),
            "new": sum(c.domain == d.code and c.slug not in schedules for c in cards),
        }
        for d in blueprint.domains
    }
    recalled, lapsed = study.retention(session=session, user_id=user.id, exam_code=blueprint.code) if user else (0, 0)
    questions_due = (
        len(practice.due(session=session, user_id=user.id, exam_code=blueprint.code, now=now)) if user else 0
    )
    return templates.TemplateResponse(
        request,
        "study/index.html",
        {
            "blueprint": blueprint,
            "by_domain": by_domain,
            "cards_due": sum(v["due"] for v in by_domain.values()),
            "questions_due": questions_due,
            "recalled": recalled,
            "lapsed": lapsed,
            "sheets": study.sheets(session=session, exam_code=blueprint.code),
            "exams": [
                b for b in bank.list_exams(session=session) if study.card_count(session=session, exam_code=b.code)
            ],
        },
    )


@router.get("/study/cards", name="drill_cards")
def drill_cards(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    now: Now,
    exam: Annotated[str, Query()],
    domain: Annotated[list[str], Query()] = [],
    task: Annotated[list[str], Query()] = [],
    graded: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> Response:
    """The next card of the drill: due cards first, then new ones. Grading it comes back here."""
    blueprint = _blueprint(session, exam)
    domains, tasks = _checked_filters(blueprint, domain, task)
    schedules = study.schedules(session=session, user_id=user.id, exam_code=blueprint.code) if user else {}
    queue = drill_queue(
        study.cards(session=session, exam_code=blueprint.code), schedules, now, domains=domains, tasks=tasks
    )
    later = [s.due for slug, s in schedules.items() if s.due > now]
    return templates.TemplateResponse(
        request,
        "study/drill.html",
        {
            "blueprint": blueprint,
            "card": queue[0] if queue else None,
            "remaining": len(queue),
            "due_now": sum(1 for c in queue if c.slug in schedules),
            "next_due": min(later) if later else None,
            "grades": GRADES,
            "domains": sorted(domains),
            "tasks": sorted(tasks),
            "graded": graded,
            "sheets": {s.domain: s for s in study.sheets(session=session, exam_code=blueprint.code)},
        },
    )


@router.post("/study/cards/grade", name="grade_card")
def grade_card(
    request: Request,
    session: SessionDep,
    user: StudyingCandidate,
    now: Now,
    exam: Annotated[str, Form()],
    card: Annotated[str, Form(max_length=120)],
    grade: Annotated[int, Form(ge=1, le=4)],
    domain: Annotated[list[str], Form()] = [],
    task: Annotated[list[str], Form()] = [],
    graded: Annotated[int, Form(ge=0, le=10_000)] = 0,
) -> Response:
    blueprint = _blueprint(session, exam)
    domains, tasks = _checked_filters(blueprint, domain, task)
    chosen = next((c for c in study.cards(session=session, exam_code=blueprint.code) if c.slug == card), None)
    if chosen is None:
        raise InvalidSelection(f"{blueprint.code} has no flashcard named {card}.")
    study.grade(session=session, user_id=user.id, exam_code=blueprint.code, card=chosen, rating=grade, now=now)
    session.commit()
    query = urlencode(
        [("exam", blueprint.code), *(("domain", d) for d in sorted(domains)), *(("task", t) for t in sorted(tasks))]
        + [("graded", str(graded + 1))]
    )
    return RedirectResponse(f"{request.app.url_path_for('drill_cards')}?{query}", status_code=303)


@router.get("/study/cards/export", name="export_cards")
def export_cards(
    session: SessionDep,
    exam: Annotated[str, Query()],
    format: Annotated[Literal["anki", "csv", "yaml"], Query()] = "anki",
) -> Response:
    """The exam's deck as a file: Anki notes (plain text, HTML fields), CSV, or the bank's own YAML."""
    blueprint = _blueprint(session, exam)
    contents = study.card_contents(session=session, exam_code=blueprint.code)
    if format == "anki":
        notes = [(str(markdown.render(c["front"])), _back_html(c), " ".join(c["tags"])) for c in contents]
        body, media, suffix = cards.to_anki(notes, deck=f"mockexam::{blueprint.code}"), "text/plain", "txt"
    elif format == "csv":
        body, media, suffix = cards.to_csv(contents), "text/csv", "csv"
    else:
        body, media, suffix = cards.to_yaml(contents), "application/yaml", "yaml"
    filename = f"{blueprint.code.lower()}-flashcards.{suffix}"
    return Response(
        body,
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _back_html(content: dict) -> str:
    """The back of an Anki note: the answer, why it matters and the reference, as the drill shows them."""
    parts = [str(markdown.render(content["back"]))]
    if content.get("why"):
        parts.append(f"<p><em>{markdown.render_inline(content['why'])}</em></p>")
    reference = content["reference"]
    parts.append(f'<p><a href="{escape(reference["url"])}">{escape(reference["title"])}</a></p>')
    return "".join(parts)


@router.get("/study/sheets/{exam_code}/{domain_code}", name="cheat_sheet")
def cheat_sheet(request: Request, session: SessionDep, now: Now, exam_code: str, domain_code: str) -> Response:
    blueprint = _blueprint(session, exam_code)
    sheet = next((s for s in study.sheets(session=session, exam_code=blueprint.code) if s.domain == domain_code), None)
    if sheet is None:
        raise HTTPException(404)
    return templates.TemplateResponse(
        request,
        "study/sheet.html",
        {
            "blueprint": blueprint,
            "sheet": sheet,
            "domain": next(d for d in blueprint.domains if d.code == sheet.domain),
            "others": [s for s in study.sheets(session=session, exam_code=blueprint.code) if s.domain != sheet.domain],
            "today": now.date(),
        },
    )


@router.get("/study/related", name="related_aids")
def related_aids(
    request: Request,
    session: SessionDep,
    exam: Annotated[str, Query()],
    question: Annotated[str, Query(max_length=120)],
) -> Response:
    """The sheet sections and cards on a question's concept, linked from practice feedback."""
    blueprint = _blueprint(session, exam)
    row = bank.get_question(session=session, exam_code=blueprint.code, slug=question)
    if row is None or row.current_version_id is None:
        raise HTTPException(404)
    found = bank.versions(session=session, memory=request.app.state.memory, version_ids=[row.current_version_id])[
        row.current_version_id
    ]
    return templates.TemplateResponse(
        request,
        "study/related.html",
        {"blueprint": blueprint, "aids": aids_by_question(session, blueprint.code, [found])[found.id]},
    )
