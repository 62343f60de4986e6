"""Drawing a paper from the bank by the blueprint (DESIGN rule 5)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import NamedTuple

from app.domain.exam import Blueprint


class BankTooSmall(Exception):
    """The bank cannot supply the blueprint's questions for some domains."""

    def __init__(self, exam: str, shortfalls: Sequence[tuple[str, str, int, int]]):
        self.exam = exam
        self.shortfalls = tuple(shortfalls)
        parts = [
            f"domain {code} ({name}) needs {need} questions and the bank has {have}: {need - have} short"
            for code, name, need, have in shortfalls
        ]
        super().__init__(f"The {exam} bank is too small for a paper: " + "; ".join(parts) + ".")


class Candidate(NamedTuple):
    """A question the bank can offer: its current version and its domain. A named tuple, because a start
    builds one for every active question of the bank and tuples are the cheapest to make. Its options are
    not here: only the drawn questions' options are read (see `shuffle_options`)."""

    version_id: int
    question_id: str
    domain: str
    calibrated: bool = True  # False while the question lacks enough responses for its statistics
    case: str | None = None  # the case study it belongs to: drawn only with the whole group


class Drawn(NamedTuple):
    position: int
    version_id: int
    question_id: str
    domain: str
    scored: bool


@dataclass(frozen=True, slots=True)
class PaperItem:
    position: int
    version_id: int
    question_id: str
    domain: str
    scored: bool
    option_order: tuple[str, ...]


def draw(
    blueprint: Blueprint,
    pool: Sequence[Candidate],
    *,
    seen: AbstractSet[str],
    rng: random.Random,
) -> tuple[Drawn, ...]:
    """The questions of a paper in order: per-domain counts by largest remainder, unseen questions first, no
    question twice. Within each domain the unscored slots go to randomly chosen items, and the whole paper
    is shuffled. The same pool (in any order), seen set and rng state give the same draw.
    """
    quotas = blueprint.quotas()
    by_domain: dict[str, list[Candidate]] = {d.code: [] for d in blueprint.domains}
    groups: dict[str, list[Candidate]] = {}
    chosen_questions: set[str] = set()
    for candidate in sorted(pool, key=lambda c: (c.question_id, c.version_id)):
        if candidate.domain in by_domain and candidate.question_id not in chosen_questions:
            chosen_questions.add(candidate.question_id)
            if candidate.case is None:
                by_domain[candidate.domain].append(candidate)
            else:
                groups.setdefault(candidate.case, []).append(candidate)

    cases = _choose_cases(blueprint, groups, seen=seen, rng=rng)
    in_cases: dict[str, list[Candidate]] = {d.code: [] for d in blueprint.domains}
    for case in cases:
        for member in groups[case]:
            in_cases[member.domain].append(member)

    shortfalls = [
        (d.code, d.name, sum(quotas[d.code]), len(by_domain[d.code]) + len(in_cases[d.code]))
        for d in blueprint.domains
        if len(by_domain[d.code]) + len(in_cases[d.code]) < sum(quotas[d.code])
    ]
    if shortfalls:
        raise BankTooSmall(blueprint.code, shortfalls)

    scored_of: dict[str, bool] = {}
    singles: list[tuple[Candidate, bool]] = []
    for domain in blueprint.domains:
        scored_count, unscored_count = quotas[domain.code]
        candidates = by_domain[domain.code]
        unseen = [c for c in candidates if c.question_id not in seen]
        already_seen = [c for c in candidates if c.question_id in seen]
        rng.shuffle(unseen)
        rng.shuffle(already_seen)
        # As AWS pretests new items, questions still gathering data take the unscored slots first.
        pretest = [c for c in unseen if not c.calibrated][:unscored_count]
        in_pretest = {c.question_id for c in pretest}
        others = [c for c in unseen + already_seen if c.question_id not in in_pretest]
        members = in_cases[domain.code]
        picked = pretest + members + others[: scored_count + unscored_count - len(pretest) - len(members)]
        fillers = list(range(len(pretest), len(picked)))
        rng.shuffle(fillers)
        unscored_slots = set(range(len(pretest))) | set(fillers[: unscored_count - len(pretest)])
        for i, c in enumerate(picked):
            scored_of[c.question_id] = i not in unscored_slots
            if c.case is None:
                singles.append((c, i not in unscored_slots))

    # The paper's order: single questions and whole case studies shuffled as units, so that a case's
    # questions sit on consecutive positions. With no case study this is the plain shuffle of the questions.
    units: list[list[tuple[Candidate, bool]]] = [[item] for item in singles]
    units += [[(m, scored_of[m.question_id]) for m in groups[case]] for case in cases]
    rng.shuffle(units)
    ordered = [item for unit in units for item in unit]
    return tuple(
        Drawn(position, c.version_id, c.question_id, c.domain, scored)
        for position, (c, scored) in enumerate(ordered, start=1)
    )


def _choose_cases(
    blueprint: Blueprint,
    groups: Mapping[str, Sequence[Candidate]],
    *,
    seen: AbstractSet[str],
    rng: random.Random,
) -> list[str]:
    """Up to the blueprint's number of case studies, unseen ones first: each whole, its members counted in
    their own domains, and only where every domain's count can still be met exactly."""
    if not blueprint.case_studies or not groups:
        return []
    order = sorted(groups)
    rng.shuffle(order)
    order.sort(key=lambda case: any(m.question_id in seen for m in groups[case]))
    room = {code: sum(quota) for code, quota in blueprint.quotas().items()}
    chosen: list[str] = []
    for case in order:
        need = Counter(m.domain for m in groups[case])
        if all(need[code] <= room[code] for code in need):
            chosen.append(case)
            for code, count in need.items():
                room[code] -= count
        if len(chosen) == blueprint.case_studies:
            break
    return sorted(chosen, key=order.index)


def shuffle_options(
    drawn: Sequence[Drawn], option_ids: Mapping[int, Sequence[str]], *, rng: random.Random
) -> tuple[PaperItem, ...]:
    """The paper: each drawn question with its options (by version id) in a random order. Given the rng
    that made the draw, the seed of an attempt fixes its whole paper."""
    items = []
    for item in drawn:
        order = list(option_ids[item.version_id])
        rng.shuffle(order)
        items.append(PaperItem(*item, tuple(order)))
    return tuple(items)


def assemble(
    blueprint: Blueprint,
    pool: Sequence[Candidate],
    option_ids: Mapping[int, Sequence[str]],
    *,
    seen: AbstractSet[str],
    rng: random.Random,
) -> tuple[PaperItem, ...]:
    """A whole paper in one call, where every candidate's options are at hand (tests, small banks)."""
    return shuffle_options(draw(blueprint, pool, seen=seen, rng=rng), option_ids, rng=rng)
