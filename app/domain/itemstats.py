"""Classical item statistics, with Moodle's formulas (research/scoring.md §3).

Papers are drawn at random, so no two candidates sit the same form. Each person's ability is therefore
taken as the share correct on the *rest* of their own paper (§3.4), and only first exposures in exam mode
count (§3.2). Flags are shown only after a minimum number of responses; below it, figures are noise.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MIN_SAMPLE = 50


@dataclass(frozen=True)
class Response:
    """One candidate's first exam-mode answer to one question, with their share correct on the rest of
    their paper."""

    correct: bool
    selection: frozenset[str]
    rest: float


@dataclass
class ItemStatistics:
    question: str
    n: int
    facility: float | None
    discrimination: float | None
    efficiency: float | None
    options: dict[str, tuple[float, float | None]] = field(default_factory=dict)  # id -> (share, r with rest)
    patterns: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def covariance(x: Sequence[float], y: Sequence[float]) -> float:
    """Sample covariance (n − 1), as Moodle computes it."""
    mx, my = _mean(x), _mean(y)
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / (len(x) - 1)


def correlation(x: Sequence[float], y: Sequence[float]) -> float | None:
    if len(x) < 3:
        return None
    vx, vy = covariance(x, x), covariance(y, y)
    if vx <= 0 or vy <= 0:
        return None
    return covariance(x, y) / math.sqrt(vx * vy)


def item_statistics(
    question: str,
    responses: Sequence[Response],
    key: Iterable[str],
    option_ids: Sequence[str],
    *,
    min_sample: int = MIN_SAMPLE,
) -> ItemStatistics:
    key = frozenset(key)
    n = len(responses)
    stats = ItemStatistics(question, n, None, None, None)
    if n == 0:
        return stats
    scores = [1.0 if r.correct else 0.0 for r in responses]
    rests = [r.rest for r in responses]
    stats.facility = 100 * _mean(scores)
    r_item = correlation(scores, rests)
    stats.discrimination = None if r_item is None else 100 * r_item
    if n >= 3:
        best = covariance(sorted(scores), sorted(rests))
        stats.efficiency = 100 * covariance(scores, rests) / best if best > 0 else None
    for option in option_ids:
        chose = [1.0 if option in r.selection else 0.0 for r in responses]
        stats.options[option] = (_mean(chose), correlation(chose, rests))
    stats.patterns = [(tuple(sorted(p)), c) for p, c in Counter(r.selection for r in responses).most_common()]
    if n >= min_sample:
        stats.flags = _flags(stats, key)
    return stats


def _flags(stats: ItemStatistics, key: frozenset[str]) -> list[str]:
    flags = []
    if stats.discrimination is not None and stats.discrimination < 0:
        flags.append("likely mis-key: stronger candidates get it wrong more often")
    key_r = [r for option, (_, r) in stats.options.items() if option in key and r is not None]
    for option, (_share, r) in sorted(stats.options.items()):
        if option not in key and r is not None and r > 0 and (not key_r or r > min(key_r)):
            flags.append(f"distractor {option} attracts stronger candidates (r = {r:.2f})")
    if stats.facility is not None and stats.facility > 95:
        flags.append("too easy")
    if stats.facility is not None and stats.facility < 20:
        flags.append("too hard")
    if stats.efficiency is not None and stats.efficiency < 15 and not flags:
        flags.append("discriminates poorly")
    return flags


@dataclass(frozen=True)
class FormStatistics:
    candidates: int
    mean: float
    sd: float
    alpha: float | None
    sem: float | None


def form_statistics(totals: Sequence[float], item_variances: Sequence[float]) -> FormStatistics:
    """Cronbach's alpha (KR-20 for 0/1 items) and the standard error of measurement, over k scored items:
    alpha = k/(k − 1) · (1 − Σ var(item) / var(total)); SEM = SD · √(1 − alpha)."""
    n, k = len(totals), len(item_variances)
    if n < 2:
        return FormStatistics(n, _mean(totals) if totals else 0.0, 0.0, None, None)
    variance = covariance(totals, totals)
    sd = math.sqrt(variance)
    if k < 2 or variance <= 0:
        return FormStatistics(n, _mean(totals), sd, None, None)
    alpha = k / (k - 1) * (1 - sum(item_variances) / variance)
    sem = sd * math.sqrt(1 - alpha) if alpha <= 1 else None
    return FormStatistics(n, _mean(totals), sd, alpha, sem)
