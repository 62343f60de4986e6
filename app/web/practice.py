"""Practice: domain drills, missed questions, the review queue and adaptive sessions. Never exam results."""

from __future__ import annotations

import random
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.db import attempts, bank, practice, study
from app.domain.assembly import PaperItem
from app.domain.attempt import InvalidSelection
from app.domain.exam import Blueprint
from app.domain.practice import Offer, allocate, choose_for_drill, mastery
from app.web.deps import MaybeUser, Now, SessionDep, StartingCandidate, templates

router = APIRouter()
UNTIMED_MINUTES = 7 * 24 * 60  # an untimed session stays open a week, then is finished with what it has
REVIEW_SESSION = 20
MAX_SESSION = 65


def _blueprint(session, exam_code: str) -> Blueprint:
    blueprint = bank.get_blueprint(session=session, code=exam_code)
    if blueprint is None:
        raise HTTPException(404)
    return blueprint


def _default_exam(session) -> str:
    exams = [b.code for b in bank.list_exams(session=session) if bank.active_counts(session=session, exam_code=b.code)]
    if not exams:
        raise HTTPException(404)
    return exams[0]


def _start(
    request: Request,
    session,
    user,
    blueprint: Blueprint,
    chosen: list[Offer],
    *,
    mode: str,
    timed: bool,
    config: dict,
    now,
) -> Response:
    if not chosen:
        raise InvalidSelection("No question matches this choice; choose other domains or tasks.")
    seed = secrets.randbits(62)
    rng = random.Random(seed)
    paper = []
    for position, offer in enumerate(chosen, start=1):
        order = list(offer.option_ids)
        rng.shuffle(order)
        paper.append(PaperItem(position, offer.version_id, offer.question_id, offer.domain, True, tuple(order)))
    pace = blueprint.minutes / blueprint.total
    minutes = round(pace * len(paper), 1) if timed else UNTIMED_MINUTES
    attempt = attempts.create_attempt(
        session=session,
        attempt_id=secrets.token_hex(12),
        user_id=user.id,
        blueprint=blueprint,
        paper=tuple(paper),
        seed=seed,
        minutes=minutes,
        now=now,
        mode=mode,
        config={**config, "timed": timed},
    )
    return RedirectResponse(
        request.app.url_path_for("show_question", attempt_id=attempt.id, position=1), status_code=303
    )


@router.get("/practice", name="practice")
def practice_home(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    now: Now,
    exam: Annotated[str | None, Query()] = None,
    domain: Annotated[list[str], Query()] = [],
) -> Response:
    blueprint = _blueprint(session, exam or _default_exam(session))
    due = practice.due(session=session, user_id=user.id, exam_code=blueprint.code, now=now) if user else []
    counts = bank.active_counts(session=session, exam_code=blueprint.code)
    return templates.TemplateResponse(
        request,
        "practice/index.html",
        {
            "blueprint": blueprint,
            "due": len(due),
            "cards_due": study.due_count(session=session, user_id=user.id, exam_code=blueprint.code, now=now)
            if user
            else 0,
            "counts": counts,
            "preselected": set(domain),
            "missed": len(practice.missed(session=session, user_id=user.id, exam_code=blueprint.code)) if user else 0,
        },
    )


@router.post("/practice/drills", name="start_drill")
def start_drill(
    request: Request,
    session: SessionDep,
    user: StartingCandidate,
    now: Now,
    exam: Annotated[str, Form()],
    count: Annotated[int, Form(ge=1, le=MAX_SESSION)] = 10,
    domain: Annotated[list[str], Form()] = [],
    task: Annotated[list[str], Form()] = [],
    question: Annotated[list[str], Form()] = [],
    timed: Annotated[bool, Form()] = False,
) -> Response:
    blueprint = _blueprint(session, exam)
    known_domains = {d.code for d in blueprint.domains}
    known_tasks = {t for d in blueprint.domains for t, _ in d.tasks}
    unknown = sorted((set(domain) - known_domains) | (set(task) - known_tasks))
    if unknown:
        raise InvalidSelection(f"{blueprint.code} has no domain or task {', '.join(unknown)}.")
    pool = practice.offers(session=session, exam_code=blueprint.code, user_id=user.id, now=now)
    if question:
        wanted = set(question)
        held = sorted(wanted & practice.withheld(session=session, user_id=user.id, exam_code=blueprint.code, now=now))
        if held:
            raise InvalidSelection(
                f"{', '.join(held)} {'is' if len(held) == 1 else 'are'} in your unfinished exam; "
                "practise it when that exam has ended."
            )
        chosen = [o for o in pool if o.question_id in wanted][:MAX_SESSION]
    else:
        seen = attempts.seen_questions(session=session, user_id=user.id, exam_code=blueprint.code)
        chosen = choose_for_drill(
            pool, count, domains=set(domain), tasks=set(task), seen=seen, rng=random.Random(secrets.randbits(62))
        )
    return _start(
        request,
        session,
        user,
        blueprint,
        chosen,
        mode="drill",
        timed=timed,
        now=now,
        config={"domains": sorted(domain), "tasks": sorted(task), "questions": len(question)},
    )


@router.post("/practice/review", name="start_review")
def start_review(
    request: Request, session: SessionDep, user: StartingCandidate, now: Now, exam: Annotated[str, Form()]
) -> Response:
    blueprint = _blueprint(session, exam)
    due = [
        card.question_slug for card in practice.due(session=session, user_id=user.id, exam_code=blueprint.code, now=now)
    ]
    if not due:
        raise InvalidSelection("Nothing is due for review now.")
    chosen = choose_for_drill(
        practice.offers(session=session, exam_code=blueprint.code, user_id=user.id, now=now),
        min(len(due), REVIEW_SESSION),
        due=due,
        rng=random.Random(secrets.randbits(62)),
    )
    return _start(
        request,
        session,
        user,
        blueprint,
        chosen[: len(due)],
        mode="review",
        timed=False,
        now=now,
        config={"due": len(due)},
    )


@router.post("/practice/adaptive", name="start_adaptive")
def start_adaptive(
    request: Request,
    session: SessionDep,
    user: StartingCandidate,
    now: Now,
    exam: Annotated[str, Form()],
    count: Annotated[int, Form(ge=4, le=MAX_SESSION)] = 20,
    timed: Annotated[bool, Form()] = False,
) -> Response:
    """Domains by expected points lost (scoring.md §5.1); within each, due reviews first, then unseen."""
    blueprint = _blueprint(session, exam)
    codes = [d.code for d in blueprint.domains]
    level = mastery(practice.outcomes(session=session, user_id=user.id, exam_code=blueprint.code), codes, now)
    allocation = allocate({d.code: d.weight for d in blueprint.domains}, level, count)
    pool = practice.offers(session=session, exam_code=blueprint.code, user_id=user.id, now=now)
    due = [c.question_slug for c in practice.due(session=session, user_id=user.id, exam_code=blueprint.code, now=now)]
    seen = attempts.seen_questions(session=session, user_id=user.id, exam_code=blueprint.code)
    rng = random.Random(secrets.randbits(62))
    chosen = [
        offer
        for code in codes
        for offer in choose_for_drill(pool, allocation[code], domains={code}, due=due, seen=seen, rng=rng)
    ]
    rng.shuffle(chosen)
    return _start(
        request,
        session,
        user,
        blueprint,
        chosen,
        mode="adaptive",
        timed=timed,
        now=now,
        config={"allocation": allocation, "mastery": {d: round(p, 3) for d, p in level.items()}},
    )


@router.get("/practice/missed", name="missed_questions")
def missed_questions(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    exam: Annotated[str | None, Query()] = None,
    domain: Annotated[str, Query()] = "",
    task: Annotated[str, Query()] = "",
) -> Response:
    blueprint = _blueprint(session, exam or _default_exam(session))
    entries = practice.missed(session=session, user_id=user.id, exam_code=blueprint.code) if user else []
    shown = [e for e in entries if (not domain or e["domain"] == domain) and (not task or e["task"] == task)]
    stems = (
        bank.versions(session=session, memory=request.app.state.memory, version_ids=[e["version_id"] for e in shown])
        if shown
        else {}
    )
    return templates.TemplateResponse(
        request,
        "practice/missed.html",
        {
            "blueprint": blueprint,
            "entries": shown,
            "stems": stems,
            "domain": domain,
            "task": task,
            "total": len(entries),
        },
    )
