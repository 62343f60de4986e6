"""Problems candidates report with questions (a suspected wrong key, unclear wording), for the authors."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from app.db.tables import ProblemReport


def add_report(
    *,
    session: Session,
    user_id: int,
    exam_code: str,
    question_slug: str,
    version_id: int,
    kind: str,
    comment: str,
    now: datetime,
) -> None:
    session.add(
        ProblemReport(
            user_id=user_id,
            exam_code=exam_code,
            question_slug=question_slug,
            version_id=version_id,
            kind=kind,
            comment=comment,
            created_at=now,
        )
    )
    session.commit()


def reports_with_status(*, session: Session, status: str) -> list[ProblemReport]:
    """The reports of one status, newest first."""
    query = select(ProblemReport).where(ProblemReport.status == status).order_by(col(ProblemReport.created_at).desc())
    return list(session.exec(query).all())


def close_report(*, session: Session, report_id: int) -> bool:
    """Close a report; False when there is no such report."""
    report = session.get(ProblemReport, report_id)
    if report is None:
        return False
    report.status = "closed"
    session.add(report)
    session.commit()
    return True
