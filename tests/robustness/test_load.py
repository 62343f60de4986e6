"""A small load run in CI: simulated candidates sit whole exams at once; every acknowledged answer is stored."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from app.db.engine import make_engine
from app.db.tables import Attempt, AttemptItem
from bench import load, sitting_cpu
from tests.conftest import TEST_BANK, create_pg_database, drop_pg_database


@pytest.mark.parametrize("moves", ["views", "next"])
def test_simultaneous_sittings_store_every_acknowledged_answer_on_postgresql(server_factory, pg_server, capsys, moves):
    """Two workers, each remembering only the items it has read: a Next often lands on the other one."""
    name, url = create_pg_database(pg_server)
    try:
        server = server_factory(mockexam_bank_dir=TEST_BANK, database_url=url, web_concurrency=2)
        arguments = [
            "--url",
            server.url,
            "--exam",
            "TST-01",
            "--candidates",
            "12",
            "--questions",
            "8",
            "--database-url",
            url,
            "--moves",
            moves,
        ]
        # A thread of its own: the script runs its own event loop, whatever else this test session runs.
        with ThreadPoolExecutor(1) as pool:
            status = pool.submit(load.main, arguments).result(timeout=300)
        output = capsys.readouterr().out
        assert status == 0, output
        assert "acknowledged answers 96, stored answers 96, server errors 0" in output
    finally:
        drop_pg_database(pg_server, name)


def test_the_load_script_refuses_anything_but_loopback():
    with pytest.raises(SystemExit, match="only targets loopback"):
        load.main(["--url", "http://10.0.0.5:8000", "--database-url", "sqlite://"])


@pytest.mark.parametrize("moves", ["views", "next"])
def test_the_sitting_benchmark_sits_a_whole_exam_and_stores_every_answer(server_factory, tmp_path, moves):
    """Its figure is only worth something if every request it times succeeded: it stops at the first refusal."""
    url = f"sqlite:///{tmp_path / 'sitting.db'}"
    server = server_factory(mockexam_bank_dir=TEST_BANK, database_url=url)
    sitting_cpu.sit(server.url, "TST-01", moves=moves, questions=8, domains=("D1", "D2"))
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            attempt = session.exec(select(Attempt)).one()
            items = session.exec(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)).all()
    finally:
        engine.dispose()
    assert attempt.finalized_at is not None
    assert all(item.selection for item in items) and sum(item.flagged for item in items) == 1
    assert all(item.seconds_spent is not None for item in items)


def test_the_sitting_benchmark_stops_at_a_refused_request(server_factory, tmp_path):
    server = server_factory(mockexam_bank_dir=TEST_BANK, database_url=f"sqlite:///{tmp_path / 'sitting.db'}")
    with pytest.raises(SystemExit, match="question view: GET /attempts/.*/questions/9 answered 404"):
        sitting_cpu.sit(server.url, "TST-01", questions=9, domains=("D1", "D2"))
