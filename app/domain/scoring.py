"""Scoring as research/scoring.md §2.5 designs it: all-or-nothing items, a scale anchored at the cut,
pass/fail on the raw count, and the uncertainty that an honest report shows beside the figure."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from app.domain.exam import Blueprint, Scale

MEETS = "Meets competencies"
NEEDS = "Needs improvement"


def is_correct(selection: AbstractSet[str], key: AbstractSet[str]) -> bool:
    """All or nothing: the selection must equal the key set exactly; an empty selection is wrong."""
    return bool(selection) and set(selection) == set(key)


def dogleg(x: float, x_cut: float, scale: Scale) -> float:
    """The two-segment line through (0, min), (x_cut, cut) and (1, max)."""
    if not 0 < x_cut < 1:
        raise ValueError(f"the cut must lie strictly between 0 and 1, not {x_cut}")
    if not 0 <= x <= 1:
        raise ValueError(f"a proportion correct lies between 0 and 1, not {x}")
    if x < x_cut:
        return scale.min + (scale.cut - scale.min) * x / x_cut
    return scale.cut + (scale.max - scale.cut) * (x - x_cut) / (1 - x_cut)


def round_half_up(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def raw_cut(n: int, cut_fraction: Fraction) -> Fraction:
    return Fraction(n) * cut_fraction


def scaled_score(raw: float, n: int, cut: Fraction, scale: Scale) -> tuple[int, bool]:
    """The displayed scaled score and pass/fail. Pass is decided on raw ≥ cut, never on the rounded score,
    and the rounding guard keeps the two in agreement: a fail shows at most cut − 1, a pass at least cut."""
    passed = Fraction(raw) >= cut
    shown = round_half_up(dogleg(raw / n, float(cut / n), scale))
    shown = max(shown, scale.cut) if passed else min(shown, scale.cut - 1)
    return shown, passed


def beta_cdf(x: float, a: int, b: int) -> float:
    """The regularized incomplete beta I_x(a, b) for whole a, b ≥ 1: the chance that at least a of
    a + b − 1 trials succeed with probability x."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    m = a + b - 1
    log_x, log_1x = math.log(x), math.log1p(-x)
    return math.fsum(
        math.exp(math.lgamma(m + 1) - math.lgamma(j + 1) - math.lgamma(m - j + 1) + j * log_x + (m - j) * log_1x)
        for j in range(a, m + 1)
    )


def beta_quantile(q: float, a: int, b: int) -> float:
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        if beta_cdf(mid, a, b) < q:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def probability_above(correct: int, n: int, x_cut: float) -> float:
    """P(true proportion ≥ x_cut) under the Beta(1 + correct, 1 + wrong) posterior of a uniform prior."""
    return 1.0 - beta_cdf(x_cut, 1 + correct, 1 + n - correct)


def credible_band(correct: int, n: int, x_cut: float, scale: Scale, mass: float = 0.8) -> tuple[int, int]:
    """The central `mass` of the posterior on the true proportion, mapped onto the scale."""
    tail = (1 - mass) / 2
    a, b = 1 + correct, 1 + n - correct
    low, high = beta_quantile(tail, a, b), beta_quantile(1 - tail, a, b)
    return round_half_up(dogleg(low, x_cut, scale)), round_half_up(dogleg(high, x_cut, scale))


@dataclass(frozen=True)
class DomainResult:
    code: str
    name: str
    weight: int
    correct: int
    total: int
    probability_meets: float
    label: str
    borderline: bool
    points_at_stake: float

    @property
    def percent(self) -> int:
        return round_half_up(100 * self.correct / self.total) if self.total else 0


def classify_domain(correct: int, total: int, x_cut: float) -> tuple[str, bool, float]:
    """Our rule (AWS publishes none): meets when the observed share reaches the cut; borderline when the
    posterior chance of truly reaching it lies between 0.2 and 0.8."""
    if total == 0:
        return NEEDS, True, 0.0
    chance = probability_above(correct, total, x_cut)
    label = MEETS if Fraction(correct, total) >= Fraction(x_cut).limit_denominator(10_000) else NEEDS
    return label, 0.2 < chance < 0.8, chance


PASS, FAIL, BORDERLINE = "Pass", "Fail", "Borderline"


def verdict(probability_pass: float) -> str:
    """The report's headline, from the chance that the candidate's true level passes, with the same 20-80%
    band as a domain's "borderline": a paper just over the assumed cut is not a clear pass."""
    if probability_pass >= 0.8:
        return PASS
    if probability_pass <= 0.2:
        return FAIL
    return BORDERLINE


@dataclass(frozen=True)
class ItemOutcome:
    domain: str
    scored: bool
    correct: bool


@dataclass(frozen=True)
class Result:
    correct: int
    total: int
    raw_cut: Fraction
    scaled: int
    passed: bool
    probability_pass: float
    band: tuple[int, int]
    domains: tuple[DomainResult, ...]
    cut_fraction: Fraction

    @property
    def percent(self) -> int:
        return round_half_up(100 * self.correct / self.total) if self.total else 0


def score(blueprint: Blueprint, outcomes: Sequence[ItemOutcome], cut_fraction: Fraction | None = None) -> Result:
    """Score a finished paper. Unscored items count for nothing; unanswered items are simply not correct."""
    cut_fraction = blueprint.default_cut_fraction if cut_fraction is None else cut_fraction
    scored = [o for o in outcomes if o.scored]
    n = len(scored)
    if n == 0:
        raise ValueError("a paper needs at least one scored question")
    correct = sum(o.correct for o in scored)
    cut = raw_cut(n, cut_fraction)
    x_cut = float(cut_fraction)
    shown, passed = scaled_score(correct, n, cut, blueprint.scale)
    # The central 80% of the posterior leaves out the observed share at the ends of the scale (no answer
    # right: 100, against a band of 102-141); the range shown must hold the estimate shown beside it.
    low, high = credible_band(correct, n, x_cut, blueprint.scale)
    band = (min(low, shown), max(high, shown))
    domains = []
    for domain in blueprint.domains:
        mine = [o for o in scored if o.domain == domain.code]
        right = sum(o.correct for o in mine)
        label, borderline, chance = classify_domain(right, len(mine), x_cut)
        share = right / len(mine) if mine else 0.0
        at_stake = domain.weight / 100 * (1 - share) * blueprint.scored
        domains.append(
            DomainResult(domain.code, domain.name, domain.weight, right, len(mine), chance, label, borderline, at_stake)
        )
    return Result(
        correct=correct,
        total=n,
        raw_cut=cut,
        scaled=shown,
        passed=passed,
        probability_pass=probability_above(correct, n, x_cut),
        band=band,
        domains=tuple(domains),
        cut_fraction=cut_fraction,
    )


def weighted_fraction(results: Iterable[tuple[float, int, int]]) -> float:
    """Blueprint-weighted proportion correct for quizzes whose domain mix differs from the blueprint:
    Σ w·(r/n) over domains with questions, divided by the sum of those weights."""
    parts = [(w, r, n) for w, r, n in results if n > 0]
    total_weight = sum(w for w, _, _ in parts)
    if total_weight <= 0:
        raise ValueError("at least one domain needs questions")
    return sum(w * r / n for w, r, n in parts) / total_weight
