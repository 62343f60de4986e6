"""Export from one database and import into another: SQLite to PostgreSQL and back, nothing lost."""

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings
from app.db import migrate
from app.db.transfer import TransferError, export_data, import_data
from app.main import create_app
from tests.conftest import TEST_BANK, adopt_csrf_token, create_pg_database, drop_pg_database
from tests.web.helpers import answer, start


@pytest.fixture
def target_pg(pg_server):
    name, url = create_pg_database(pg_server)
    migrate.upgrade(url)
    yield url
    drop_pg_database(pg_server, name)


@pytest.fixture
def app_for(tmp_path):
    made = []

    def make(url):
        made.append(
            create_app(
                Settings(
                    data_dir=tmp_path,
                    database_url=url,
                    secret_key="same-secret",
                    bank_dir=TEST_BANK,
                    load_bank=False,
                    allowed_hosts="testserver",
                )
            )
        )
        return made[-1]

    yield make
    for application in made:
        application.state.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_export_from_sqlite_imports_into_postgresql_with_every_attempt_intact(
    database_url, target_pg, app_for, engine_for
):
    source = app_for(database_url)
    with TestClient(source, follow_redirects=False) as client:
        adopt_csrf_token(client)
        attempt = start(client)
        answer(client, attempt, 1, ["C"])
        client.post(f"/attempts/{attempt}/end")
        report = client.get(f"/attempts/{attempt}/report").text
        cookies = dict(client.cookies)
    document = json.loads(json.dumps(export_data(engine_for(database_url))))

    counts = import_data(engine_for(target_pg), document)
    assert counts["attempt"] == 1 and counts["attemptitem"] == 8 and counts["questionversion"] == 10

    target = app_for(target_pg)
    with TestClient(target, follow_redirects=False, cookies=cookies) as client:
        assert client.get(f"/attempts/{attempt}/report").text == report
        adopt_csrf_token(client)
        second = start(client)  # new rows get fresh ids after the imported ones
        assert second != attempt
    imported = {row["id"]: row for row in export_data(engine_for(target_pg))["tables"]["attempt"]}
    assert imported[attempt]["result"] == document["tables"]["attempt"][0]["result"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_importing_into_a_database_that_has_data_is_refused_and_changes_nothing(database_url, engine_for):
    document = export_data(engine_for(database_url))
    with pytest.raises(TransferError, match="not empty"):
        import_data(engine_for(database_url), document)


@pytest.mark.parametrize(
    "document, message",
    [
        ({"format": "something-else"}, "not a mockexam export"),
        ({"format": "mockexam-export", "version": 99}, "version 99 is not supported"),
        ({"format": "mockexam-export", "version": 1, "schema": "9999", "tables": {}}, "schema 9999"),
    ],
)
def test_a_foreign_or_mismatched_file_is_refused_with_the_reason(empty_database_url, engine_for, document, message):
    migrate.upgrade(empty_database_url)
    with pytest.raises(TransferError, match=message):
        import_data(engine_for(empty_database_url), document)


def test_export_and_import_commands_round_trip(tmp_path, monkeypatch):
    source = f"sqlite:///{tmp_path / 'a.db'}"
    migrate.upgrade(source)
    monkeypatch.setenv("MOCKEXAM_BANK_DIR", str(TEST_BANK))
    monkeypatch.setenv("DATABASE_URL", source)
    runner = CliRunner()
    assert runner.invoke(cli, ["bank", "load"]).exit_code == 0
    assert runner.invoke(cli, ["export", str(tmp_path / "all.json")]).exit_code == 0
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    result = runner.invoke(cli, ["import", str(tmp_path / "all.json")])
    assert result.exit_code == 0 and "10 questionversion" in result.output
    again = runner.invoke(cli, ["import", str(tmp_path / "all.json")])
    assert again.exit_code == 1 and "nothing imported: the target database is not empty" in again.output
