"""Exams as data: the blueprint of an exam and the questions of its bank."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

QuestionType = Literal["single", "multiple", "ordering", "matching"]
# An item's key and a candidate's answer are both sets of tokens, scored all or nothing by set equality: a
# chosen option's id for single and multiple response, "slot=option" for a pair. Matching pairs each prompt
# with a response ("2=C"); ordering pairs each position with a response ("1=C" puts C first).
PAIRED: frozenset[str] = frozenset({"ordering", "matching"})
ORDERING_STEPS = (3, 5)
MATCHING_PROMPTS = (3, 7)
ExamStatus = Literal["live", "beta", "retired"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("single", "multiple", "ordering", "matching")

_CHOOSE_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}
# "(Choose two.)" as AWS's current papers say it, "(Select TWO.)" as its older sample questions do, and
# "(Choose 2 answers)" as public banks write it.
_CHOOSE_PATTERN = re.compile(
    r"\(\s*(?:choose|select)\s+(two|three|four|five|\d)(?:\s+answers?)?\s*\.?\s*\)", re.IGNORECASE
)


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

    @property
    def standing(self) -> int:
        """Where the exam comes in a list: live first, then beta, then retired (which can still be sat)."""
        return {"live": 0, "beta": 1, "retired": 2}[self.status]

    def stale_on(self, today: dt.date) -> bool:
        """Whether the data still calls the exam live or beta after its last day."""
        return self.status != "retired" and self.last_day is not None and self.last_day < today


@dataclass(frozen=True)
class ExamRules:
    """What an exam takes of a question, beyond its being well-formed. The defaults are AWS's: a single-answer
    question has at least 3 options, a multiple-response one at least 5 and a stem saying how many to choose,
    and all four item types. A teacher's exam states its own in the `rules:` of its exam.yaml."""

    min_options_single: int = 3
    min_options_multiple: int = 5
    choose_n_in_stem: bool = True
    types: tuple[QuestionType, ...] = QUESTION_TYPES


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
    case_studies: int = 0  # how many case studies a paper holds, each drawn whole
    rules: ExamRules = ExamRules()

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
class Prompt:
    """What a matching item pairs a response with, or a position of an ordering item."""

    id: str
    text: str
    explanation: str = ""


@dataclass(frozen=True)
class Case:
    """The scenario of a case study, shown with each of its questions; a paper keeps the group together."""

    id: str
    title: str
    scenario: str


def pair(slot: str, option: str) -> str:
    return f"{slot}={option}"


def unpair(token: str) -> tuple[str, str]:
    slot, _, option = token.partition("=")
    return slot, option


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
    prompts: tuple[Prompt, ...] = ()
    case: Case | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    @property
    def paired(self) -> bool:
        return self.type in PAIRED

    @property
    def slots(self) -> tuple[str, ...]:
        """What a paired item's responses go into: the prompts of a matching item, the positions 1 to n of an
        ordering item; none for single and multiple response."""
        if self.type == "matching":
            return tuple(p.id for p in self.prompts)
        if self.type == "ordering":
            return tuple(str(position) for position in range(1, len(self.options) + 1))
        return ()

    def prompt(self, prompt_id: str) -> Prompt:
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        raise KeyError(prompt_id)

    @property
    def answer_tokens(self) -> tuple[str, ...]:
        """Everything an answer can hold: the option ids, or for a paired item every slot=option pair."""
        if not self.paired:
            return self.option_ids
        return tuple(pair(slot, option) for slot in self.slots for option in self.option_ids)

    def keyed_option(self, slot: str) -> str | None:
        """The response the key pairs with a prompt or position of a paired item."""
        return next((option for s, option in map(unpair, self.key) if s == slot), None)


def stated_choose_count(stem: str) -> int | None:
    """The N of a "(Choose N)" instruction in a stem, or None when the stem has none."""
    match = _CHOOSE_PATTERN.search(stem)
    if not match:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else _CHOOSE_WORDS[word]


def rule_note(blueprint: Blueprint, rule: str) -> str:
    """How a refusal names the exam's rule that made it, and where that rule is set."""
    return f"rule {rule} of exam {blueprint.code}; an exam sets it under `rules:` in its exam.yaml"


def question_problems(question: Question, blueprint: Blueprint) -> list[tuple[str, str]]:
    """What makes a question unfit for the exam, as (field, message) pairs; empty when it is fit. What is wrong
    with any question (a key naming no option, say) is said plainly; what the exam's rules refuse names the rule
    (`blueprint.rules`), so that a question a teacher's exam would take is never refused without saying why."""
    rules = blueprint.rules
    problems: list[tuple[str, str]] = []
    if question.type not in rules.types:
        problems.append(
            (
                "type",
                f"exam {blueprint.code} takes no {question.type} questions, only {', '.join(rules.types)} "
                f"({rule_note(blueprint, 'types')})",
            )
        )
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
    if question.paired:
        return problems + _paired_problems(question)
    if question.prompts:
        problems.append(("prompts", f"only a matching question has prompts, not a {question.type} one"))
    missing = sorted(question.key - set(ids))
    if missing:
        problems.append(("key", f"key names no option: {', '.join(missing)} (options are {', '.join(ids)})"))
    if question.type == "single":
        if len(question.key) > 1:
            problems.append(("key", f"a single-answer question has {len(question.key)} keys"))
        if len(question.options) < rules.min_options_single:
            problems.append(
                (
                    "options",
                    f"a single-answer question needs at least {rules.min_options_single} options, has {len(ids)} "
                    f"({rule_note(blueprint, 'min_options_single')})",
                )
            )
    else:
        if len(question.key) < 2:
            problems.append(("key", "a multiple-response question needs at least two keys"))
        if len(question.options) < rules.min_options_multiple:
            problems.append(
                (
                    "options",
                    f"a multiple-response question needs at least {rules.min_options_multiple} options, has "
                    f"{len(ids)} ({rule_note(blueprint, 'min_options_multiple')})",
                )
            )
        stated = stated_choose_count(question.stem)
        if stated is None and rules.choose_n_in_stem:
            problems.append(
                (
                    "stem",
                    "a multiple-response stem must say how many to choose, e.g. (Choose two.) "
                    f"({rule_note(blueprint, 'choose_n_in_stem')})",
                )
            )
        elif stated is not None and stated != len(question.key):
            problems.append(("stem", f"the stem says choose {stated} but the key has {len(question.key)} options"))
    return problems


def _paired_problems(question: Question) -> list[tuple[str, str]]:
    ids = question.option_ids
    slots = [slot for slot, _ in map(unpair, question.key)]
    problems: list[tuple[str, str]] = []
    missing = sorted({option for _, option in map(unpair, question.key)} - set(ids))
    if missing:
        problems.append(("key", f"key names no option: {', '.join(missing)} (options are {', '.join(ids)})"))
    repeated = sorted({s for s in slots if slots.count(s) > 1})
    if question.type == "ordering":
        low, high = ORDERING_STEPS
        if not low <= len(ids) <= high:
            problems.append(("options", f"an ordering question has {low}–{high} steps, not {len(ids)}"))
        used = [option for _, option in map(unpair, question.key)]
        twice = sorted({o for o in used if used.count(o) > 1})
        if twice:
            problems.append(("key", f"the order repeats step {', '.join(twice)}"))
        unused = sorted(set(ids) - set(used))
        if unused:
            problems.append(("key", f"the order leaves out step {', '.join(unused)}: every step has its place"))
        if question.prompts:
            problems.append(("prompts", "an ordering question has steps (options), not prompts"))
        return problems
    low, high = MATCHING_PROMPTS
    prompt_ids = [p.id for p in question.prompts]
    if not low <= len(prompt_ids) <= high:
        problems.append(("prompts", f"a matching question has {low}–{high} prompts, not {len(prompt_ids)}"))
    twice = sorted({p for p in prompt_ids if prompt_ids.count(p) > 1})
    if twice:
        problems.append(("prompts", f"prompt ids repeat: {', '.join(twice)}"))
    unmatched = [p for p in prompt_ids if p not in slots]
    if unmatched:
        problems.append(("key", f"prompt {', '.join(unmatched)} has no response in the key"))
    unknown = sorted(set(slots) - set(prompt_ids))
    if unknown:
        problems.append(("key", f"the key pairs unknown prompt {', '.join(unknown)}"))
    if repeated:
        problems.append(("key", f"prompt {', '.join(repeated)} is paired twice"))
    if len(ids) < 2:
        problems.append(("options", f"a matching question needs at least 2 responses, has {len(ids)}"))
    return problems


def explanation_gaps(question: Question) -> list[tuple[str, str]]:
    """Explanations a question lacks. The shipped bank refuses them; an import warns about them."""
    if question.type == "matching":
        # One explanation per pair: on the prompt, which says why its response is the right one.
        gaps = [
            (f"prompts.{p.id}.explanation", "every pair needs its explanation")
            for p in question.prompts
            if not p.explanation.strip()
        ]
    else:
        gaps = [
            (f"options.{o.id}.explanation", "every option needs its explanation")
            for o in question.options
            if not o.explanation.strip()
        ]
    if not question.explanation.strip():
        gaps.append(("explanation", "the question needs an overall explanation"))
    return gaps


def publication_gaps(question: Question) -> list[tuple[str, str]]:
    """What keeps a question from papers: missing explanations or a missing reference. A question stored with
    gaps (from an import) is a draft until an administrator completes and publishes it."""
    gaps = explanation_gaps(question)
    if not question.references:
        gaps.append(("references", "the question needs at least one reference"))
    return gaps
