"""Checking an upload against an exam before anything is stored: every question is new, changed, unchanged
or in error, with the file, line or record, question id and field of each problem."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pydantic import ValidationError

from app.bank.categories import normalized
from app.bank.format import CaseIn, QuestionIn
from app.bank.imports import Upload
from app.bank.lint import GIVEAWAY, NEAR_DUPLICATE, similarity, stem_tokens
from app.domain.content import content_hash, question_from_content
from app.domain.exam import Blueprint, explanation_gaps, question_problems, stated_choose_count


@dataclass(frozen=True)
class Note:
    where: str
    question: str | None
    field: str
    message: str

    def __str__(self) -> str:
        who = f" question {self.question}:" if self.question else ""
        return f"{self.where}:{who} {self.field}: {self.message}"


@dataclass
class Report:
    exam: str
    filename: str
    format: str
    statuses: dict[str, str] = field(default_factory=dict)  # question id -> new | changed | unchanged
    domains: Counter = field(default_factory=Counter)
    errors: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)
    valid: list[QuestionIn] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.valid)

    def refuse(self, question: QuestionIn, where: str, field_name: str, message: str) -> None:
        """Take back a question that passed its own checks but fails one across questions."""
        self.errors.append(Note(where, question.id, field_name, message))
        self.valid.remove(question)
        self.domains[question.domain] -= 1
        self.statuses.pop(question.id, None)

    def counts(self) -> dict[str, int]:
        counted = Counter(self.statuses.values())
        return {
            "new": counted["new"],
            "changed": counted["changed"],
            "unchanged": counted["unchanged"],
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "skipped": len(self.skipped),
        }

    def as_dict(self) -> dict:
        return {
            "exam": self.exam,
            "file": self.filename,
            "format": self.format,
            "counts": self.counts(),
            "domains": dict(sorted(self.domains.items())),
            "questions": self.statuses,
            "errors": [str(n) for n in self.errors],
            "warnings": [str(n) for n in self.warnings],
            "skipped": [str(n) for n in self.skipped],
        }


def _placement(
    category: str | None, blueprint: Blueprint, categories: dict[str, tuple[str, str]] | None = None
) -> tuple[str | None, str | None]:
    """Domain and task of a question's category: where the upload's category mapping puts it, else those the
    path names itself, such as `$course$/MLS-C01/D2/2.1`."""
    if not category:
        return None, None
    if categories and (mapped := categories.get(normalized(category))):
        return mapped
    parts = [p.strip() for p in category.split("/")]
    domain = next((d for d in blueprint.domains for p in parts if p.upper() == d.code), None)
    task = None
    if domain:
        task = next((t for p in parts for t, _ in domain.tasks if p == t), None)
    return (domain.code if domain else None), task


def check_upload(
    upload: Upload,
    blueprint: Blueprint,
    *,
    filename: str,
    current: dict[str, str],
    default_domain: str | None = None,
    default_task: str | None = None,
    add_choose: bool = False,
    categories: dict[str, tuple[str, str]] | None = None,
) -> Report:
    """`current` maps each question id already in the bank to the hash of its current version. With
    `add_choose`, a multiple-response stem that does not say how many to choose gets "(Choose N.)" added,
    N from its key, and the report says so. `categories` (a category mapping's placements, by normalized
    category path) places the questions of the categories it names; the rest are placed as without it."""
    report = Report(blueprint.code, filename, upload.format)
    report.skipped = [Note(f"{filename} {s.where}", None, "(skipped)", s.reason) for s in upload.skipped]
    seen: dict[str, str] = {}
    for parsed in upload.questions:
        content = dict(parsed.content)
        where = f"{filename} {parsed.where}"
        qid = str(content.get("id")) if content.get("id") is not None else None
        report.warnings += [Note(where, qid, "(import)", warning) for warning in parsed.warnings]
        category_domain, category_task = _placement(parsed.category, blueprint, categories)
        content.setdefault("domain", category_domain or default_domain)
        content.setdefault("task", category_task or default_task)
        if content["domain"] is None:
            report.errors.append(
                Note(
                    where,
                    qid,
                    "domain",
                    "no domain: choose one for the whole file, or give "
                    "each question one (a column, a field, or a category such as D2/2.1)",
                )
            )
            continue
        if content["task"] is None:
            report.errors.append(
                Note(where, qid, "task", "no task statement: choose one for the whole file, or give each question one")
            )
            continue
        if add_choose:
            added = _choose_instruction_added(content)
            if added:
                content["stem"] = f"{content['stem'].rstrip()} {added}"
                report.warnings.append(Note(where, qid, "stem", f"{added} added to the stem"))
        try:
            question = QuestionIn.model_validate(content)
        except ValidationError as error:
            for detail in error.errors():
                report.errors.append(
                    Note(where, qid, ".".join(str(p) for p in detail["loc"]) or "(question)", detail["msg"])
                )
            continue
        if question.id in seen:
            report.errors.append(Note(where, question.id, "id", f"duplicate id; first used at {seen[question.id]}"))
            continue
        seen[question.id] = where
        domain_question = question_from_content(question.content())
        problems = question_problems(domain_question, blueprint)
        problems += [
            (
                f"options.{o.id}.text",
                f"option {o.id} ({o.text!r}) refers to other options, which are shuffled for every attempt",
            )
            for o in question.options
            if GIVEAWAY.search(o.text)
        ]
        for field_name, message in problems:
            if field_name == "stem" and question.type == "multiple" and stated_choose_count(question.stem) is None:
                message += "; or import with the option that adds it (--add-choose, or the box on the upload page)"
            report.errors.append(Note(where, question.id, field_name, message))
        if problems:
            continue
        for field_name, message in explanation_gaps(domain_question):
            report.warnings.append(Note(where, question.id, field_name, message))
        if not question.references:
            report.warnings.append(Note(where, question.id, "references", "the question cites no reference"))
        digest = content_hash(question.content())
        report.statuses[question.id] = (
            "new" if question.id not in current else "unchanged" if current[question.id] == digest else "changed"
        )
        report.domains[question.domain] += 1
        report.valid.append(question)
    cases = Counter(q.case.id for q in report.valid if isinstance(q.case, CaseIn))
    for question in [q for q in report.valid if isinstance(q.case, CaseIn) and cases[q.case.id] < 2]:
        assert isinstance(question.case, CaseIn)
        report.refuse(question, seen[question.id], "case", f"case study {question.case.id} needs two or more questions")
    tokens = [(q.id, stem_tokens(q.stem)) for q in report.valid]
    for i, (first, a) in enumerate(tokens):
        for second, b in tokens[i + 1 :]:
            if similarity(a, b) > NEAR_DUPLICATE:
                report.warnings.append(
                    Note(seen[first], first, "stem", f"nearly the same stem as question {second} ({seen[second]})")
                )
    return report


_CHOOSE_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def _choose_instruction_added(content: dict) -> str | None:
    """The "(Choose N.)" a multiple-response stem lacks, N from its key; None when it needs none or the
    question is not well-formed enough to tell (validation then says what is wrong)."""
    stem, key = content.get("stem"), content.get("key")
    if content.get("type") != "multiple" or not isinstance(stem, str) or not isinstance(key, list) or len(key) < 2:
        return None
    if stated_choose_count(stem) is not None:
        return None
    return f"(Choose {_CHOOSE_WORDS.get(len(key), str(len(key)))}.)"
