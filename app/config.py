"""Settings from the environment, with defaults that run on a laptop with no services."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
KNOWN_DEFAULT_SECRETS = {"change-me", "changeme", "change-this-to-a-long-random-string", "secret"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKEXAM_", env_file=".env", extra="ignore", env_ignore_empty=True)

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str = Field(
        default="",
        validation_alias=AliasChoices("DATABASE_URL", "MOCKEXAM_DATABASE_URL"),
        description="SQLAlchemy URL; empty means a SQLite file in the data directory.",
    )
    secret_key: str = Field(default="", description="Signs cookies; empty means one kept in the data directory.")
    bank_dir: Path = ROOT / "question_bank"
    load_bank: bool = True
    exam_minutes: float | None = Field(
        default=None, description="Overrides every exam's duration (for tests and demos), in minutes."
    )
    https_only: bool = False
    allowed_hosts: str = Field(
        default="localhost,127.0.0.1,::1",
        description="Host names the app answers to, comma-separated ('*.example.com' for subdomains); any other "
        "Host header is refused, so no page or link is built from a name an attacker chose.",
    )
    public_url: str = Field(
        default="",
        description="The address users reach mockexam at (e.g. https://exams.example.org), for links "
        "in emails; required when SMTP is set.",
    )
    smtp_host: str = Field(default="", description="SMTP server for account emails; empty means no email is sent.")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = Field(default=True, description="Upgrade the SMTP connection with STARTTLS.")
    mail_from: str = Field(default="", description="The From address of account emails.")
    allow_signup: bool = Field(default=True, description="Whether visitors may create accounts themselves.")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1", description="Proxies whose X-Forwarded-For/-Proto headers are trusted ('*' for all)."
    )
    guest_attempts_per_hour: int = Field(
        default=30,
        ge=0,
        le=100_000,
        description="Attempts that guests from one network address may start within an hour (0: sign up first).",
    )
    guest_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Days after which a guest who started nothing is deleted with everything they made.",
    )
    body_seconds: float = Field(
        default=20.0,
        gt=0,
        le=600,
        description="Seconds a request body has to arrive in full before it is refused (408).",
    )
    database_pool_size: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Database connections each worker keeps per pool; requests beyond them wait their turn.",
    )

    @model_validator(mode="after")
    def _production_refuses_unsafe_defaults(self) -> Settings:
        """In production the secret key and the database password must be chosen, not defaulted."""
        if self.environment != "production":
            return self
        problems = []
        if len(self.secret_key) < 32 or self.secret_key in KNOWN_DEFAULT_SECRETS:
            problems.append(
                "MOCKEXAM_SECRET_KEY must be set to a random value of at least 32 characters "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if not self.database_url:
            problems.append("DATABASE_URL must name the production database (PostgreSQL)")
        else:
            url = make_url(self.database_url)
            if url.get_backend_name() != "sqlite" and not url.password:
                problems.append("DATABASE_URL has no password; production databases need one")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @model_validator(mode="after")
    def _mail_needs_a_sender_and_an_address(self) -> Settings:
        if self.smtp_host and not (self.mail_from and self.public_url.startswith(("https://", "http://"))):
            raise ValueError(
                "MOCKEXAM_SMTP_HOST is set, so MOCKEXAM_MAIL_FROM and MOCKEXAM_PUBLIC_URL (the "
                "https:// address users reach mockexam at, for the links in emails) must be set too"
            )
        return self

    @property
    def sends_mail(self) -> bool:
        return bool(self.smtp_host)

    def allowed_host_names(self) -> list[str]:
        return [host.strip().lower() for host in self.allowed_hosts.split(",") if host.strip()]

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
