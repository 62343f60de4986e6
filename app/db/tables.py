"""The schema. Alembic migrations in migrations/ are generated from these tables and reviewed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, MetaData, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database: SQLite keeps no zone, so one is put back on reading."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("datetimes stored must be timezone-aware")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # SQLite returns naive values, PostgreSQL the connection's zone: both come back as UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc(**kwargs):
    return Field(sa_column=Column(UTCDateTime(), **kwargs))


# Integer ids that name something a browser or a link can hold are never handed out twice: SQLite's
# AUTOINCREMENT, as PostgreSQL's sequences, skips the ids of deleted rows.
NEVER_REUSED = {"sqlite_autoincrement": True}

# An autoincrement `id` is typed `int`, as SQLAlchemy types such a key (`Mapped[int]`): it is None only on a
# new row until the session flushes it, and the code reads the ids of stored rows.


class Exam(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    title: str = Field(max_length=200)
    blueprint: dict = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)


class Question(SQLModel, table=True):
    """A question's identity; its content lives in immutable versions."""

    __table_args__ = (UniqueConstraint("exam_code", "slug"),)

    id: int = Field(default=None, primary_key=True)
    exam_code: str = Field(foreign_key="exam.code", max_length=32)
    slug: str = Field(max_length=120)
    domain: str = Field(max_length=16)
    task: str = Field(max_length=16)
    status: str = Field(default="active", max_length=16)
    current_version_id: int | None = Field(default=None)
    # The case study of its current version, so that a paper can be drawn with whole case studies from this
    # table alone.
    case_study: str | None = Field(default=None, max_length=120)
    # Items of finalized exams that showed this question, kept as a count so that an exam start reads no
    # history: it decides which questions are still being calibrated (DESIGN: unscored slots).
    exam_responses: int = Field(default=0)


class QuestionVersion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("question_id", "content_hash"),)

    id: int = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    content_hash: str = Field(max_length=64)
    content: dict = Field(sa_column=Column(JSON, nullable=False))
    # The content's option ids ("A,B,C,D"), so drawing a paper need not parse every question's JSON.
    option_ids: str = Field(default="", max_length=64)
    # How many options or pairs a complete answer has (the key's size), so a paper's items carry it.
    required: int = Field(default=1)
    created_at: datetime = _utc(nullable=False)


class ImportBatch(SQLModel, table=True):
    """One upload of questions: checked (a dry run, nothing stored), then perhaps committed."""

    __table_args__ = NEVER_REUSED

    id: int = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    exam_code: str = Field(foreign_key="exam.code", max_length=32)
    filename: str = Field(max_length=255)
    format: str = Field(max_length=16)
    options: dict = Field(sa_column=Column(JSON, nullable=False))
    data: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=16)
    report: dict = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _utc(nullable=False)
    committed_at: datetime | None = _utc(nullable=True)


class ProblemReport(SQLModel, table=True):
    """A candidate's report of a suspected wrong key or unclear wording, for the admins' queue."""

    __table_args__ = NEVER_REUSED

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    exam_code: str = Field(foreign_key="exam.code", max_length=32)
    question_slug: str = Field(max_length=120, index=True)
    version_id: int = Field(foreign_key="questionversion.id")
    kind: str = Field(max_length=16)
    comment: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=16)
    created_at: datetime = _utc(nullable=False)


class Regrade(SQLModel, table=True):
    """A deliberate change to past results after a key was corrected (DESIGN rule 4), kept for the record."""

    __table_args__ = NEVER_REUSED

    id: int = Field(default=None, primary_key=True)
    admin_id: int | None = Field(default=None, foreign_key="user.id")  # None once that account is deleted
    exam_code: str = Field(foreign_key="exam.code", max_length=32)
    question_slug: str = Field(max_length=120)
    version_id: int = Field(foreign_key="questionversion.id")
    changes: list = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _utc(nullable=False)


class ApiToken(SQLModel, table=True):
    """An administrator's token for scripts; only its hash is kept. It works until it expires or is
    revoked (the row deleted), and only while its administrator is one."""

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=100)
    created_at: datetime = _utc(nullable=False)
    expires_at: datetime = _utc(nullable=False)
    last_used_at: datetime | None = _utc(nullable=True)


class User(SQLModel, table=True):
    __table_args__ = NEVER_REUSED

    id: int = Field(default=None, primary_key=True)
    role: str = Field(default="candidate", max_length=16)
    email: str | None = Field(default=None, max_length=320, unique=True)
    password_hash: str | None = Field(default=None, max_length=255)
    created_at: datetime = _utc(nullable=False)


class BrowserSession(SQLModel, table=True):
    """A signed-in (or guest) browser. The cookie holds a random token, this table only its hash; signing
    out, changing the password, deleting the account and "sign out everywhere" delete rows here, which ends
    those sessions in every worker at once."""

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = _utc(nullable=False)


class PendingSignUp(SQLModel, table=True):
    """A sign-up waiting for its owner to follow the link emailed to the address (when mail is set up)."""

    token_hash: str = Field(primary_key=True, max_length=64)
    email: str = Field(max_length=320, index=True)
    password_hash: str = Field(max_length=255)
    created_at: datetime = _utc(nullable=False)


class PasswordReset(SQLModel, table=True):
    """A one-time link that sets a new password: issued by an administrator or requested by email. Only the
    token's hash is kept; using it, or issuing a newer one, deletes it."""

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = _utc(nullable=False)
    expires_at: datetime = _utc(nullable=False)


class AccountMail(SQLModel, table=True):
    """When an account email (a sign-up link, a note that someone tried, a reset link) last went to an address,
    so that no one can have the site flood an inbox."""

    email: str = Field(primary_key=True, max_length=320)
    sent_at: datetime = _utc(nullable=False)


class GuestStart(SQLModel, table=True):
    """An attempt a guest started, by network address, kept an hour so the limit holds across processes."""

    __table_args__ = (Index("ix_gueststart_address_at", "address", "at"),)

    id: int = Field(default=None, primary_key=True)
    address: str = Field(max_length=64)
    at: datetime = _utc(nullable=False)


class SignInFailure(SQLModel, table=True):
    """A failed sign-in, kept a while so throttling works across processes and restarts."""

    __table_args__ = (
        Index("ix_signinfailure_email_at", "email", "at"),
        Index("ix_signinfailure_address_at", "address", "at"),
    )

    id: int = Field(default=None, primary_key=True)
    email: str = Field(max_length=320)
    address: str = Field(max_length=64)
    at: datetime = _utc(nullable=False)


class Attempt(SQLModel, table=True):
    __table_args__ = (Index("ix_attempt_user_open", "user_id", "finalized_at"),)

    id: str = Field(primary_key=True, max_length=32)
    user_id: int = Field(foreign_key="user.id")
    exam_code: str = Field(foreign_key="exam.code", max_length=32)
    mode: str = Field(default="exam", max_length=16)
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    minutes: float
    started_at: datetime = _utc(nullable=False)
    deadline: datetime = _utc(nullable=False)
    position: int = Field(default=1)
    position_entered_at: datetime | None = _utc(nullable=True)
    finalized_at: datetime | None = _utc(nullable=True)
    finalize_reason: str | None = Field(default=None, max_length=16)
    result: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    config: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class StoredAnswer:
    """An item's paper order, answer and cross-outs as the code reads them: option ids (or slot=option
    pairs), never the comma-joined text they are stored as."""

    if TYPE_CHECKING:  # the columns of the classes that mix it in; not fields of their own
        option_order: str
        selection: str
        struck: str

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(self.option_order.split(","))

    @property
    def chosen(self) -> frozenset[str]:
        return answer_tokens(self.selection)

    @property
    def crossed_out(self) -> frozenset[str]:
        return answer_tokens(self.struck)


def answer_tokens(text: str) -> frozenset[str]:
    """The option ids (or pairs) of an answer as stored."""
    return frozenset(token for token in text.split(",") if token)


def answer_text(tokens: Iterable[str]) -> str:
    """An answer as it is stored: its option ids (or pairs) comma-joined, sorted, so one answer is one text."""
    return ",".join(sorted(tokens))


class AttemptItem(StoredAnswer, SQLModel, table=True):
    attempt_id: str = Field(foreign_key="attempt.id", primary_key=True, max_length=32)
    position: int = Field(primary_key=True)
    version_id: int = Field(foreign_key="questionversion.id", index=True)
    question_slug: str = Field(max_length=120)
    domain: str = Field(max_length=16)
    scored: bool
    option_order: str = Field(max_length=64)
    # Its version's `required`, here so that the progress counts tell incomplete answers without a join.
    required: int = Field(default=1)
    selection: str = Field(default="", max_length=64)
    struck: str = Field(default="", max_length=64)
    flagged: bool = Field(default=False)
    seconds_spent: float = Field(default=0.0)
    answered_at: datetime | None = _utc(nullable=True)
    correct: bool | None = Field(default=None)
    first_selection: str | None = Field(default=None, max_length=64)
    changes: int = Field(default=0)
    checked_at: datetime | None = _utc(nullable=True)

    @property
    def first_chosen(self) -> frozenset[str] | None:
        """The first complete answer, kept for coaching on changed answers; None before there is one."""
        return answer_tokens(self.first_selection) if self.first_selection else None


class ReviewCard(SQLModel, table=True):
    """A question in a candidate's spaced-repetition queue, scheduled with FSRS."""

    __table_args__ = (Index("ix_reviewcard_user_due", "user_id", "due"),)

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    exam_code: str = Field(foreign_key="exam.code", primary_key=True, max_length=32)
    question_slug: str = Field(primary_key=True, max_length=120)
    domain: str = Field(max_length=16)
    card: dict = Field(sa_column=Column(JSON, nullable=False))
    due: datetime = _utc(nullable=False)
    last_outcome: str = Field(max_length=16)


class Flashcard(SQLModel, table=True):
    """A flashcard of an exam as the bank (or an import) last gave it; its content is the validated card."""

    exam_code: str = Field(foreign_key="exam.code", primary_key=True, max_length=32)
    slug: str = Field(primary_key=True, max_length=120)
    domain: str = Field(max_length=16)
    task: str = Field(max_length=16)
    content: dict = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)


class CheatSheet(SQLModel, table=True):
    """An exam's cheat sheet for one domain."""

    exam_code: str = Field(foreign_key="exam.code", primary_key=True, max_length=32)
    domain: str = Field(primary_key=True, max_length=16)
    content: dict = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)


class FlashcardState(SQLModel, table=True):
    """A candidate's schedule for one flashcard, with the same FSRS scheduler as the review queue. A card
    that a missed question brought forward has no FSRS state yet (`card` is null) and is due at once."""

    __table_args__ = (Index("ix_flashcardstate_user_due", "user_id", "due"),)

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    exam_code: str = Field(foreign_key="exam.code", primary_key=True, max_length=32)
    card_slug: str = Field(primary_key=True, max_length=120)
    domain: str = Field(max_length=16)
    card: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    due: datetime = _utc(nullable=False)
    last_grade: int | None = Field(default=None)
    # Grades of a card seen before: recalled (Hard, Good, Easy) or lapsed (Again); retention is their ratio.
    recalled: int = Field(default=0)
    lapsed: int = Field(default=0)


__all__ = [
    "Exam",
    "Question",
    "QuestionVersion",
    "ImportBatch",
    "ProblemReport",
    "Regrade",
    "ApiToken",
    "User",
    "BrowserSession",
    "PendingSignUp",
    "PasswordReset",
    "AccountMail",
    "GuestStart",
    "SignInFailure",
    "Attempt",
    "AttemptItem",
    "ReviewCard",
    "Flashcard",
    "CheatSheet",
    "FlashcardState",
    "metadata",
]
