"""Settings from the environment, with defaults that run on a laptop with no services."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKEXAM_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = Field(
        default="", validation_alias=AliasChoices("DATABASE_URL", "MOCKEXAM_DATABASE_URL"),
        description="SQLAlchemy URL; empty means a SQLite file in the data directory.",
    )
    secret_key: str = Field(default="", description="Signs cookies; empty means one kept in the data directory.")
    bank_dir: Path = ROOT / "question_bank"
    load_bank: bool = True
    exam_minutes: float | None = Field(
        default=None, description="Overrides every exam's duration (for tests and demos), in minutes.")
    https_only: bool = False

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'mockexam.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept in the data directory, so that restarts and
        several workers all sign cookies alike."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            candidate = path.with_suffix(".tmp")
            candidate.write_text(secrets.token_urlsafe(48))
            candidate.replace(path) if not path.exists() else candidate.unlink()
        return path.read_text().strip()
