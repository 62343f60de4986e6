"""Exams as data: the blueprint of an exam and the questions of its bank."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

QuestionType = Literal["single", "multiple"]
ExamStatus = Literal["live", "beta", "retired"]

_CHOOSE_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}
_CHOOSE_PATTERN = re.compile(r"\(\s*choose\s+(two|three|four|five|\d)\s*\.?\s*\)", re.IGNORECASE)


@dataclass(frozen=True)
class Domain:
    code: str
    name: str
    weight: int
    tasks: tuple[tuple[str, str], ...]

    def has_task(self, task: str) -> bool:
        return any(code == task for code, _ in self.tasks)


@dataclass(frozen=True)
class Scale:
    min: int
    cut: int
    max: int


@dataclass(frozen=True)
class Reference:
    title: str
    url: str


@dataclass(frozen=True)
class Catalogue:
    """Where an exam stands with its vendor: live, beta or retired, the days it is (or was) delivered, what
    replaced it, and where those facts come from."""

    status: ExamStatus = "live"
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    successor: str | None = None
    note: str = ""
    sources: tuple[Reference, ...] = ()

    def stale_on(self, today: dt.date) -> bool:
        """Whether the data still calls the exam live or beta after its last day."""
        return self.status != "retired" and self.last_day is not None and self.last_day < today


@dataclass(frozen=True)
class Blueprint:
    code: str
    title: str
    minutes: int
    esl_extra_minutes: int
    scored: int
    unscored: int
    scale: Scale
    default_cut_fraction: Fraction
    domains: tuple[Domain, ...]
    catalogue: Catalogue = Catalogue()

    @property
    def total(self) -> int:
        return self.scored + self.unscored

    def domain(self, code: str) -> Domain:
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(code)

    def domain_of_task(self, task: str) -> Domain:
        for domain in self.domains:
            if domain.has_task(task):
                return domain
        raise KeyError(task)

    def quotas(self) -> dict[str, tuple[int, int]]:
        """Per domain, how many scored and unscored questions a paper holds."""
        weights = [d.weight for d in self.domains]
        scored = apportion(self.scored, weights)
        unscored = apportion(self.unscored, weights)
        return {d.code: (s, u) for d, s, u in zip(self.domains, scored, unscored, strict=True)}


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` seats in proportion to `weights` by the largest-remainder method.

    Ties between equal remainders go to the larger weight, then to the earlier position, so the result
    never depends on anything but the inputs.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    weight_sum = sum(weights)
    if weight_sum <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative with a positive sum")
    exact = [
        Fraction(total) * Fraction(w).limit_denominator() / Fraction(weight_sum).limit_denominator() for w in weights
    ]
    seats = [int(q) for q in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - seats[i]), -weights[i], i))
    for i in order[: total - sum(seats)]:
        seats[i] += 1
    return seats


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    explanation: str


@dataclass(frozen=True)
class Question:
    id: str
    domain: str
    task: str
    type: QuestionType
    stem: str
    options: tuple[Option, ...]
    key: frozenset[str]
    explanation: str
    references: tuple[Reference, ...] = ()
    difficulty: int = 2
    tags: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


def stated_choose_count(stem: str) -> int | None:
    """The N of a "(Choose N)" instruction in a stem, or None when the stem has none."""
    match = _CHOOSE_PATTERN.search(stem)
    if not match:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else _CHOOSE_WORDS[word]


def question_problems(question: Question, blueprint: Blueprint) -> list[tuple[str, str]]:
    """What makes a question unfit for the exam, as (field, message) pairs; empty when it is fit."""
    problems: list[tuple[str, str]] = []
    try:
        domain = blueprint.domain(question.domain)
    except KeyError:
        codes = ", ".join(d.code for d in blueprint.domains)
        problems.append(("domain", f"unknown domain {question.domain!r}; {blueprint.code} has {codes}"))
        domain = None
    if domain is not None and not domain.has_task(question.task):
        tasks = ", ".join(code for code, _ in domain.tasks)
        problems.append(("task", f"task {question.task!r} is not in domain {domain.code} ({tasks})"))
    ids = question.option_ids
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(("options", f"option ids repeat: {', '.join(duplicates)}"))
    if not question.key:
        problems.append(("key", "the key is empty"))
    missing = sorted(question.key - set(ids))
    if missing:
        problems.append(("key", f"key names no option: {', '.join(missing)} (options are {', '.join(ids)})"))
    if question.type == "single":
        if len(question.key) > 1:
            problems.append(("key", f"a single-answer question has {len(question.key)} keys"))
        if len(question.options) < 3:
            problems.append(("options", f"a single-answer question needs at least 3 options, has {len(ids)}"))
    else:
        if len(question.key) < 2:
            problems.append(("key", "a multiple-response question needs at least two keys"))
        if len(question.options) < 5:
            problems.append(("options", f"a multiple-response question needs at least 5 options, has {len(ids)}"))
        stated = stated_choose_count(question.stem)
        if stated is None:
            problems.append(("stem", "a multiple-response stem must say how many to choose, e.g. (Choose two.)"))
        elif stated != len(question.key):
            problems.append(("stem", f"the stem says choose {stated} but the key has {len(question.key)} options"))
    return problems


def explanation_gaps(question: Question) -> list[tuple[str, str]]:
    """Explanations a question lacks. The shipped bank refuses them; an import warns about them."""
    gaps = [
        (f"options.{o.id}.explanation", "every option needs its explanation")
        for o in question.options
        if not o.explanation.strip()
    ]
    if not question.explanation.strip():
        gaps.append(("explanation", "the question needs an overall explanation"))
    return gaps
