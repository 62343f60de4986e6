"""The sitting: start, questions, flags, cross-outs, the review screen, the end, the report."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from pydantic import Field as PydanticField
from sqlmodel import Session
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.datastructures import FormData
from starlette.routing import BaseRoute, Route

from app.db import async_sitting, attempts, bank, reports
from app.db.memory import ItemFacts, Memory
from app.db.tables import Attempt, AttemptItem
from app.domain import attempt as rules
from app.domain import progress
from app.domain.exam import Blueprint, Option, Question, stated_choose_count
from app.domain.scoring import is_correct
from app.web import charts
from app.web.deps import (
    MaybeUser,
    MemoryDep,
    Now,
    RowId,
    SessionDep,
    StartingCandidate,
    browser_key,
    is_htmx,
    paths,
    read_checked_fields,
    render_fragment,
    request_time,
    templates,
)
from app.web.openapi import errors
from app.web.study import aids_by_question

router = APIRouter()


class PositionConvertor(IntegerConvertor):
    """A question position in a path: at most nine digits (no INTEGER column holds more), perhaps signed, so
    that a position outside the paper is told as such; any other spelling matches no route."""

    regex = "[-+]?[0-9]{1,9}"


register_url_convertor("position", PositionConvertor())
PRACTICE_MEMORY = timedelta(days=30)


@dataclass
class Sitting:
    """An attempt of the current user with its blueprint, finalized first if its time has run out."""

    attempt: Attempt
    blueprint: Blueprint

    @property
    def finished(self) -> bool:
        return self.attempt.finalized_at is not None


def load_sitting(attempt_id: str, session: SessionDep, memory: MemoryDep, now: Now, user: MaybeUser) -> Sitting:
    found = (
        attempts.get_sitting(session=session, memory=memory, attempt_id=attempt_id, user_id=user.id) if user else None
    )
    if found is None:
        raise HTTPException(404)
    _finalize_if_over(session, memory, *found, now)
    return Sitting(*found)


def _finalize_if_over(session: Session, memory: Memory, attempt: Attempt, blueprint: Blueprint, now: datetime) -> None:
    if attempt.finalized_at is None and rules.is_over(attempt.deadline, now):
        attempts.finalize(session=session, memory=memory, attempt=attempt, blueprint=blueprint, now=now, reason="time")


SittingDep = Annotated[Sitting, Depends(load_sitting)]


def _redirect(request: Request, url: str) -> Response:
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _question_url(request: Request, attempt_id: str, position: int) -> str:
    return paths(request)("show_question", attempt_id=attempt_id, position=position)


@router.get("/exams/{exam_code}/start", name="exam_start")
def exam_start(request: Request, exam_code: str, session: SessionDep, user: MaybeUser, now: Now) -> Response:
    """The page before the clock starts: the rules of the sitting, the ESL option, and a running exam of the
    same code to resume or discard."""
    blueprint = bank.get_blueprint(session=session, code=exam_code)
    if blueprint is None:
        raise HTTPException(404)
    running = attempts.open_exam(session=session, user_id=user.id, exam_code=exam_code, now=now) if user else None
    return templates.TemplateResponse(
        request,
        "attempts/start.html",
        {
            "blueprint": blueprint,
            "minutes": request.app.state.settings.exam_minutes or blueprint.minutes,
            "running": running,
            "now": now,
        },
    )


@router.post("/exams/{exam_code}/attempts", name="start_attempt")
def start_attempt(
    request: Request,
    exam_code: str,
    session: SessionDep,
    memory: MemoryDep,
    user: StartingCandidate,
    now: Now,
    esl: Annotated[bool, Form()] = False,
    discard: Annotated[bool, Form()] = False,
) -> Response:
    """Start a mock exam. One runs at a time per exam: a running one must be resumed, or discarded here."""
    blueprint = bank.get_blueprint(session=session, code=exam_code)
    if blueprint is None:
        raise HTTPException(404)
    running = attempts.open_exam(session=session, user_id=user.id, exam_code=exam_code, now=now)
    if running is not None:
        if not discard:
            raise rules.UnfinishedExam(exam_code)
        attempts.finalize(
            session=session, memory=memory, attempt=running, blueprint=blueprint, now=now, reason=rules.DISCARDED
        )
    minutes = request.app.state.settings.exam_minutes or blueprint.minutes
    if esl:
        minutes += blueprint.esl_extra_minutes
    attempt = attempts.start_exam(
        session=session,
        blueprint=blueprint,
        user_id=user.id,
        attempt_id=secrets.token_hex(12),
        seed=secrets.randbits(62),
        minutes=minutes,
        now=now,
        practice_since=now - PRACTICE_MEMORY,
    )
    return _redirect(request, _question_url(request, attempt.id, 1))


@router.get("/attempts/{attempt_id}", name="show_attempt")
def show_attempt(request: Request, sitting: SittingDep) -> Response:
    if sitting.finished:
        return _redirect(request, str(request.url_for("show_report", attempt_id=sitting.attempt.id).path))
    return _redirect(request, _question_url(request, sitting.attempt.id, sitting.attempt.position))


def _screen_context(
    attempt, blueprint: Blueprint, item, question: Question | None, counts: dict[str, int], position: int, now: datetime
) -> dict:
    """The question screen's context, from the attempt and item as rows or as the async path's views."""
    assert question is not None  # a screen with an item has the item's question
    displayed = rules.DisplayedOptions(item.order)
    answer = item.chosen
    selected = displayed.to_display(answer)
    struck = displayed.to_display(item.crossed_out)
    options = [
        (letter, question.option(stored), letter in selected, letter in struck)
        for letter, stored in zip(displayed.letters, displayed.order, strict=True)
    ]
    warning = rules.warning_due(attempt.deadline, now)
    checked = item.checked_at is not None and attempt.mode != "exam"
    pairs = rules.pair_rows(question, displayed, answer, reveal=checked) if question.paired else []
    return {
        "attempt": attempt,
        "blueprint": blueprint,
        "item": item,
        "question": question,
        "position": position,
        "total": counts["total"],
        "options": options,
        "pairs": pairs,
        "choose": (stated_choose_count(question.stem) or len(question.key))
        if question.type == "multiple"
        else len(question.slots) or 1,
        "selected_count": len(selected),
        "answered": counts["answered"],
        "incomplete": counts["incomplete"],
        "flagged": counts["flagged"],
        "remaining": rules.remaining(attempt.deadline, now),
        "warning_minutes": int(warning.total_seconds() // 60) if warning else None,
        "practice": attempt.mode != "exam",
        "timed": attempt.mode == "exam" or (attempt.config or {}).get("timed"),
        # The key of this one question, only once its answer is checked in practice.
        "feedback": {
            "correct": item.correct,
            "keyed": {
                letter
                for letter, stored in zip(displayed.letters, displayed.order, strict=True)
                if stored in question.key
            },
        }
        if checked
        else None,
    }


def _finalize_if_due(request: Request, attempt_id: str, user_id: int, now: datetime) -> None:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        memory = request.app.state.memory
        found = attempts.get_sitting(session=session, memory=memory, attempt_id=attempt_id, user_id=user_id)
        if found:
            _finalize_if_over(session, memory, *found, now)


async def _own_screen(
    conn, memory: Memory, browser: str | None, attempt_id: str, position: int
) -> async_sitting.QuestionScreen:
    """The question screen of the signed-in candidate's own attempt; anyone else's is not found."""
    screen = (
        await async_sitting.question_screen(conn, memory, attempt_id=attempt_id, browser=browser, position=position)
        if browser is not None
        else None
    )
    if screen is None:
        raise HTTPException(404)
    return screen


async def show_question(request: Request) -> Response:
    """The question screen, on the asyncio engine like the answer save: one read, the move, the page. An
    attempt whose time ran out is finalized (rarely, so on the ORM path) and shows its report. No
    transaction: the move is one statement, and the read needs no snapshot shared with it."""
    params = request.path_params
    return await _question_page(request, params["attempt_id"], params["position"], request_time(request))


async def _question_page(request: Request, attempt_id: str, position: int, now: datetime) -> Response:
    browser, memory = browser_key(request), request.app.state.memory
    async with request.app.state.hot_path.begin(each_statement_commits=True) as conn:
        screen = await _own_screen(conn, memory, browser, attempt_id, position)
        attempt = screen.attempt
        open_now = attempt.finalized_at is None and not rules.is_over(attempt.deadline, now)
        if open_now:
            if screen.item is None:
                raise rules.NoSuchQuestion(position, screen.progress["total"])
            blueprint = await async_sitting.blueprint(conn, memory, exam_hash=attempt.exam_hash, attempt_id=attempt_id)
            await async_sitting.move_to(conn, attempt=attempt, position=position, now=now)
    if not open_now:
        if attempt.finalized_at is None:
            await run_in_threadpool(_finalize_if_due, request, attempt_id, attempt.user_id, now)
        return _redirect(request, str(request.url_for("show_report", attempt_id=attempt_id).path))
    context = _screen_context(attempt, blueprint, screen.item, screen.question, screen.progress, position, now)
    walk = request.query_params.get("walk")
    context["walk"] = walk if walk in WALKS else None
    template = "attempts/_exam.html" if is_htmx(request) else "attempts/question.html"
    response = templates.TemplateResponse(request, template, context)
    response.headers["Vary"] = "HX-Request"
    response.headers["Cache-Control"] = "no-store"
    return response


async def save_answer(request: Request) -> Response:
    """Autosave of a selection (htmx, on every change). Answers with the saved-state indicator.

    It runs for every click of every candidate, so it takes no thread hop and no ORM session, and it is a
    plain Starlette endpoint: FastAPI's dependency solving and form validation were a sixth of its CPU. It
    does itself what the other routes get from dependencies: the CSRF check, the clock and the form.
    A page names the answer it shows as stored (`before`), which usually lets the save be one statement;
    otherwise it reads the item first. An attempt whose time ran out is refused here and finalized on the
    next page."""
    form = await read_checked_fields(request)
    now = request_time(request)
    attempt_id, position = request.path_params["attempt_id"], request.path_params["position"]
    sent = form.getlist("choice")
    choice = [token for token in sent if isinstance(token, str)]
    if len(choice) < len(sent):  # a multipart form can send a file where a letter belongs
        raise rules.InvalidSelection("An answer is a choice of the question's letters, not a file.")
    shown = form.get("before")
    browser, memory = browser_key(request), request.app.state.memory
    if browser is None:
        raise HTTPException(404)
    # No transaction around the read and the write: the write's own WHERE guards the deadline and the end,
    # and on PostgreSQL that saves the BEGIN and COMMIT round trips of every click.
    async with request.app.state.hot_path.begin(each_statement_commits=True) as conn:
        saved = None
        if isinstance(shown, str):
            saved = await _save_over_shown(
                conn,
                memory,
                attempt_id=attempt_id,
                browser=browser,
                position=position,
                now=now,
                choice=choice,
                shown=shown,
            )
        if saved is None:
            saved = await _save_after_reading(
                conn, memory, attempt_id=attempt_id, browser=browser, position=position, now=now, choice=choice
            )
    return _save_status(request, now, *saved)


async def _save_after_reading(
    conn, memory: Memory, *, attempt_id: str, browser: str, position: int, now: datetime, choice: list[str]
) -> tuple[tuple[str, ...], async_sitting.Answered]:
    """The save that reads the item's state first: every refusal and its message comes from here."""
    state = await async_sitting.answer_state(conn, memory, attempt_id=attempt_id, browser=browser, position=position)
    if state is None:
        raise HTTPException(404)
    rules.check_writable(deadline=state.deadline, finished=state.finalized, now=now)
    if state.question is None:
        raise rules.NoSuchQuestion(position, state.total)
    displayed = rules.DisplayedOptions(state.option_order)
    change = rules.plan_answer(
        before=state.selection,
        checked=state.checked,
        required=len(state.question.key),
        selection=rules.read_selection(displayed, choice, state.question),
    )
    if change is not None:
        await async_sitting.store_answer(conn, attempt_id=attempt_id, position=position, now=now, change=change)
    stored = change.selection if change is not None else state.selection
    return displayed.to_display(stored), state.answered_after(change)


@dataclass(frozen=True)
class _ShownPlan:
    facts: ItemFacts
    displayed: rules.DisplayedOptions
    before: frozenset[str]
    selection: frozenset[str]
    change: rules.AnswerChange | None


async def _plan_over_shown(
    conn, memory: Memory, *, attempt_id: str, position: int, now: datetime, choice: list[str], shown: str
) -> _ShownPlan | None:
    """The change from the answer a page shows as stored (`before`, its letters) to the one it sends, planned
    from this worker's memory of the item instead of a read; or None when that memory cannot decide it (the
    item unseen by this worker, its time over, or letters that do not read). Whose the item is, the write
    checks."""
    facts = memory.item(attempt_id, position)
    if facts is None or rules.is_over(facts.deadline, now):
        return None
    question = await async_sitting.question_of(conn, memory, facts)
    displayed = rules.DisplayedOptions(facts.option_order)
    try:
        before = displayed.to_stored(shown.split(","))
        selection = rules.read_selection(displayed, choice, question)
        change = rules.plan_answer(before=before, selection=selection, checked=False, required=len(question.key))
    except rules.ExamError:
        return None
    return _ShownPlan(facts, displayed, before, selection, change)


async def _save_over_shown(
    conn, memory: Memory, *, attempt_id: str, browser: str, position: int, now: datetime, choice: list[str], shown: str
) -> tuple[tuple[str, ...], async_sitting.Answered] | None:
    """The save in one statement, for a page that says which answer it showed: the facts of the item come
    from this worker's memory and the stored answer is checked in the write, instead of both being read
    first. Returns the letters stored and how many questions are answered (and incomplete), or None when
    anything is not as plain as that (the item unseen by this worker, a refusal, an unchanged or stale
    answer): then the save reads the state and decides as it always did, with the same messages."""
    plan = await _plan_over_shown(
        conn, memory, attempt_id=attempt_id, position=position, now=now, choice=choice, shown=shown
    )
    if plan is None or plan.change is None:
        return None
    answered = await async_sitting.store_answer_over(
        conn,
        attempt_id=attempt_id,
        browser=browser,
        position=position,
        facts=plan.facts,
        now=now,
        before=plan.before,
        change=plan.change,
    )
    return (plan.displayed.to_display(plan.selection), answered) if answered is not None else None


async def _store_carried(
    conn,
    memory: Memory,
    *,
    attempt_id: str,
    browser: str,
    position: int,
    now: datetime,
    choice: list[str],
    shown: str | None,
) -> None:
    """The selection the exam form carries, stored as the autosave stores it. Nothing is written when it is
    the answer the page shows as stored (`before`): the page's autosave stored it already, and pressing Next
    on a page another tab has since changed does not undo that tab's answer."""
    plan = None
    if isinstance(shown, str):
        plan = await _plan_over_shown(
            conn, memory, attempt_id=attempt_id, position=position, now=now, choice=choice, shown=shown
        )
    if plan is not None and plan.change is None:
        return
    if (
        plan is not None
        and plan.change is not None
        and await async_sitting.store_answer_over(
            conn,
            attempt_id=attempt_id,
            browser=browser,
            position=position,
            facts=plan.facts,
            now=now,
            before=plan.before,
            change=plan.change,
        )
        is not None
    ):
        return
    await _save_after_reading(
        conn, memory, attempt_id=attempt_id, browser=browser, position=position, now=now, choice=choice
    )


def _save_status(
    request: Request, now: datetime, letters: tuple[str, ...], answered: async_sitting.Answered
) -> Response:
    """The saved-state indicator, how many questions are answered, and the answer the page now shows as
    stored. Rendered straight from the template: the fragment needs nothing of the request, and
    TemplateResponse's own work cost about as much as the rendering."""
    if not is_htmx(request):
        return _redirect(
            request, _question_url(request, request.path_params["attempt_id"], request.path_params["position"])
        )
    # The time formatted here: a method called from a template goes through Jinja's Context.call.
    return HTMLResponse(
        render_fragment(
            _SAVE_STATUS,
            saved_at=f"{now:%H:%M:%S}",
            saved_iso=f"{now:%Y-%m-%dT%H:%M:%S}+00:00",
            ok=True,
            answered_now=answered.answered,
            incomplete_now=answered.incomplete,
            stored=",".join(letters),
        )
    )


_SAVE_STATUS = templates.get_template("attempts/_save_status.html")


SAVE_ROUTE = Route(
    "/attempts/{attempt_id}/questions/{position:position}/answer", save_answer, methods=["POST"], name="save_answer"
)
VIEW_ROUTE = Route(
    "/attempts/{attempt_id}/questions/{position:position}",
    show_question,
    methods=["GET"],
    name="show_question",
)

ACTION_PATTERN = r"^(save|next|previous|flag|review|end|check|strike-[A-H])$"


class ExamForm(BaseModel):
    """The exam form's fields, checked by this one model whichever route receives them."""

    choice: list[str] = []
    action: Annotated[str, PydanticField(pattern=ACTION_PATTERN)] = "save"
    carries_selection: bool = False
    # A set of questions walked from the review screen: Next and Previous stay within it.
    walk: Literal["unanswered", "incomplete", "flagged"] | None = None

    @classmethod
    def read(cls, fields: FormData) -> ExamForm:
        """The model of a posted form, refused as FastAPI refuses a form it cannot read. An empty field counts
        as absent, as it does in FastAPI's forms."""
        present = {
            name: value
            for name in ("action", "carries_selection", "walk")
            if (value := fields.get(name)) not in (None, "")
        }
        try:
            return cls(choice=fields.getlist("choice"), **present)
        except ValidationError as error:
            raise RequestValidationError(
                [{**detail, "loc": ("body", *detail["loc"])} for detail in error.errors()]
            ) from None


async def act_on_question(request: Request) -> Response:
    """The exam form: saves the selection it carries, then does what the pressed button asks. Works without
    JavaScript (POST, then redirect) and with htmx (the next screen as a fragment). A request that does not
    say it carries the selection leaves the stored answer alone, so a bare flag never erases an answer. The
    form names the answer its page shows as stored (`before`), as the autosave's does."""
    fields = await read_checked_fields(request)
    shown = fields.get("before")
    params = request.path_params
    return await _act(
        request,
        params["attempt_id"],
        params["position"],
        request_time(request),
        ExamForm.read(fields),
        shown=shown if isinstance(shown, str) else None,
    )


async def _act(
    request: Request, attempt_id: str, position: int, now: datetime, form: ExamForm, shown: str | None
) -> Response:
    browser = browser_key(request)
    if browser is None:
        raise HTTPException(404)
    if form.action in ("save", "next", "previous"):
        return await _save_and_move(request, attempt_id, position, now, form, shown, browser)
    return await _act_on_item(request, attempt_id, position, now, form, browser)


async def _save_and_move(
    request: Request, attempt_id: str, position: int, now: datetime, form: ExamForm, shown: str | None, browser: str
) -> Response:
    """Save, Next and Previous: the carried selection stored as the autosave stores it, then the screen they
    lead to, read after the save. No transaction, as for the save and the view: each write is guarded in SQL,
    and a refused save raises before anything moves."""
    memory = request.app.state.memory
    async with request.app.state.hot_path.begin(each_statement_commits=True) as conn:
        if form.carries_selection:
            await _store_carried(
                conn,
                memory,
                attempt_id=attempt_id,
                browser=browser,
                position=position,
                now=now,
                choice=form.choice,
                shown=shown,
            )
        target = {"next": position + 1, "previous": max(position - 1, 1)}.get(form.action, position)
        if form.walk and form.action in ("next", "previous"):
            walked = await run_in_threadpool(_walk_positions, request, attempt_id, form.walk)
            target = rules.walk_step(walked, position, forward=form.action == "next") or 0
        screen = await _own_screen(conn, memory, browser, attempt_id, target or position)
        total = screen.progress["total"]
        # Next on the last question leads to the review screen, as AWS's does; so does the end of a walk.
        leaves_for_review = (target > total or target == 0) and 1 <= position <= total
        if leaves_for_review:
            target = position
            screen = await _own_screen(conn, memory, browser, attempt_id, target)
        attempt = screen.attempt
        rules.check_writable(deadline=attempt.deadline, finished=attempt.finalized_at is not None, now=now)
        if not 1 <= position <= total or screen.item is None:
            raise rules.NoSuchQuestion(position, total)
        blueprint = await async_sitting.blueprint(conn, memory, exam_hash=attempt.exam_hash, attempt_id=attempt_id)
        await async_sitting.move_to(conn, attempt=attempt, position=target, now=now)
    if leaves_for_review:
        review = str(request.url_for("review_screen", attempt_id=attempt_id).path)
        return _redirect(request, review + (f"?filter={form.walk}" if form.walk else ""))
    url = _question_url(request, attempt_id, target) + (f"?walk={form.walk}" if form.walk else "")
    if not is_htmx(request):
        return RedirectResponse(url, status_code=303)
    response = templates.TemplateResponse(
        request,
        "attempts/_exam.html",
        _screen_context(attempt, blueprint, screen.item, screen.question, screen.progress, target, now)
        | {"walk": form.walk},
    )
    if target != position:
        response.headers["HX-Push-Url"] = url
    return response


async def _act_on_item(
    request: Request, attempt_id: str, position: int, now: datetime, form: ExamForm, browser: str
) -> Response:
    """A flag, a cross-out, a check, or leaving for the review screen or the end: in one transaction, with
    the carried selection saved first."""
    action, memory = form.action, request.app.state.memory
    async with request.app.state.hot_path.begin() as conn:
        screen = await _own_screen(conn, memory, browser, attempt_id, position)
        attempt, item, question = screen.attempt, screen.item, screen.question
        rules.check_writable(deadline=attempt.deadline, finished=attempt.finalized_at is not None, now=now)
        if item is None or question is None:
            raise rules.NoSuchQuestion(position, screen.progress["total"])
        displayed = rules.DisplayedOptions(item.order)
        selection = item.chosen
        if form.carries_selection:
            change = rules.plan_answer(
                before=selection,
                checked=item.checked_at is not None,
                required=len(question.key),
                selection=rules.read_selection(displayed, form.choice, question),
            )
            if change is not None:
                await async_sitting.store_answer(conn, attempt_id=attempt_id, position=position, now=now, change=change)
                selection = change.selection
        if action == "flag":
            await async_sitting.update_item(
                conn, attempt_id=attempt_id, position=position, now=now, flagged=not item.flagged
            )
        elif action.startswith("strike-"):
            option = displayed.to_stored([action.removeprefix("strike-")])
            struck = item.crossed_out ^ option
            # Crossing out a chosen option takes it out of the answer, as eliminating it means.
            if option & selection and option <= struck:
                change = rules.plan_answer(
                    before=selection,
                    selection=selection - option,
                    checked=item.checked_at is not None,
                    required=len(question.key),
                )
                if change is not None:
                    await async_sitting.store_answer(
                        conn, attempt_id=attempt_id, position=position, now=now, change=change
                    )
                    selection = change.selection
            await async_sitting.cross_out(conn, attempt_id=attempt_id, position=position, now=now, struck=struck)
        elif action == "check":
            if attempt.mode == "exam":
                raise rules.ExamError(
                    "Checking an answer is for practice; in an exam the answers come with the report."
                )
            if item.checked_at is None and not selection:
                raise rules.InvalidSelection("Choose your answer first; checking shows the key only for an answer.")
            if item.checked_at is None:
                await async_sitting.check_answer(
                    conn,
                    attempt_id=attempt_id,
                    position=position,
                    now=now,
                    selection=selection,
                    correct=is_correct(selection, question.key),
                )
        if action not in ("review", "end"):
            await async_sitting.move_to(conn, attempt=attempt, position=position, now=now)
            if is_htmx(request):
                screen = await _own_screen(conn, memory, browser, attempt_id, position)
                blueprint = await async_sitting.blueprint(
                    conn, memory, exam_hash=attempt.exam_hash, attempt_id=attempt_id
                )
    if action == "review":
        return _redirect(request, str(request.url_for("review_screen", attempt_id=attempt_id).path))
    if action == "end":
        return _redirect(request, str(request.url_for("confirm_end", attempt_id=attempt_id).path))
    if not is_htmx(request):
        anchor = f"#option-{action.removeprefix('strike-')}" if action.startswith("strike-") else ""
        return RedirectResponse(_question_url(request, attempt_id, position) + anchor, status_code=303)
    return templates.TemplateResponse(
        request,
        "attempts/_exam.html",
        _screen_context(screen.attempt, blueprint, screen.item, screen.question, screen.progress, position, now),
    )


ACT_ROUTE = Route(
    "/attempts/{attempt_id}/questions/{position:position}",
    act_on_question,
    methods=["POST"],
    name="act_on_question",
)
# The sitting's three endpoints run for every click of every candidate: plain Starlette endpoints that read
# their form, clock and session themselves (FastAPI's dependency solving and form parsing were a sixth of
# their CPU), given to the app first so they are matched before FastAPI walks its included routers.
SITTING_ROUTES: list[BaseRoute] = [SAVE_ROUTE, VIEW_ROUTE, ACT_ROUTE]


@router.get("/attempts/{attempt_id}/clock", name="clock", responses=errors(404), tags=["json"])
def clock(request: Request, sitting: SittingDep, now: Now) -> JSONResponse:
    """The server's remaining time, for the page's countdown to correct itself against."""
    attempt = sitting.attempt
    return JSONResponse(
        {
            "finished": sitting.finished,
            "remaining_seconds": 0 if sitting.finished else rules.remaining(attempt.deadline, now).total_seconds(),
            "deadline": attempt.deadline.isoformat(),
        },
        headers={"Cache-Control": "no-store"},
    )


Filter = Literal["all", "unanswered", "incomplete", "flagged"]


WALKS = ("unanswered", "incomplete", "flagged")


def _walk_positions(request: Request, attempt_id: str, walk: str) -> list[int]:
    """The positions of the set a walk follows, as the review screen counts them now."""
    with Session(request.app.state.engine) as session:
        rows = attempts.items(session=session, attempt_id=attempt_id)
        if walk == "flagged":
            return [r.position for r in rows if r.flagged]
        states = _answer_states(rows)
        return [r.position for r in rows if states[r.position] == walk]


def _answer_states(rows: list[AttemptItem]) -> dict[int, str]:
    """Each position's state: unanswered, incomplete (fewer options or pairs than the question takes) or
    answered. How many a complete answer has is no secret: the screen says it."""
    return {r.position: rules.answer_state(r.chosen, r.required) for r in rows}


def _counts(rows: list[AttemptItem], states: dict[int, str]) -> dict[str, int]:
    return {
        "all": len(rows),
        "unanswered": sum(1 for state in states.values() if state == "unanswered"),
        "incomplete": sum(1 for state in states.values() if state == "incomplete"),
        "flagged": sum(1 for r in rows if r.flagged),
    }


@router.get("/attempts/{attempt_id}/review", name="review_screen")
def review_screen(
    request: Request, sitting: SittingDep, session: SessionDep, now: Now, filter: Filter = "all"
) -> Response:
    if sitting.finished:
        return _redirect(request, str(request.url_for("show_report", attempt_id=sitting.attempt.id).path))
    rows = attempts.items(session=session, attempt_id=sitting.attempt.id)
    states = _answer_states(rows)
    shown = [r for r in rows if filter == "all" or (filter == "flagged" and r.flagged) or states[r.position] == filter]
    counts = _counts(rows, states)
    return templates.TemplateResponse(
        request,
        "attempts/review.html",
        {
            "attempt": sitting.attempt,
            "blueprint": sitting.blueprint,
            "rows": shown,
            "states": states,
            "counts": counts,
            "total": len(rows),
            "filter": filter,
            "unanswered": counts["unanswered"],
            "incomplete": counts["incomplete"],
            "flagged": counts["flagged"],
            "remaining": rules.remaining(sitting.attempt.deadline, now),
        },
    )


@router.get("/attempts/{attempt_id}/end", name="confirm_end")
def confirm_end(request: Request, sitting: SittingDep, session: SessionDep, now: Now) -> Response:
    if sitting.finished:
        return _redirect(request, str(request.url_for("show_report", attempt_id=sitting.attempt.id).path))
    rows = attempts.items(session=session, attempt_id=sitting.attempt.id)
    counts = _counts(rows, _answer_states(rows))
    return templates.TemplateResponse(
        request,
        "attempts/end.html",
        {
            "attempt": sitting.attempt,
            "blueprint": sitting.blueprint,
            "total": len(rows),
            "unanswered": counts["unanswered"],
            "incomplete": counts["incomplete"],
            "flagged": counts["flagged"],
            "remaining": rules.remaining(sitting.attempt.deadline, now),
        },
    )


@router.post("/attempts/{attempt_id}/end", name="end_attempt")
def end_attempt(request: Request, sitting: SittingDep, session: SessionDep, memory: MemoryDep, now: Now) -> Response:
    """Ends the exam. Ending twice, or racing the deadline, finalizes once; every caller lands on the report."""
    if not sitting.finished:
        attempts.finalize(
            session=session,
            memory=memory,
            attempt=sitting.attempt,
            blueprint=sitting.blueprint,
            now=now,
            reason="submitted",
        )
    return _redirect(request, str(request.url_for("show_report", attempt_id=sitting.attempt.id).path))


def _finished_or_404(sitting: Sitting) -> None:
    # Until the end the report, the key and which questions were unscored do not exist for the candidate.
    if not sitting.finished:
        raise HTTPException(404)


@router.get("/attempts/{attempt_id}/report", name="show_report")
def show_report(request: Request, sitting: SittingDep, session: SessionDep) -> Response:
    if not sitting.finished:
        return _redirect(request, _question_url(request, sitting.attempt.id, sitting.attempt.position))
    attempt = sitting.attempt
    assert attempt.result is not None and attempt.finalized_at is not None  # as they are once it is finished
    rows = attempts.items(session=session, attempt_id=attempt.id)
    cut = Fraction(attempt.result["raw_cut"])
    return templates.TemplateResponse(
        request,
        "attempts/report.html",
        {
            **_sitting_habits(session, request.app.state.memory, attempt, rows),
            "attempt": attempt,
            "blueprint": sitting.blueprint,
            "result": attempt.result,
            "raw_cut": f"{float(cut):g}",
            "cut_percent": f"{float(Fraction(attempt.result['cut_fraction']) * 100):g}",
            "time_used": attempt.finalized_at - attempt.started_at,
            "unscored": [r.position for r in rows if not r.scored],
            "incorrect": sum(1 for r in rows if r.correct is False),
        },
    )


def _sitting_habits(session, memory: Memory, attempt: Attempt, rows: list[AttemptItem]) -> dict:
    """Pace, changed answers and flagged accuracy: the habits that decide a real sitting."""
    questions = bank.versions(session=session, memory=memory, version_ids=[r.version_id for r in rows])
    sat = [
        progress.SatItem(
            r.position,
            r.seconds_spent,
            r.flagged,
            r.first_chosen,
            r.chosen,
            questions[r.version_id].key,
            r.changes,
        )
        for r in rows
    ]
    # Untimed practice has no pace to keep: its time is spread over a week, not a sitting.
    timed = attempt.mode == "exam" or bool((attempt.config or {}).get("timed"))
    pace = progress.pace_seconds(attempt.minutes, len(rows)) if timed else None
    slow = {i.position for i in progress.over_pace(sat, pace)} if pace else set()
    chart = charts.bar_chart(
        [charts.Bar(str(i.position), i.seconds, i.position in slow) for i in sat],
        title="Time spent on each question",
        unit=" s",
        reference=pace,
        reference_label=f"even pace {pace:.0f} s" if pace else "",
        description=f"Seconds per question, 1 to {len(sat)}"
        + (
            f", against the even pace of {pace:.0f} seconds; {len(slow)} took more than twice the pace."
            if pace
            else "."
        ),
    )
    flagged, unflagged = progress.flagged_accuracy(sat)
    return {
        "pace": pace,
        "pace_chart": chart,
        "slow": sorted(slow),
        "sat": sat,
        "changes": progress.answer_changes(sat),
        "flagged_accuracy": flagged,
        "unflagged_accuracy": unflagged,
    }


ReviewFilter = Literal["all", "incorrect", "flagged", "unanswered"]


@dataclass
class ReviewedItem:
    row: AttemptItem
    question: Question
    options: list[tuple[str, Option, bool, bool]]
    pairs: list[rules.PairRow]


def _reviewed(session, memory: Memory, rows: list[AttemptItem]) -> list[ReviewedItem]:
    questions = bank.versions(session=session, memory=memory, version_ids=[r.version_id for r in rows])
    reviewed = []
    for row in rows:
        question = questions[row.version_id]
        displayed = rules.DisplayedOptions(row.order)
        selection = row.chosen
        options = [
            (letter, question.option(stored), stored in selection, stored in question.key)
            for letter, stored in zip(displayed.letters, displayed.order, strict=True)
        ]
        pairs = rules.pair_rows(question, displayed, selection, reveal=True) if question.paired else []
        reviewed.append(ReviewedItem(row, question, options, pairs))
    return reviewed


def _filtered(rows: list[AttemptItem], how: ReviewFilter) -> list[AttemptItem]:
    keep = {
        "all": lambda r: True,
        "incorrect": lambda r: r.correct is False,
        "flagged": lambda r: r.flagged,
        "unanswered": lambda r: not r.selection,
    }[how]
    return [r for r in rows if keep(r)]


@router.get("/attempts/{attempt_id}/domains/{domain_code}", name="domain_review")
def domain_review(
    request: Request,
    domain_code: str,
    sitting: SittingDep,
    session: SessionDep,
    filter: ReviewFilter = "all",
    reported: int | None = None,
) -> Response:
    _finished_or_404(sitting)
    try:
        domain = sitting.blueprint.domain(domain_code)
    except KeyError:
        raise HTTPException(404) from None
    rows = [r for r in attempts.items(session=session, attempt_id=sitting.attempt.id) if r.domain == domain.code]
    items = _reviewed(session, request.app.state.memory, _filtered(rows, filter))
    return templates.TemplateResponse(
        request,
        "attempts/answers.html",
        {
            "attempt": sitting.attempt,
            "blueprint": sitting.blueprint,
            "domain": domain,
            "filter": filter,
            "items": items,
            "aids": aids_by_question(session, sitting.blueprint.code, [item.question for item in items]),
            "count": len(rows),
            "reported": reported,
            "title": f"{domain.code} {domain.name}",
            "filter_url": request.url_for("domain_review", attempt_id=sitting.attempt.id, domain_code=domain.code).path,
        },
    )


@router.get("/attempts/{attempt_id}/answers", name="answers_review")
def answers_review(
    request: Request,
    sitting: SittingDep,
    session: SessionDep,
    filter: ReviewFilter = "all",
    reported: int | None = None,
) -> Response:
    """Every question of the paper in order (or the incorrect, flagged or unanswered ones), with the answer,
    the key and every explanation: the whole review in one page, printable."""
    _finished_or_404(sitting)
    rows = attempts.items(session=session, attempt_id=sitting.attempt.id)
    items = _reviewed(session, request.app.state.memory, _filtered(rows, filter))
    titles = {
        "all": "All answers, in order",
        "incorrect": "Incorrect answers",
        "flagged": "Flagged questions",
        "unanswered": "Unanswered questions",
    }
    return templates.TemplateResponse(
        request,
        "attempts/answers.html",
        {
            "attempt": sitting.attempt,
            "blueprint": sitting.blueprint,
            "domain": None,
            "filter": filter,
            "items": items,
            "aids": aids_by_question(session, sitting.blueprint.code, [item.question for item in items]),
            "count": len(rows),
            "reported": reported,
            "title": titles[filter],
            "filter_url": request.url_for("answers_review", attempt_id=sitting.attempt.id).path,
        },
    )


@router.post("/attempts/{attempt_id}/questions/{position}/report", name="report_problem")
def report_problem(
    request: Request,
    position: RowId,
    sitting: SittingDep,
    session: SessionDep,
    now: Now,
    kind: Annotated[str, Form(pattern="^(wrong-key|unclear|other)$")],
    comment: Annotated[str, Form(max_length=2000)] = "",
    shown_in: Annotated[ReviewFilter | None, Form()] = None,
) -> Response:
    """A candidate reviewing a finished attempt reports a suspected wrong key or unclear wording, and comes
    back to the same question on the page they reported from (`shown_in`: the answers page and its filter;
    otherwise the question's domain page), with the thank-you beside it."""
    _finished_or_404(sitting)
    item = attempts.get_item(session=session, attempt_id=sitting.attempt.id, position=position)
    if item is None:
        raise HTTPException(404)
    reports.add_report(
        session=session,
        user_id=sitting.attempt.user_id,
        exam_code=sitting.attempt.exam_code,
        question_slug=item.question_slug,
        version_id=item.version_id,
        kind=kind,
        comment=comment.strip(),
        now=now,
    )
    if shown_in is not None:
        back = f"{request.url_for('answers_review', attempt_id=sitting.attempt.id).path}?filter={shown_in}&"
    else:
        back = f"{request.url_for('domain_review', attempt_id=sitting.attempt.id, domain_code=item.domain).path}?"
    return RedirectResponse(f"{back}reported={position}#q{position}", status_code=303)
