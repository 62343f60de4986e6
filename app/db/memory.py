"""What one worker remembers of things that never change once stored: parsed question versions, parsed
blueprints and the facts of a paper's items. Each app has its own `Memory`, made by `create_app` (caches
belong to the app, not to modules). An entry is either right or absent, so forgetting one only costs working
it out again."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from app.domain.content import blueprint_from_dict, question_from_content
from app.domain.exam import Blueprint, Question

K = TypeVar("K")
V = TypeVar("V")


class Bounded(dict[K, V]):
    """A dict of at most `limit` entries: adding one more forgets the oldest."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        if key not in self and len(self) >= self.limit:
            del self[next(iter(self))]
        self[key] = value
        return value


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What never changes about one question of an attempt once the paper is made: when its time ends, the
    order its options are shown in, and which version of the question it holds."""

    deadline: datetime
    option_order: tuple[str, ...]
    version_id: int
    digest: str


class Memory:
    def __init__(self, *, versions: int = 20_000, blueprints: int = 64, items: int = 32_768) -> None:
        # Keyed by id and content hash together, so an entry never answers for another database's version.
        self.versions: Bounded[tuple[int, str], Question] = Bounded(versions)
        # By the hash of the exam's content: a changed exam has a new hash, so only the hash travels from the
        # database on each request. A few exams, each with a few edits over a worker's life.
        self.blueprints: Bounded[str, Blueprint] = Bounded(blueprints)
        # By attempt and position, so that a save can skip reading them again. Nothing in an entry is
        # trusted: the write that uses it checks them all in SQL. The oldest entry forgotten first is most
        # likely a finished sitting's.
        self.items: Bounded[tuple[str, int], ItemFacts] = Bounded(items)

    def question(self, version_id: int, digest: str) -> Question | None:
        return self.versions.get((version_id, digest))

    def remember_question(self, version_id: int, digest: str, content: dict) -> Question:
        return self.versions.put((version_id, digest), question_from_content(content))

    def blueprint(self, content_hash: str) -> Blueprint | None:
        return self.blueprints.get(content_hash)

    def remember_blueprint(self, content_hash: str, data: dict) -> Blueprint:
        return self.blueprints.put(content_hash, blueprint_from_dict(data))

    def item(self, attempt_id: str, position: int) -> ItemFacts | None:
        return self.items.get((attempt_id, position))

    def remember_item(
        self,
        attempt_id: str,
        position: int,
        deadline: datetime,
        option_order: str,
        version_id: int | None,
        digest: str | None,
    ) -> None:
        if version_id is None or digest is None or (attempt_id, position) in self.items:
            return
        # Interned, the strings that items share (an attempt's id, a question's option ids and digest) are
        # kept once: a full memory then takes about 10 MB instead of 24.
        self.items.put(
            (sys.intern(attempt_id), position),
            ItemFacts(
                deadline,
                tuple(sys.intern(option) for option in option_order.split(",")),
                version_id,
                sys.intern(digest),
            ),
        )
