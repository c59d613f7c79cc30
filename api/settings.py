"""Configuration from the environment (``SIMPUL_*``), read when asked for, never at import."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.messages import Language

__all__ = ["Settings", "get_settings"]

MEBIBYTE = 1024 * 1024


class Settings(BaseSettings):
    """Everything the app and the CLI are configured with.

    ``SIMPUL_DATABASE_URL=postgresql+psycopg://...`` switches from the embedded SQLite file to
    PostgreSQL; ``SIMPUL_LANG=en`` makes English the default language of messages.
    """

    model_config = SettingsConfigDict(env_prefix="SIMPUL_", extra="ignore", frozen=True)

    #: The embedded default: a SQLite file in the working directory.
    database_url: str = "sqlite:///simpul.db"
    lang: Language = "id"
    max_import_bytes: int = Field(default=50 * MEBIBYTE, gt=0)
    page_size_default: int = Field(default=50, ge=1)
    page_size_max: int = Field(default=500, ge=1)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    #: Requests served from the database at once per web process (connections kept open;
    #: below the 40 threads of the thread pool — see ``api.deps.get_session``).
    db_pool_size: int = Field(default=10, ge=1, le=32)
    #: Signs tokens. Unset: a random key made once and kept in the database, so that every
    #: worker of one deployment and every restart agree.
    secret_key: str | None = Field(default=None, min_length=32)
    token_minutes: int = Field(default=30, ge=1, le=24 * 60)
    #: Failed sign-ins allowed per username within ``login_window_s`` before 429.
    login_attempts: int = Field(default=5, ge=1)
    login_window_s: int = Field(default=900, ge=1)
    #: Match runs queued or running at once per tenant (a park, a province, an admin).
    runs_per_tenant: int = Field(default=2, ge=1)
    #: Worker processes running match runs at once.
    run_workers: int = Field(default=1, ge=1)
    #: Solver time limit of a match run (seconds).
    run_time_limit_s: float = Field(default=30.0, gt=0)
    #: Start the run dispatcher with the app (tests of the HTTP side alone turn it off).
    run_dispatcher: bool = True

    @model_validator(mode="after")
    def _default_page_fits(self) -> Self:
        if self.page_size_default > self.page_size_max:
            raise ValueError(
                f"page_size_default ({self.page_size_default}) must not exceed "
                f"page_size_max ({self.page_size_max})")
        return self


def get_settings() -> Settings:
    """Settings read from the environment now (not cached, so tests can change it)."""
    return Settings()
