"""The bank linter: what the loader refuses, plus item-writing flaws and gaps in coverage.

Errors make `mockexam bank lint` fail; warnings are reported and left to the author's judgement.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from app.bank.format import QuestionIn
from app.bank.loader import LoadedExam

NEAR_DUPLICATE = 0.8
LONGEST_KEY_ERROR = 0.35
POSITION_WARN = (0.15, 0.35)
_WORD = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
GIVEAWAY = re.compile(
    r"\b(all|none|both|neither) of (the )?(above|these|those)\b|\bboth [a-f] and [a-f]\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    rule: str
    message: str
    path: str | None = None
    line: int | None = None
    question: str | None = None

    def __str__(self) -> str:
        where = self.path or "(bank)"
        if self.line:
            where += f":{self.line}"
        who = f" question {self.question}:" if self.question else ""
        return f"{self.severity}: {where}:{who} [{self.rule}] {self.message}"


def stem_tokens(stem: str) -> frozenset[str]:
    return frozenset(_WORD.findall(stem.lower()))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Token-set (Jaccard) similarity: shared words over all words of the two stems."""
    return len(a & b) / len(a | b) if a or b else 1.0


def _single_key_facts(questions: list[QuestionIn]) -> tuple[int, int, Counter]:
    singles = [q for q in questions if q.type == "single"]
    longest = 0
    positions: Counter = Counter()
    for q in singles:
        key = q.key[0]
        index = next(i for i, o in enumerate(q.options) if o.id == key)
        positions[index] += 1
        key_length = len(q.options[index].text)
        if all(key_length > len(o.text) for o in q.options if o.id != key):
            longest += 1
    return len(singles), longest, positions


def lint_exam(exam: LoadedExam) -> list[Finding]:
    findings = [
        Finding("error", "schema", f"{p.field}: {p.message}", p.path, p.line, p.question) for p in exam.problems
    ]
    questions = exam.questions

    def at(question: QuestionIn, severity: str, rule: str, message: str) -> Finding:
        path, line = exam.locations.get(question.id, (None, None))
        return Finding(severity, rule, message, path, line, question.id)

    for q in questions:
        if not q.references:
            findings.append(at(q, "error", "reference", "the question cites no reference"))
        for option in q.options:
            if GIVEAWAY.search(option.text):
                findings.append(
                    at(
                        q,
                        "error",
                        "giveaway-option",
                        f"option {option.id} ({option.text!r}) refers to other options, "
                        "which are shuffled for every attempt",
                    )
                )
        if q.review is None or q.review.status != "reviewed":
            findings.append(at(q, "warning", "unreviewed", "no independent review of key and explanations yet"))

    tokens = {q.id: stem_tokens(q.stem) for q in questions}
    by_id = {q.id: q for q in questions}
    for a, b in combinations(sorted(tokens), 2):
        score = similarity(tokens[a], tokens[b])
        if score > NEAR_DUPLICATE:
            findings.append(
                at(
                    by_id[a],
                    "error",
                    "near-duplicate",
                    f"stem is {score:.0%} the same as question {b} ({exam.locations[b][0]})",
                )
            )

    singles, longest, positions = _single_key_facts(questions)
    code = exam.blueprint.code
    if singles:
        share = longest / singles
        if share > LONGEST_KEY_ERROR:
            findings.append(
                Finding(
                    "error",
                    "longest-key",
                    f"{code}: the key is the longest option in {longest} of {singles} single-answer "
                    f"questions ({share:.0%}); chance is 25%, the limit {LONGEST_KEY_ERROR:.0%}",
                )
            )
        for index in range(4):
            share = positions[index] / singles
            if not POSITION_WARN[0] <= share <= POSITION_WARN[1]:
                findings.append(
                    Finding(
                        "warning",
                        "key-position",
                        f"{code}: the key is stored in position {chr(65 + index)} in {share:.0%} of "
                        f"single-answer questions (expected 15–35%)",
                    )
                )

    findings.extend(_coverage(exam))
    return findings


def _coverage(exam: LoadedExam) -> list[Finding]:
    goals = exam.blueprint_data.get("bank_goals")
    if not goals:
        return []
    findings = []
    by_domain = Counter(q.domain for q in exam.questions)
    by_task = Counter(q.task for q in exam.questions)
    code = exam.blueprint.code
    for domain in exam.blueprint.domains:
        need = math.ceil(goals["questions"] * domain.weight / 100)
        if by_domain[domain.code] < need:
            findings.append(
                Finding(
                    "error",
                    "coverage",
                    f"{code} domain {domain.code} ({domain.name}) has "
                    f"{by_domain[domain.code]} questions; the goal is {need}",
                )
            )
        for task, _ in domain.tasks:
            if by_task[task] < goals["per_task"]:
                findings.append(
                    Finding(
                        "error",
                        "coverage",
                        f"{code} task {task} has {by_task[task]} questions; the goal is {goals['per_task']}",
                    )
                )
    return findings


def stats(exam: LoadedExam) -> dict:
    questions = exam.questions
    singles, longest, positions = _single_key_facts(questions)
    return {
        "questions": len(questions),
        "domains": {d.code: sum(q.domain == d.code for q in questions) for d in exam.blueprint.domains},
        "tasks": {task: sum(q.task == task for q in questions) for d in exam.blueprint.domains for task, _ in d.tasks},
        "types": dict(sorted(Counter(q.type for q in questions).items())),
        "difficulty": {str(k): v for k, v in sorted(Counter(q.difficulty for q in questions).items())},
        "reviewed": sum(1 for q in questions if q.review and q.review.status == "reviewed"),
        "single_answer_key_longest": round(longest / singles, 3) if singles else None,
        "single_answer_key_positions": {chr(65 + i): positions[i] for i in sorted(positions)},
    }
