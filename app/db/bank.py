"""Storing the bank: exams, questions and their immutable versions."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, update
from sqlmodel import Session, col, select

from app.db.memory import Memory
from app.db.tables import Attempt, AttemptItem, Exam, Question, QuestionVersion
from app.domain.assembly import Candidate
from app.domain.content import blueprint_from_dict, content_hash, question_from_content
from app.domain.exam import Blueprint, publication_gaps
from app.domain.exam import Question as DomainQuestion


@dataclass
class SyncReport:
    exam: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    drafts: int = 0  # new questions stored as drafts, for want of explanations or a reference


def sync_exam(
    *, session: Session, blueprint: Blueprint, blueprint_data: dict, contents: list[dict], now: datetime
) -> SyncReport:
    """Store an exam (its blueprint as data) and its questions (their content). Unchanged content changes
    nothing; changed content becomes a new version, and attempts keep pointing at the versions they showed.
    The caller commits."""
    blueprint_hash = content_hash(blueprint_data)
    exam = session.get(Exam, blueprint.code)
    if exam is None:
        exam = Exam(code=blueprint.code, title=blueprint.title, blueprint=blueprint_data, content_hash=blueprint_hash)
        session.add(exam)
    elif exam.content_hash != blueprint_hash:
        exam.title, exam.blueprint, exam.content_hash = blueprint.title, blueprint_data, blueprint_hash
    session.flush()

    return store_questions(session=session, exam_code=blueprint.code, contents=contents, now=now)


def current_hashes(*, session: Session, exam_code: str) -> dict[str, str]:
    """Each question id of the exam and the content hash of its current version."""
    return dict(
        session.exec(
            select(Question.slug, QuestionVersion.content_hash)
            .join(QuestionVersion, col(Question.current_version_id) == QuestionVersion.id)
            .where(Question.exam_code == exam_code)
        ).all()
    )


def store_questions(*, session: Session, exam_code: str, contents: list[dict], now: datetime) -> SyncReport:
    """Store questions (validated content, as `QuestionIn.content()` gives it) as new questions or new versions;
    unchanged content changes nothing, and past attempts keep pointing at the versions they showed. The
    caller commits."""
    report = SyncReport(exam=exam_code)
    existing = {q.slug: q for q in session.exec(select(Question).where(Question.exam_code == exam_code))}
    hashes = current_hashes(session=session, exam_code=exam_code)
    for content in contents:
        slug, domain, task = content["id"], content["domain"], content["task"]
        digest = content_hash(content)
        question = existing.get(slug)
        if question is not None and hashes.get(slug) == digest:
            report.unchanged += 1
            continue
        if question is None:
            # A new question without explanations or a reference waits as a draft that no paper draws.
            draft = bool(publication_gaps(question_from_content(content)))
            question = Question(
                exam_code=exam_code, slug=slug, domain=domain, task=task, status="draft" if draft else "active"
            )
            session.add(question)
            session.flush()
            existing[slug] = question
            report.new += 1
            report.drafts += draft
        else:
            question.domain, question.task = domain, task
            report.changed += 1
        version = session.exec(
            select(QuestionVersion).where(
                QuestionVersion.question_id == question.id, QuestionVersion.content_hash == digest
            )
        ).first()
        if version is None:
            version = QuestionVersion(
                question_id=question.id,
                content_hash=digest,
                content=content,
                created_at=now,
                option_ids=",".join(o["id"] for o in content["options"]),
                required=len(content["key"]),
            )
            session.add(version)
            session.flush()
        question.current_version_id = version.id
        question.case_study = content["case"]["id"] if content.get("case") else None
        hashes[slug] = digest
    return report


def list_exams(*, session: Session) -> list[Blueprint]:
    """The bank's exams in catalogue order (live, beta, retired; then by code), so that the first with
    questions is what a page shows when no exam is chosen."""
    blueprints = [blueprint_from_dict(e.blueprint) for e in session.exec(select(Exam).order_by(Exam.code))]
    return sorted(blueprints, key=lambda b: b.catalogue.standing)


def get_blueprint(*, session: Session, code: str) -> Blueprint | None:
    exam = session.get(Exam, code)
    return blueprint_from_dict(exam.blueprint) if exam else None


def active_pool(*, session: Session, exam_code: str, calibrated_after: int = 50) -> list[Candidate]:
    """Every active question of the exam, from the question table alone: its cost follows the bank, not
    the history of attempts, and reads no version (the drawn questions' options come from `option_ids`)."""
    rows = (
        session.connection()
        .execute(
            # sqlmodel's select() is typed for at most four columns
            select(  # type: ignore[call-overload]
                Question.current_version_id,
                Question.slug,
                Question.domain,
                Question.exam_responses,
                Question.case_study,
            ).where(Question.exam_code == exam_code, Question.status == "active")
        )
        .all()
    )
    return [
        Candidate(version_id, slug, domain, responses >= calibrated_after, case)
        for version_id, slug, domain, responses, case in rows
    ]


def option_ids(*, session: Session, version_ids: list[int]) -> dict[int, tuple[str, ...]]:
    rows = session.connection().execute(
        select(QuestionVersion.id, QuestionVersion.option_ids).where(col(QuestionVersion.id).in_(version_ids))
    )
    return {version_id: tuple(ids.split(",")) for version_id, ids in rows}


def count_exam_responses(*, session: Session, exam_code: str, slugs: list[str]) -> None:
    """One more response for each question a finalized exam showed (a paper shows a question once).

    Exams that end at the same moment share questions, so the rows are locked first, in the order of their
    ids: updated in whatever order the scan met them, two finalizations deadlocked under load."""
    ids = (
        session.execute(
            select(Question.id)
            .where(Question.exam_code == exam_code, col(Question.slug).in_(slugs))
            .order_by(col(Question.id))
            .with_for_update()
        )
        .scalars()
        .all()
    )
    session.execute(
        update(Question)
        .where(col(Question.id).in_(ids))
        .values(exam_responses=Question.exam_responses + 1)
        .execution_options(synchronize_session=False)
    )


def forget_exam_responses(*, session: Session, user_id: int) -> None:
    """Take back the responses of a user's finalized exams, before their attempts are deleted. Row by row
    in id order, the order in which the ends of exams lock them."""
    counts = session.execute(
        select(Question.id, func.count())
        .select_from(AttemptItem)
        .join(Attempt)
        .join(
            Question,
            and_(col(Question.exam_code) == Attempt.exam_code, col(Question.slug) == AttemptItem.question_slug),
        )
        .where(Attempt.user_id == user_id, Attempt.mode == "exam", col(Attempt.finalized_at).is_not(None))
        .group_by(col(Question.id))
        .order_by(col(Question.id))
    ).all()
    if counts:
        # Core, not the ORM: the ORM reads a list of parameters as a bulk update by key. (SQLModel's classes do
        # not declare the `__table__` SQLAlchemy gives them.)
        table = Question.__table__  # type: ignore[attr-defined]
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("question"))
            .values(exam_responses=table.c.exam_responses - bindparam("taken")),
            [{"question": question_id, "taken": n} for question_id, n in counts],
        )


def active_counts(*, session: Session, exam_code: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for domain in session.exec(
        select(Question.domain).where(Question.exam_code == exam_code, Question.status == "active")
    ).all():
        counts[domain] = counts.get(domain, 0) + 1
    return counts


def versions(*, session: Session, memory: Memory, version_ids: list[int]) -> dict[int, DomainQuestion]:
    ids = list(set(version_ids))
    digests = dict(
        session.exec(
            select(QuestionVersion.id, QuestionVersion.content_hash).where(col(QuestionVersion.id).in_(ids))
        ).all()
    )
    found = {i: q for i, d in digests.items() if (q := memory.question(i, d)) is not None}
    missing = [i for i in digests if i not in found]
    if missing:
        for version_id, digest, content in session.exec(
            select(QuestionVersion.id, QuestionVersion.content_hash, col(QuestionVersion.content)).where(
                col(QuestionVersion.id).in_(missing)
            )
        ).all():
            found[version_id] = memory.remember_question(version_id, digest, content)
    return found


def list_questions(
    *,
    session: Session,
    exam_code: str,
    domain: str = "",
    task: str = "",
    qtype: str = "",
    status: str = "",
    difficulty: int | None = None,
    text: str = "",
    slugs: Collection[str] = (),
) -> list[tuple[Question, dict]]:
    """The exam's questions with their current content, filtered; `slugs`, when given, names the questions."""
    query = (
        select(Question, col(QuestionVersion.content))
        .join(QuestionVersion, col(QuestionVersion.id) == Question.current_version_id)
        .where(Question.exam_code == exam_code)
        .order_by(Question.domain, Question.task, Question.slug)
    )
    if domain:
        query = query.where(Question.domain == domain)
    if task:
        query = query.where(Question.task == task)
    if status:
        query = query.where(Question.status == status)
    if slugs:
        query = query.where(col(Question.slug).in_(list(slugs)))
    rows = session.exec(query).all()
    needle = text.strip().lower()
    return [
        (q, c)
        for q, c in rows
        if (not qtype or c["type"] == qtype)
        and (difficulty is None or c.get("difficulty") == difficulty)
        and (
            not needle or needle in q.slug or needle in c["stem"].lower() or any(needle in t for t in c.get("tags", []))
        )
    ]


def get_question(*, session: Session, exam_code: str, slug: str) -> Question | None:
    return session.exec(select(Question).where(Question.exam_code == exam_code, Question.slug == slug)).first()


def question_versions(*, session: Session, question_id: int) -> list[QuestionVersion]:
    return list(
        session.exec(
            select(QuestionVersion)
            .where(col(QuestionVersion.question_id) == question_id)
            .order_by(col(QuestionVersion.id))
        )
    )


def set_status(*, session: Session, question: Question, status: str) -> None:
    question.status = status
    session.add(question)
    session.commit()


def export_questions(*, session: Session, exam_code: str) -> list[dict]:
    """The current version of every question (active and retired), in the native format."""
    rows = session.exec(
        select(QuestionVersion.content)
        .join(Question, col(Question.current_version_id) == QuestionVersion.id)
        .where(Question.exam_code == exam_code)
        .order_by(Question.slug)
    ).all()
    return [dict(content) for content in rows]


def question_tags(*, session: Session, exam_code: str) -> set[str]:
    """Every tag on the current version of the exam's questions: what a card or a sheet section can link to."""
    contents = session.exec(
        select(QuestionVersion.content)
        .join(Question, col(Question.current_version_id) == QuestionVersion.id)
        .where(Question.exam_code == exam_code)
    )
    return {tag for content in contents for tag in content.get("tags", [])}
