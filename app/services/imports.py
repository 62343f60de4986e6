"""The one import engine behind the upload page, the HTTP endpoint and `mockexam bank import`: read and check
with `app.bank`, store and record with `app.db`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.bank.categories import read_category_map
from app.bank.imports import UnreadableUpload, read_upload
from app.bank.upload_check import Note, Report, check_upload
from app.db.bank import SyncReport, current_hashes, store_questions
from app.db.imports import add_batch, settle_batch
from app.db.tables import ImportBatch
from app.domain.exam import Blueprint


@dataclass
class Outcome:
    reports: list[Report]
    batch_ids: list[int]
    stored: SyncReport | None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports)


def _check(
    session: Session, blueprint: Blueprint, filename: str, data: bytes, options: dict, current: dict[str, str]
) -> Report:
    try:
        upload = read_upload(data, filename, options.get("format", "auto"))
    except UnreadableUpload as error:
        report = Report(blueprint.code, filename, options.get("format", "auto"))
        report.errors.append(Note(filename, None, "(file)", str(error)))
        return report
    mapping = read_category_map(options["categories"], blueprint) if options.get("categories") else None
    report = check_upload(
        upload,
        blueprint,
        filename=filename,
        current=current,
        default_domain=options.get("domain") or None,
        default_task=options.get("task") or None,
        add_choose=bool(options.get("add_choose")),
        categories=mapping.places if mapping else None,
    )
    if mapping and mapping.problems:
        # A mapping line that names no place of the exam refuses the whole file, even with `partial`: the
        # questions of its category would otherwise be stored wherever the fallback puts them.
        report.errors[:0] = [Note(where, None, "(categories)", message) for where, message in mapping.problems]
        report.valid.clear()
        report.statuses.clear()
        report.domains.clear()
    return report


def _refuse_ids_defined_twice(reports: list[Report]) -> None:
    """A question id that two files of one import define is an error in the later file, naming the first:
    storing both would let the second silently replace the first."""
    first_file: dict[str, str] = {}
    for report in reports:
        for question in list(report.valid):
            if question.id not in first_file:
                first_file[question.id] = report.filename
                continue
            defined = f"{first_file[question.id]} of this import defines question {question.id} too; give one a new id"
            report.refuse(question, report.filename, "id", defined)


def run_import(
    *,
    session: Session,
    blueprint: Blueprint,
    files: list[tuple[str, bytes]],
    options: dict,
    user_id: int | None,
    now: datetime,
    commit: bool,
    keep_checked: bool = False,
    partial: bool = False,
) -> Outcome:
    """Check every file; with `commit`, store all of them in one transaction, or nothing if any has an error
    (with `partial`, the valid questions while the report lists the rest), and record each file as a batch. A
    dry run keeps no copy of the files, unless `keep_checked` (the upload page, whose Store button commits the
    checked file later)."""
    current = current_hashes(session=session, exam_code=blueprint.code)
    reports = [_check(session, blueprint, name, data, options, current) for name, data in files]
    _refuse_ids_defined_twice(reports)
    storing = commit and (all(r.ok for r in reports) or (partial and any(r.valid for r in reports)))
    stored = None
    if storing:
        stored = store_questions(
            session=session, exam_code=blueprint.code, contents=[q.content() for r in reports for q in r.valid], now=now
        )
    status = "committed" if storing else ("refused" if commit else "checked")
    if not commit and not keep_checked:
        session.rollback()
        return Outcome(reports, [], None)
    batches = [
        add_batch(
            session=session,
            user_id=user_id,
            exam_code=blueprint.code,
            filename=name,
            file_format=report.format,
            options=options,
            data=data,
            report=report.as_dict(),
            status=status,
            now=now,
        )
        for (name, data), report in zip(files, reports, strict=True)
    ]
    session.commit()
    return Outcome(reports, [b.id for b in batches], stored)


def commit_batch(
    *, session: Session, batch: ImportBatch, blueprint: Blueprint, now: datetime, partial: bool = False
) -> Outcome:
    """Store a checked upload, checking it again first: the bank may have changed since the dry run. With
    `partial`, the valid questions are stored even when others have errors."""
    if batch.status != "checked":
        raise ValueError(f"this upload was {batch.status} already")
    current = current_hashes(session=session, exam_code=blueprint.code)
    report = _check(session, blueprint, batch.filename, batch.data.encode("utf-8"), batch.options, current)
    stored = None
    storing = report.ok or (partial and bool(report.valid))
    if storing:
        contents = [q.content() for q in report.valid]
        stored = store_questions(session=session, exam_code=blueprint.code, contents=contents, now=now)
    settle_batch(session=session, batch=batch, report=report.as_dict(), committed=storing, now=now)
    session.commit()
    return Outcome([report], [batch.id], stored)
