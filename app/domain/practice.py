"""Practice, as research/scoring.md §5 designs it: where to spend the next questions, and which ones.

Exam mode stays fixed-blueprint so its scores stay comparable; adaptivity lives here.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime

from app.domain.exam import apportion

RECENCY_DECAY_PER_DAY = 0.9
NEED_SHARE = 0.7  # λ: how much of a session follows need rather than the blueprint's weights


@dataclass(frozen=True)
class Outcome:
    """One answered question from a candidate's history."""

    domain: str
    correct: bool
    at: datetime


def mastery(
    history: Sequence[Outcome], domains: Sequence[str], now: datetime, decay: float = RECENCY_DECAY_PER_DAY
) -> dict[str, float]:
    """Posterior mean of each domain's share correct under a Beta(1, 1) prior, recent answers weighing more:
    an answer d days old counts decay**d."""
    a = {d: 1.0 for d in domains}
    b = {d: 1.0 for d in domains}
    for outcome in history:
        if outcome.domain not in a:
            continue
        weight = decay ** max((now - outcome.at).total_seconds() / 86400, 0)
        if outcome.correct:
            a[outcome.domain] += weight
        else:
            b[outcome.domain] += weight
    return {d: a[d] / (a[d] + b[d]) for d in domains}


def allocate(
    weights: Mapping[str, float], mastery_by_domain: Mapping[str, float], count: int, need_share: float = NEED_SHARE
) -> dict[str, int]:
    """Questions per domain for a session of `count`: expected points lost on a real form (weight × share
    wrong), mixed with the blueprint's weights, by largest remainder; every domain gets one when count ≥ 4."""
    codes = list(weights)
    total_weight = sum(weights.values())
    w = {d: weights[d] / total_weight for d in codes}
    need = {d: w[d] * (1 - mastery_by_domain[d]) for d in codes}
    need_total = sum(need.values()) or 1.0
    share = [need_share * need[d] / need_total + (1 - need_share) * w[d] for d in codes]
    seats = dict(zip(codes, apportion(count, share), strict=True))
    if count >= max(4, len(codes)):
        for domain in codes:
            if seats[domain] == 0:
                donor = max(codes, key=lambda d: (seats[d], -codes.index(d)))
                seats[donor] -= 1
                seats[domain] = 1
    return seats


# research/scoring.md §5.3: FSRS was made for recall; multiple choice is scored conservatively.
AGAIN, HARD, GOOD = 1, 2, 3


def review_rating(*, correct: bool, flagged: bool) -> int:
    if not correct:
        return AGAIN
    return HARD if flagged else GOOD


@dataclass(frozen=True)
class Offer:
    """A question a drill can draw: its version, identity, domain and task."""

    version_id: int
    question_id: str
    domain: str
    task: str
    option_ids: tuple[str, ...]


def choose_for_drill(
    pool: Sequence[Offer],
    count: int,
    *,
    domains: AbstractSet[str] = frozenset(),
    tasks: AbstractSet[str] = frozenset(),
    due: Sequence[str] = (),
    seen: AbstractSet[str] = frozenset(),
    rng: random.Random,
) -> list[Offer]:
    """Due reviews first (in due order), then questions never seen, then the rest, within the chosen domains
    and tasks (none chosen means all)."""
    eligible = [
        o
        for o in sorted(pool, key=lambda o: o.question_id)
        if (not domains or o.domain in domains) and (not tasks or o.task in tasks)
    ]
    by_id = {o.question_id: o for o in eligible}
    chosen = [by_id[q] for q in due if q in by_id][:count]
    taken = {o.question_id for o in chosen}
    unseen = [o for o in eligible if o.question_id not in taken and o.question_id not in seen]
    others = [o for o in eligible if o.question_id not in taken and o.question_id in seen]
    rng.shuffle(unseen)
    rng.shuffle(others)
    return chosen + (unseen + others)[: count - len(chosen)]
