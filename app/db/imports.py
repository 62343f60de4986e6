"""The record of uploads: each checked, refused or committed file as an import batch."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from app.db.tables import ImportBatch


def add_batch(
    *,
    session: Session,
    user_id: int | None,
    exam_code: str,
    filename: str,
    file_format: str,
    options: dict,
    data: bytes,
    report: dict,
    status: str,
    now: datetime,
) -> ImportBatch:
    batch = ImportBatch(
        user_id=user_id,
        exam_code=exam_code,
        filename=filename[:255],
        format=file_format,
        options=options,
        data=data.decode("utf-8", errors="replace"),
        report=report,
        status=status,
        created_at=now,
        committed_at=now if status == "committed" else None,
    )
    session.add(batch)
    return batch


def settle_batch(*, session: Session, batch: ImportBatch, report: dict, committed: bool, now: datetime) -> None:
    """A checked batch after its commit was tried: committed, or still checked with the new report."""
    if committed:
        batch.status, batch.committed_at = "committed", now
    batch.report = report
    session.add(batch)


def recent_batches(*, session: Session, limit: int = 20) -> list[ImportBatch]:
    return list(session.exec(select(ImportBatch).order_by(col(ImportBatch.id).desc()).limit(limit)).all())


def get_batch(*, session: Session, batch_id: int) -> ImportBatch | None:
    return session.get(ImportBatch, batch_id)
