"""How well a bank covers its blueprint: what a paper needs per domain, and how many disjoint papers fit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.exam import Blueprint


@dataclass(frozen=True)
class DomainCoverage:
    code: str
    name: str
    active: int
    per_paper: int

    @property
    def papers(self) -> int:
        return self.active // self.per_paper if self.per_paper else 0


def coverage(blueprint: Blueprint, active_by_domain: Mapping[str, int]) -> tuple[list[DomainCoverage], int]:
    """Per domain, active questions against a paper's need; and how many full papers without a repeated
    question the bank can supply (the scarcest domain decides)."""
    quotas = blueprint.quotas()
    rows = [
        DomainCoverage(d.code, d.name, active_by_domain.get(d.code, 0), sum(quotas[d.code])) for d in blueprint.domains
    ]
    return rows, min((r.papers for r in rows), default=0)
