"""Dependencies routes ask for: settings, a database session, the reader's language.

The engine and session factory live in ``app.state`` (made in the app's lifespan). One request
is one transaction: the session commits when the route returns, before the response is sent,
and rolls back if it raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.i18n import Language, negotiate_language
from api.settings import Settings
from catalog.db import session_scope

__all__ = [
    "EngineDep",
    "LanguageDep",
    "SessionDep",
    "SettingsDep",
    "documented_language",
    "get_engine",
    "get_language",
    "get_session",
    "get_settings_from_app",
]


def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """A session in one transaction for the whole request (one that takes the write lock at
    once on SQLite when the method writes)."""
    factory = (request.app.state.sessionmaker if request.method in _READS
               else request.app.state.write_sessionmaker)
    with session_scope(factory) as session:
        yield session


def get_language(request: Request,
                 settings: Annotated[Settings, Depends(get_settings_from_app)]) -> Language:
    return negotiate_language(request, settings.lang)


def documented_language(
    lang: Annotated[Language | None, Query(
        description="Bahasa pesan: `id` (bawaan) atau `en`. / Language of messages.")] = None,
    accept_language: Annotated[str | None, Header(
        description="`en` untuk pesan berbahasa Inggris. / `en` for English messages.")] = None,
) -> None:
    """Declares ``lang`` and ``Accept-Language`` so the API docs show them; errors read them."""


SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]
EngineDep = Annotated[Engine, Depends(get_engine)]
#: ``scope="function"``: the transaction commits when the route has returned and its response
#: is serialised, *before* the response is sent — a client never sees a 2xx for a write that
#: then failed to commit (the default, ``"request"``, would commit after sending).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
LanguageDep = Annotated[Language, Depends(get_language)]
