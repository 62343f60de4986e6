"""What routes receive: the database session, the clock, the current user, the templates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, HTTPException, Path, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Template, pass_context
from markupsafe import Markup
from sqlmodel import Session
from starlette.datastructures import FormData

from app.config import ROOT
from app.db import users
from app.db.memory import Memory
from app.db.tables import User
from app.domain import progress, scoring
from app.web import csrf, markdown

templates = Jinja2Templates(directory=str(ROOT / "templates"))
templates.env.auto_reload = False  # templates ship with the code: no file check on every render
templates.env.filters["md"] = markdown.render
templates.env.filters["md_inline"] = markdown.render_inline


def _clock(value: timedelta | float) -> str:
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    hours, rest = divmod(max(seconds, 0), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


templates.env.filters["clock"] = _clock


def _when(moment: datetime) -> Markup:
    """A moment as UTC text in a <time> element; the page's script shows it in the reader's own time zone."""
    return Markup('<time datetime="{}">{} UTC</time>').format(
        moment.astimezone(UTC).isoformat(timespec="seconds"), moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    )


templates.env.filters["when"] = _when
templates.env.filters["verdict"] = scoring.verdict
templates.env.filters["answer_change"] = progress.change_of


class Paths:
    """Paths by route name and parameters, each worked out once: Starlette finds a route by trying every
    route in turn (about 20 µs), and a question page names a dozen. Paths rather than absolute URLs, so
    pages stay right behind any proxy or host name."""

    def __init__(self, app) -> None:
        self.app = app
        self._cached = lru_cache(maxsize=16_384)(self._path)

    def _path(self, name: str, params: tuple) -> str:
        return str(self.app.url_path_for(name, **dict(params)))

    def __call__(self, name: str, /, **params) -> str:
        return self._cached(name, tuple(params.items()))


def paths(request: Request) -> Paths:
    return request.app.state.paths


@pass_context
def path_for(context, name: str, /, **params) -> str:
    return paths(context["request"])(name, **params)


templates.env.globals["path_for"] = path_for
templates.env.globals["csrf_field"] = csrf.csrf_field
templates.env.globals["csrf_token"] = csrf.csrf_token


def render_fragment(template: Template, **values) -> str:
    """A fragment that uses no globals (no links, no CSRF field), rendered from its values alone. `render`
    first copies the environment's globals into the context, through a ChainMap, and for a fragment of
    three lines that cost a third of the rendering."""
    try:
        return template.environment.concat(template.root_render_func(template.new_context(values, shared=True)))
    except Exception:
        return template.environment.handle_exception()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the route. It is opened and closed on the event loop, not the thread pool: closing
    only hands the connection back to the pool, and a request that must wait for a free thread before it
    can give its connection back stalls the worker once the waiting requests hold every thread."""
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def request_time(request: Request) -> datetime:
    """The time, by the app's clock (`app.state.clock`, which tests set), for routes and plain endpoints
    alike."""
    return request.app.state.clock()


SessionDep = Annotated[Session, Depends(get_session)]
# Ids and positions in paths: beyond what an INTEGER column holds they name nothing (and SQLite cannot even
# compare a number past 2**63), so they are refused as input before any query.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(le=MAX_ROW_ID)]
Now = Annotated[datetime, Depends(request_time)]


def app_memory(request: Request) -> Memory:
    """The app's memory of things that never change once stored (app.db.memory)."""
    return request.app.state.memory


MemoryDep = Annotated[Memory, Depends(app_memory)]

SESSION_KEY = "sid"


def session_token(request: Request) -> str | None:
    """The token of this browser's session, as its signed cookie holds it; whether the session is still
    live is for the database to say."""
    token = request.session.get(SESSION_KEY)
    return token if isinstance(token, str) else None


def browser_key(request: Request) -> str | None:
    """How the database names this browser's session (the hash of its token), for the sitting's reads and
    writes, which check it in the same statement."""
    token = session_token(request)
    return users.token_hash(token) if token else None


def optional_user(request: Request, session: SessionDep) -> User | None:
    token = session_token(request)
    return users.session_user(session=session, token=token) if token else None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def starting_candidate(
    request: Request, session: SessionDep, now: Now, user: Annotated[User | None, Depends(optional_user)]
) -> User:
    """The candidate starting an attempt: the signed-in one, or a guest tied to this browser by a session of
    its own. Guests' attempts are limited per network address and hour, and counted before any row is made;
    a new guest also clears out a few guests abandoned long ago."""
    if user is not None and user.email is not None:
        return user
    settings = request.app.state.settings
    users.claim_guest_start(
        session=session, address=client_address(request), limit=settings.guest_attempts_per_hour, now=now
    )
    if user is None:
        users.purge_abandoned_guests(session=session, idle_since=now - timedelta(days=settings.guest_days), batch=10)
        user, request.session[SESSION_KEY] = users.create_guest(session=session, now=now)
    return user


def studying_candidate(
    request: Request, session: SessionDep, now: Now, user: Annotated[User | None, Depends(optional_user)]
) -> User:
    """The candidate grading a flashcard: whoever this browser already is, or a new guest made as for an
    attempt (so a first grade counts against the guest limit once, not every grade)."""
    return user if user is not None else starting_candidate(request, session, now, None)


MaybeUser = Annotated[User | None, Depends(optional_user)]
StartingCandidate = Annotated[User, Depends(starting_candidate)]
StudyingCandidate = Annotated[User, Depends(studying_candidate)]


URLENCODED = "application/x-www-form-urlencoded"
MAX_FORM_FIELDS = 1000


async def read_fields(request: Request) -> FormData:
    """The submitted form's fields (any files in it are closed unread). A url-encoded form is parsed by the
    standard library, in a quarter of the time Starlette's streaming parser took on an autosave's two
    fields; anything else goes to Starlette."""
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() != URLENCODED:
        form = await request.form()
        await form.close()
        return form
    body = await request.body()
    try:
        fields = parse_qsl(body.decode("latin-1"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise HTTPException(400, f"The form has more than {MAX_FORM_FIELDS} fields, so nothing was changed.") from None
    return FormData(fields)  # type: ignore[arg-type]  # Starlette wants list[tuple[str, str | UploadFile]] (invariant)


async def read_checked_fields(request: Request) -> FormData:
    """The form's fields, for a plain endpoint, once the request is known to carry this session's CSRF
    token: in its header, checked before the body is read, or else as the form's field, as `verify_csrf`
    takes it. The endpoint reads the body itself, so the token's field must come from these fields."""
    if not csrf.needs_token(request):
        return await read_fields(request)
    sent = request.headers.get(csrf.HEADER)
    if sent is not None:
        csrf.check_token(request, sent)
        return await read_fields(request)
    fields = await read_fields(request)
    csrf.check_token(request, fields.get(csrf.FIELD))
    return fields


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"
