"""The bank linter: what the loader refuses, plus item-writing flaws and gaps in coverage.

Errors make `mockexam bank lint` fail; warnings are reported and left to the author's judgement.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from app.bank.format import CaseIn, QuestionIn
from app.bank.loader import LoadedExam

NEAR_DUPLICATE = 0.8
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
    kind: str = "question"  # what `question` names: a question, a card or a sheet section

    def __str__(self) -> str:
        where = self.path or "(bank)"
        if self.line:
            where += f":{self.line}"
        who = f" {self.kind} {self.question}:" if self.question else ""
        return f"{self.severity}: {where}:{who} [{self.rule}] {self.message}"


def stem_tokens(stem: str) -> frozenset[str]:
    return frozenset(_WORD.findall(stem.lower()))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Token-set (Jaccard) similarity: shared words over all words of the two stems."""
    return len(a & b) / len(a | b) if a or b else 1.0


SHARE_LIMITS = (0.15, 0.35)  # chance is 25%: outside this, "pick (or never pick) the longest" beats it
ABSOLUTE = re.compile(
    r"\b(always|never|only|all|every|none|guarantees?|guaranteed|completely|entirely|impossible)\b", re.IGNORECASE
)
# Words too common to make a phrase distinctive.
_COMMON_WORDS = """a an the and or of to in on for with by from at as is are be it its this that these those which
    what when
    where who how can will would should could may must not no than then there their them they we our you your each
    any all more most less least one two three use uses used using into out over under about after before between
    during while so such only also very same other"""
_STOPWORDS = frozenset(_COMMON_WORDS.split())


def _single_key(question: QuestionIn) -> str:
    """The key of a single-answer question: validation made it a list of one option id."""
    assert isinstance(question.key, list)
    return question.key[0]


def _lengths(question: QuestionIn) -> tuple[int, int, int]:
    """The key's length and the longest and shortest distractor's, of a single-answer question."""
    key = _single_key(question)
    distractors = [len(o.text) for o in question.options if o.id != key]
    key_length = next(len(o.text) for o in question.options if o.id == key)
    return key_length, max(distractors), min(distractors)


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOPWORDS]


def _phrases(text: str) -> set[tuple[str, str]]:
    words = _content_words(text)
    return set(zip(words, words[1:], strict=False))


def cues(question: QuestionIn) -> list[tuple[str, str]]:
    """What lets a test-wise candidate pick a single-answer question's key without knowing the topic, as
    (rule, message) pairs: the key alone hedged while every distractor speaks in absolutes, or the key alone
    repeating a phrase of the stem."""
    if question.type != "single":
        return []
    key = _single_key(question)
    keyed = next(o for o in question.options if o.id == key)
    distractors = [o for o in question.options if o.id != key]
    found = []
    if not ABSOLUTE.search(keyed.text) and all(ABSOLUTE.search(o.text) for o in distractors):
        found.append(
            (
                "hedged-key",
                "the key is the only option without an absolute word (always, never, only, "
                "all, …): a test-wise candidate picks it unread",
            )
        )
    echoed = _phrases(question.stem) & _phrases(keyed.text)
    echoed -= set().union(*(_phrases(o.text) for o in distractors))
    if echoed:
        shown = ", ".join(sorted(f"'{a} {b}'" for a, b in echoed)[:3])
        found.append(("stem-echo", f"the key alone repeats the stem's {shown}: a test-wise candidate matches it"))
    return found


@dataclass(frozen=True)
class KeyFacts:
    """Of an exam's single-answer questions of three options or more: how many there are, in how many the key
    is the longest and the shortest option, and how often each stored position holds the key."""

    singles: int
    longest: int
    shortest: int
    positions: Counter


def _single_key_facts(questions: list[QuestionIn]) -> KeyFacts:
    # A true/false (two options, where the exam's rules allow it) is left out: its key is "True" or "False",
    # whose length and place say nothing about how the author writes keys.
    singles = [q for q in questions if q.type == "single" and len(q.options) > 2]
    longest = shortest = 0
    positions: Counter = Counter()
    for q in singles:
        positions[next(i for i, o in enumerate(q.options) if o.id == _single_key(q))] += 1
        key_length, longest_distractor, shortest_distractor = _lengths(q)
        longest += key_length > longest_distractor
        shortest += key_length < shortest_distractor
    return KeyFacts(len(singles), longest, shortest, positions)


def _home(exam: LoadedExam, path: str) -> bool:
    """Whether a file belongs to this exam's own folder (a card shared from another exam is linted there)."""
    return f"{exam.code.lower()}/" in path


def lint_exam(exam: LoadedExam) -> list[Finding]:
    findings = [
        Finding("error", "schema", f"{p.field}: {p.message}", p.path, p.line, p.question, p.kind) for p in exam.problems
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

    for card in exam.cards:
        path, line = exam.card_locations[card.id]
        if (card.review is None or card.review.status != "reviewed") and _home(exam, path):
            findings.append(
                Finding("warning", "unreviewed", "no independent review of this card yet", path, line, card.id, "card")
            )
    for sheet in exam.sheets:
        path = exam.sheet_locations[sheet.domain]
        if (sheet.review is None or sheet.review.status != "reviewed") and _home(exam, path):
            findings.append(Finding("warning", "unreviewed", "no independent review of this cheat sheet yet", path))

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

    for q in questions:
        for rule, message in cues(q):
            findings.append(at(q, "warning", rule, message))

    facts = _single_key_facts(questions)
    code = exam.blueprint.code
    if facts.singles:
        for count, which in ((facts.longest, "longest"), (facts.shortest, "shortest")):
            share = count / facts.singles
            if not SHARE_LIMITS[0] <= share <= SHARE_LIMITS[1]:
                findings.append(
                    Finding(
                        "error",
                        f"{which}-key",
                        f"{code}: the key is the {which} option in {count} of {facts.singles} single-answer "
                        f"questions ({share:.0%}); chance is 25%, and outside {SHARE_LIMITS[0]:.0%}–"
                        f"{SHARE_LIMITS[1]:.0%} '{'pick' if share > SHARE_LIMITS[1] else 'never pick'} the "
                        f"{which}' beats it",
                    )
                )
        for index in range(4):
            share = facts.positions[index] / facts.singles
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


def lint_bank(exams: list[LoadedExam], *, today: dt.date) -> list[Finding]:
    """Every exam's findings, then the catalogue's: a successor the bank does not hold, or an exam still
    called live (or beta) after its last day."""
    findings = [f for exam in exams for f in lint_exam(exam)]
    codes = {exam.blueprint.code for exam in exams}
    for exam in exams:
        catalogue, code = exam.blueprint.catalogue, exam.blueprint.code
        if catalogue.successor and catalogue.successor not in codes:
            findings.append(
                Finding("error", "catalogue", f"{code}: successor {catalogue.successor} is not an exam of this bank")
            )
        if catalogue.stale_on(today):
            findings.append(
                Finding(
                    "warning",
                    "catalogue",
                    f"{code} is still marked {catalogue.status}, but its last day was {catalogue.last_day}: "
                    "mark it retired",
                )
            )
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
    facts = _single_key_facts(questions)
    return {
        "questions": len(questions),
        "domains": {d.code: sum(q.domain == d.code for q in questions) for d in exam.blueprint.domains},
        "tasks": {task: sum(q.task == task for q in questions) for d in exam.blueprint.domains for task, _ in d.tasks},
        "types": dict(sorted(Counter(q.type for q in questions).items())),
        "difficulty": {str(k): v for k, v in sorted(Counter(q.difficulty for q in questions).items())},
        "reviewed": sum(1 for q in questions if q.review and q.review.status == "reviewed"),
        "case_studies": len({q.case.id for q in questions if isinstance(q.case, CaseIn)}),
        "single_answer_key_longest": round(facts.longest / facts.singles, 3) if facts.singles else None,
        "single_answer_key_shortest": round(facts.shortest / facts.singles, 3) if facts.singles else None,
        "single_answer_key_positions": {chr(65 + i): facts.positions[i] for i in sorted(facts.positions)},
        "cards": len(exam.cards),
        "cards_by_domain": {d.code: sum(c.domain == d.code for c in exam.cards) for d in exam.blueprint.domains},
        "cards_reviewed": sum(1 for c in exam.cards if c.review and c.review.status == "reviewed"),
        "sheets": len(exam.sheets),
        "sheet_sections": sum(len(s.sections) for s in exam.sheets),
    }
