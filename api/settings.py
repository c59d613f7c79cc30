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
