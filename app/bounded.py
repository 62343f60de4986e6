"""A worker's bounded memory of things that never change once made."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(dict[K, V]):
    """A dict of at most `limit` entries: adding one more forgets the oldest. For what a worker remembers
    of things that never change (parsed question versions, an item's facts, verified cookies), where an
    entry is either right or absent, so forgetting one only costs working it out again."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        if key not in self and len(self) >= self.limit:
            del self[next(iter(self))]
        self[key] = value
        return value
