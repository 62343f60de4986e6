"""Study aids between mock exams: flashcards (one concept each) and cheat sheets (one page per exam and domain).
Both link to questions through tags: a card or a sheet section sharing a tag with a question is about the
concept that question tests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from app.domain.exam import Blueprint, Reference

FRONT_LIMIT = 200
BACK_LIMIT = 700
WHY_LIMIT = 200

# The self-grades of a drill, as Anki and FSRS name them (FSRS ratings 1-4).
GRADES: tuple[tuple[int, str], ...] = ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy"))


@dataclass(frozen=True)
class Flashcard:
    slug: str
    domain: str
    task: str
    tags: tuple[str, ...]
    front: str
    back: str
    why: str = ""
    reference: Reference | None = None


@dataclass(frozen=True)
class SheetSection:
    id: str
    title: str
    tags: tuple[str, ...]
    body: str
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class CheatSheet:
    domain: str
    title: str
    sections: tuple[SheetSection, ...]


@dataclass(frozen=True)
class SectionLink:
    """A sheet section a question's page points to."""

    domain: str
    sheet_title: str
    section_id: str
    section_title: str


@dataclass(frozen=True)
class Schedule:
    """When a candidate's card is next due; `seen` is False for a card brought forward but never drilled."""

    due: datetime
    seen: bool = True


def drill_queue(
    cards: Iterable[Flashcard],
    schedules: dict[str, Schedule],
    now: datetime,
    *,
    domains: frozenset[str] = frozenset(),
    tasks: frozenset[str] = frozenset(),
) -> list[Flashcard]:
    """The cards to drill now, in order: those due (earliest first), then those never scheduled, in deck
    order. Cards scheduled for later wait. Empty `domains` and `tasks` mean the whole exam."""
    chosen = [c for c in cards if (not domains or c.domain in domains) and (not tasks or c.task in tasks)]
    due = sorted(
        (c for c in chosen if c.slug in schedules and schedules[c.slug].due <= now), key=lambda c: schedules[c.slug].due
    )
    new = [c for c in chosen if c.slug not in schedules]
    return due + new


def front_key(front: str) -> str:
    """Two fronts that differ only in case, spacing or punctuation ask the same thing."""
    return re.sub(r"[^a-z0-9]+", " ", front.lower()).strip()


def card_problems(card: Flashcard, blueprint: Blueprint) -> list[tuple[str, str]]:
    """What makes a card unusable for this exam, as (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    domains = {d.code: d for d in blueprint.domains}
    domain = domains.get(card.domain)
    if domain is None:
        problems.append(("domain", f"unknown domain {card.domain!r}; {blueprint.code} has {', '.join(domains)}"))
    elif card.task not in {t for t, _ in domain.tasks}:
        tasks = ", ".join(t for t, _ in domain.tasks)
        problems.append(("task", f"task {card.task!r} is not in domain {card.domain} ({tasks})"))
    for field, text, limit in (("front", card.front, FRONT_LIMIT), ("back", card.back, BACK_LIMIT)):
        if len(text) > limit:
            problems.append((field, f"{len(text)} characters; a card's {field} holds at most {limit}"))
    if len(card.why) > WHY_LIMIT:
        problems.append(("why", f"{len(card.why)} characters; `why` holds at most {WHY_LIMIT}"))
    return problems


def unknown_tags(tags: Iterable[str], known: set[str]) -> list[str]:
    """Tags that no question of the exam carries, so they would link to nothing."""
    return sorted(set(tags) - known)


def linked_cards(tags: Iterable[str], cards: Iterable[Flashcard], *, task: str | None = None, limit: int = 3):
    """The cards about what a question tests: those sharing the most of its tags, then its task first."""
    wanted = set(tags)
    scored = []
    for card in cards:
        shared = len(wanted & set(card.tags))
        if shared:
            scored.append((-shared, card.task != task, card.slug, card))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]


def cards_for_misses(missed: Iterable[tuple[Iterable[str], str]], cards: list[Flashcard], *, per_question: int = 2):
    """The cards that missed or flagged questions (each given by its tags and task) bring forward."""
    chosen: dict[str, Flashcard] = {}
    for tags, task in missed:
        for card in linked_cards(tags, cards, task=task, limit=per_question):
            chosen.setdefault(card.slug, card)
    return list(chosen.values())


def linked_sections(tags: Iterable[str], sheets: Iterable[CheatSheet], *, limit: int = 3) -> list[SectionLink]:
    """The sheet sections about what a question tests: those sharing the most of its tags, in sheet order
    among equals."""
    wanted = set(tags)
    scored = []
    pairs = [(sheet, section) for sheet in sheets for section in sheet.sections]
    for order, (owner, section) in enumerate(pairs):
        shared = len(wanted & set(section.tags))
        if shared:
            scored.append((-shared, order, SectionLink(owner.domain, owner.title, section.id, section.title)))
    scored.sort(key=lambda item: item[:2])
    return [item[2] for item in scored[:limit]]


@dataclass(frozen=True)
class StudyAids:
    """What to study after a question: the sheet sections and the cards on its concept."""

    sections: tuple[SectionLink, ...] = ()
    cards: tuple[Flashcard, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sections or self.cards)


def aids_for(tags: Iterable[str], task: str, sheets: list[CheatSheet], cards: list[Flashcard]) -> StudyAids:
    tags = tuple(tags)
    return StudyAids(tuple(linked_sections(tags, sheets)), tuple(linked_cards(tags, cards, task=task)))


def card_from_content(content: Mapping) -> Flashcard:
    reference = content.get("reference")
    return Flashcard(
        slug=content["id"],
        domain=content["domain"],
        task=content["task"],
        tags=tuple(content.get("tags", [])),
        front=content["front"],
        back=content["back"],
        why=content.get("why", ""),
        reference=Reference(reference["title"], reference["url"]) if reference else None,
    )


def sheet_from_content(content: Mapping) -> CheatSheet:
    return CheatSheet(
        domain=content["domain"],
        title=content["title"],
        sections=tuple(
            SheetSection(
                id=section["id"],
                title=section["title"],
                tags=tuple(section.get("tags", [])),
                body=section["body"],
                references=tuple(Reference(r["title"], r["url"]) for r in section.get("references", [])),
            )
            for section in content["sections"]
        ),
    )
