"""Settings: safe defaults on a laptop, refusals in production."""

import pytest
from pydantic import ValidationError

from app.config import Settings

GOOD_SECRET = "x" * 40
PG = "postgresql+psycopg://mockexam:s3cret@db:5432/mockexam"


def test_development_defaults_need_nothing(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path / 'mockexam.db'}"
    key = settings.resolved_secret_key()
    assert len(key) >= 32 and Settings(data_dir=tmp_path).resolved_secret_key() == key


def test_database_url_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", PG)
    assert Settings().resolved_database_url() == PG


@pytest.mark.parametrize("secret", ["", "short", "change-this-to-a-long-random-string"])
def test_production_refuses_a_default_or_weak_secret_key(secret):
    with pytest.raises(ValidationError, match="MOCKEXAM_SECRET_KEY must be set"):
        Settings(environment="production", secret_key=secret, database_url=PG)


def test_production_refuses_a_database_without_a_password():
    with pytest.raises(ValidationError, match="DATABASE_URL has no password"):
        Settings(
            environment="production",
            secret_key=GOOD_SECRET,
            database_url="postgresql+psycopg://mockexam@db:5432/mockexam",
        )


def test_production_refuses_to_run_without_a_database_url():
    with pytest.raises(ValidationError, match="DATABASE_URL must name the production database"):
        Settings(environment="production", secret_key=GOOD_SECRET)


def test_production_with_chosen_secrets_starts():
    assert Settings(environment="production", secret_key=GOOD_SECRET, database_url=PG).environment == "production"


def test_serve_in_production_with_defaults_exits_with_the_reason(monkeypatch):
    from typer.testing import CliRunner

    from app.cli import cli

    monkeypatch.setenv("MOCKEXAM_ENVIRONMENT", "production")
    monkeypatch.delenv("MOCKEXAM_SECRET_KEY", raising=False)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert "refusing to start in production: MOCKEXAM_SECRET_KEY must be set" in result.output
