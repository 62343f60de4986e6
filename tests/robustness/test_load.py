"""A small load run in CI: simulated candidates sit whole exams at once; every acknowledged answer is stored."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import load
from tests.conftest import TEST_BANK, create_pg_database, drop_pg_database
from tests.live_server import server_factory  # noqa: F401  (fixture)


def test_simultaneous_sittings_store_every_acknowledged_answer_on_postgresql(server_factory, pg_server, capsys):  # noqa: F811
    name, url = create_pg_database(pg_server)
    try:
        server = server_factory(mockexam_bank_dir=TEST_BANK, database_url=url, web_concurrency=2)
        arguments = ["--url", server.url, "--exam", "TST-01", "--candidates", "12", "--questions", "8",
                     "--database-url", url]
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
