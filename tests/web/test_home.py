"""The home page: the exams a candidate can sit, and those whose bank is still too small."""

from fastapi.testclient import TestClient

from app.bootstrap import load_shipped_bank
from app.config import Settings
from app.main import create_app
from tests.conftest import T0, TEST_BANK


def test_exams_that_can_be_sat_come_before_those_still_short_of_questions(fresh_database_url, tmp_path):
    # AAA-01 sorts before TST-01 by code, and has a blueprint but no questions yet.
    (tmp_path / "bank" / "aaa-01").mkdir(parents=True)
    (tmp_path / "bank" / "aaa-01" / "exam.yaml").write_text(
        (TEST_BANK / "tst-01" / "exam.yaml").read_text().replace("TST-01", "AAA-01")
    )
    load_shipped_bank(fresh_database_url, tmp_path / "bank", now=T0)
    app = create_app(
        Settings(
            data_dir=tmp_path / "data",
            database_url=fresh_database_url,
            secret_key="test-secret",
            bank_dir=TEST_BANK,
            load_bank=False,
            allowed_hosts="testserver",
        )
    )
    try:
        with TestClient(app) as client:
            page = client.get("/").text
    finally:
        app.state.engine.dispose()
    assert page.index('id="exam-TST-01"') < page.index('id="exam-AAA-01"')
    assert "The bank holds 0 questions for this exam" in page[page.index('id="exam-AAA-01"') :]
    assert "Start TST-01 exam" in page and "Start AAA-01 exam" not in page
