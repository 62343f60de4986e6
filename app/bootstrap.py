"""Preparing a database: migrate to head, then load the shipped bank. Both are idempotent."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from app.bank.loader import BankProblem, load_bank
from app.config import Settings
from app.db import migrate
from app.db.bank import SyncReport, sync_exam
from app.db.engine import make_engine
from app.db.study import store_study_aids


class BankInvalid(Exception):
    def __init__(self, problems: list[BankProblem]):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"The question bank has {len(problems)} problem(s); nothing was loaded:\n{lines}{more}")


def load_shipped_bank(url: str, bank_dir: Path, now: datetime | None = None) -> list[SyncReport]:
    """Validate every exam folder first; store all of them in one transaction only if none has a problem."""
    exams = load_bank(bank_dir)
    problems = [p for exam in exams for p in exam.problems]
    if problems:
        raise BankInvalid(problems)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            reports = []
            for exam in exams:
                reports.append(
                    sync_exam(
                        session=session,
                        blueprint=exam.blueprint,
                        blueprint_data=exam.blueprint_data,
                        contents=[question.content() for question in exam.questions],
                        now=now or datetime.now(UTC),
                    )
                )
                store_study_aids(
                    session=session,
                    exam_code=exam.code,
                    cards=[card.content() for card in exam.cards],
                    sheets=[sheet.content() for sheet in exam.sheets],
                )
            session.commit()
    finally:
        engine.dispose()
    return reports


def prepare(settings: Settings) -> list[SyncReport]:
    url = settings.resolved_database_url()
    migrate.upgrade(url)
    return load_shipped_bank(url, settings.bank_dir) if settings.load_bank else []
