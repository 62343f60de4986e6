"""Exam start: assemble and store a 65-question MLS-C01 paper from synthetic banks of growing size.

    python -m bench.exam_start --database-url postgresql+psycopg://…/empty_db [--sizes 1000 2500 5000 10000]

For each bank size, fills the exam with synthetic questions (the blueprint's domain weights), then times
the start path exactly as the route runs it: the seen-question queries, loading the active pool, assembly
and storing the attempt with its 65 items. Prints p50 and p95 per size and the time per 1,000 questions,
so the growth can be read off as linear or not.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from app.bank.format import QuestionIn
from app.bank.loader import load_exam
from app.config import ROOT
from app.db import attempts, bank, migrate, users
from app.db.engine import make_engine


def synthetic(blueprint, count: int, start: int) -> list[QuestionIn]:
    weights = [d.weight for d in blueprint.domains]
    questions = []
    for i in range(start, start + count):
        domain = random.Random(i).choices(blueprint.domains, weights)[0]
        task = domain.tasks[i % len(domain.tasks)][0]
        questions.append(
            QuestionIn.model_validate(
                {
                    "id": f"syn-{i:06d}",
                    "domain": domain.code,
                    "task": task,
                    "type": "single",
                    "stem": f"Synthetic question {i} about {domain.name}, long enough to be realistic. " * 3,
                    "options": [
                        {"id": o, "text": f"Option {o} of {i}", "explanation": f"Why {o} is right or wrong."}
                        for o in "ABCD"
                    ],
                    "key": ["B"],
                    "explanation": "Synthetic.",
                    "references": [{"title": "ref", "url": "https://docs.aws.amazon.com/"}],
                }
            )
        )
    return questions


def start_exam(session: Session, blueprint, user_id: int, now: datetime) -> None:
    attempts.start_exam(
        session=session,
        blueprint=blueprint,
        user_id=user_id,
        attempt_id=secrets.token_hex(12),
        seed=secrets.randbits(62),
        minutes=180,
        now=now,
        practice_since=now - timedelta(days=30),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2500, 5000, 10000])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    migrate.upgrade(args.database_url)
    engine = make_engine(args.database_url)
    loaded = load_exam(Path(ROOT) / "question_bank" / "mls-c01")
    now = datetime.now(UTC)
    with Session(engine) as session:
        bank.sync_exam(
            session=session, blueprint=loaded.blueprint, blueprint_data=loaded.blueprint_data, contents=[], now=now
        )
        session.commit()
        user, _ = users.create_guest(session=session, now=now)
        blueprint = loaded.blueprint
        have = 0
        print(f"exam start, {args.runs} runs per bank size, {engine.dialect.name}")
        for size in args.sizes:
            contents = [q.content() for q in synthetic(blueprint, size - have, have)]
            bank.store_questions(session=session, exam_code=blueprint.code, contents=contents, now=now)
            session.commit()
            have = size
            timings = []
            for _ in range(args.runs):
                started = time.perf_counter()
                start_exam(session, blueprint, user.id, now)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            p50, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
            print(f"bank {size:>6}: p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({p50 / size * 1000:.2f} ms per 1,000)")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
