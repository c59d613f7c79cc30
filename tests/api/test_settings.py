"""Settings come from SIMPUL_* environment variables, read when asked for."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import Settings, get_settings


def test_defaults_are_the_embedded_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without SIMPUL_* variables: SQLite in the working directory, Indonesian, 50 per page."""
    for name in ("SIMPUL_DATABASE_URL", "SIMPUL_LANG", "SIMPUL_PAGE_SIZE_DEFAULT",
                 "SIMPUL_PAGE_SIZE_MAX", "SIMPUL_MAX_IMPORT_BYTES"):
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    assert settings.database_url == "sqlite:///simpul.db"
    assert settings.lang == "id"
    assert (settings.page_size_default, settings.page_size_max) == (50, 500)
    assert settings.max_import_bytes == 50 * 1024 * 1024


def test_environment_is_read_at_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """get_settings reads the environment when called, so a change shows at once."""
    monkeypatch.setenv("SIMPUL_LANG", "en")
    monkeypatch.setenv("SIMPUL_DATABASE_URL", "sqlite:///lain.db")
    settings = get_settings()
    assert (settings.lang, settings.database_url) == ("en", "sqlite:///lain.db")


def test_unknown_language_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """SIMPUL_LANG must be id or en."""
    monkeypatch.setenv("SIMPUL_LANG", "fr")
    with pytest.raises(ValidationError):
        get_settings()


def test_default_page_must_fit_the_maximum() -> None:
    """page_size_default larger than page_size_max is refused where the settings are made."""
    with pytest.raises(ValidationError, match="page_size_default"):
        Settings(page_size_default=600, page_size_max=500)
