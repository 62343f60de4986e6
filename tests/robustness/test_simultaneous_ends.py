"""Exams that end at the same moment share questions, and each end counts a response for every question
it showed. On PostgreSQL that is a row lock per question: taken in the order a scan met the rows, which
moves as rows are updated, two ends deadlocked (the load benchmark's 50 candidates met it as 500s on
"end" in two runs of three)."""

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.bootstrap import load_shipped_bank
from app.config import ROOT
from app.db import attempts, bank, migrate, users
from app.db.engine import make_engine
from app.db.memory import Memory
from app.db.tables import Question
from tests.conftest import create_pg_database, drop_pg_database

NOW = datetime(2026, 5, 1, tzinfo=UTC)
THREADS, ENDS_EACH = 8, 12


def test_exams_ending_back_to_back_in_parallel_count_every_response_without_a_deadlock(pg_server):
    name, url = create_pg_database(pg_server)
    engine = make_engine(url, pool_size=THREADS)
    try:
        migrate.upgrade(url)
        # The shipped bank: papers of 65 from hundreds of questions overlap in part.
        load_shipped_bank(url, ROOT / "question_bank", now=NOW)
        with Session(engine) as session:
            blueprint = bank.get_blueprint(session=session, code="MLS-C01")
            user_id = users.create_guest(session=session, now=NOW)[0].id
            started = [
                attempts.start_exam(
                    session=session,
                    blueprint=blueprint,
                    user_id=user_id,
                    attempt_id=f"a{i}",
                    seed=i,
                    minutes=60,
                    now=NOW,
                    practice_since=NOW,
                ).id
                for i in range(THREADS * ENDS_EACH)
            ]
        failures = []

        memory = Memory()

        def end_each(attempt_ids: list[str]) -> None:
            for attempt_id in attempt_ids:
                with Session(engine) as session:
                    attempt, blueprint = attempts.get_sitting(
                        session=session, memory=memory, attempt_id=attempt_id, user_id=user_id
                    )
                    try:
                        attempts.finalize(
                            session=session,
                            memory=memory,
                            attempt=attempt,
                            blueprint=blueprint,
                            now=NOW + timedelta(minutes=30),
                            reason="submitted",
                        )
                    except Exception as error:  # collected: an exception in a thread would pass unseen
                        failures.append(repr(error)[:300])

        threads = [threading.Thread(target=end_each, args=(started[i::THREADS],)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        with Session(engine) as session:
            assert sum(session.exec(select(Question.exam_responses)).all()) == 65 * THREADS * ENDS_EACH
    finally:
        engine.dispose()
        drop_pg_database(pg_server, name)
