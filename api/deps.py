"""Dependencies routes ask for: settings, a database session, the reader's language, and the
refusal of text no route can use (a NUL character).

The engine and session factory live in ``app.state`` (made in the app's lifespan). One request
is one transaction: the session commits when the route returns, before the response is sent,
and rolls back if it raises.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.i18n import Language, negotiate_language
from api.settings import Settings

__all__ = [
    "READ_METHODS",
    "EngineDep",
    "LanguageDep",
    "SessionDep",
    "SettingsDep",
    "documented_language",
    "get_engine",
    "get_language",
    "get_session",
    "get_settings_from_app",
    "refuse_nul",
]


# Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in its
# thread pool, and each such hop costs more than the work itself. Those that touch the
# database stay plain functions (or hand the blocking part to the thread pool).


async def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


#: Methods that only read: their session never takes a write lock.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_UNGATED = contextlib.nullcontext()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session in one transaction for the whole request (one that takes the write lock at
    once on SQLite when the method writes): committed when the route has returned, rolled
    back if it raised.

    Opening a session does no I/O (it connects at its first statement), so it is made here
    on the event loop; the commit or rollback runs in the thread pool. The route uses the
    session in the thread pool, one thread at a time.

    A request holds its connection across several hops to the thread pool (dependencies,
    route, commit), so without a bound a burst of requests could take every thread while
    waiting for a connection that the holders cannot give back without a thread. The app's
    ``request_slots`` (as many as the pool has connections, fewer than the thread pool has
    threads) are taken here, on the event loop, before anything is held; on SQLite a writing
    request first passes the ``write_gate`` (:mod:`api.writegate`), so that one writing
    transaction at a time, across the processes, holds the database's write lock."""
    state = request.app.state
    reads = request.method in READ_METHODS
    factory = state.sessionmaker if reads else state.write_sessionmaker
    gate = state.write_gate.held() if not reads and state.write_gate is not None else _UNGATED
    async with gate, state.request_slots:
        session = factory()
        try:
            yield session
        except BaseException:
            await run_in_threadpool(_end, session, False)
            raise
        await run_in_threadpool(_end, session, True)


def _end(session: Session, commit: bool) -> None:
    # The session's own commit and rollback: a route may have rolled back on purpose (an
    # import refused whole), which leaves nothing to commit.
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


async def get_language(request: Request,
                       settings: Annotated[Settings, Depends(get_settings_from_app)]
                       ) -> Language:
    return negotiate_language(request, settings.lang)


async def documented_language(
    lang: Annotated[Language | None, Query(
        description="Bahasa pesan: `id` (bawaan) atau `en`. / Language of messages.")] = None,
    accept_language: Annotated[str | None, Header(
        description="`en` untuk pesan berbahasa Inggris. / `en` for English messages.")] = None,
) -> None:
    """Declares ``lang`` and ``Accept-Language`` so the API docs show them; errors read them."""


_NUL = "\x00"
_Found = list[tuple[tuple[str | int, ...], str]]


async def refuse_nul(request: Request) -> None:
    """A 422 naming each path or query parameter and each JSON or form field whose text holds
    a NUL character (U+0000): PostgreSQL can neither store nor compare one, and no name, code
    or product has one. Cheap unless one is there: a body is parsed again only when its bytes
    show an escaped NUL; an upload (multipart) is left to its route."""
    found: _Found = []
    if _NUL in request.scope["path"]:
        found += [(("path", name), value) for name, value in request.path_params.items()
                  if _NUL in str(value)]
    if b"%00" in request.scope.get("query_string", b""):
        found += [(("query", name), value) for name, value in request.query_params.multi_items()
                  if _NUL in value]
    content_type = request.headers.get("content-type", "")
    if request.method in READ_METHODS or content_type.startswith("multipart/"):
        pass
    elif content_type.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        found += [(("body", name), value) for name, value in form.multi_items()
                  if isinstance(value, str) and _NUL in value]
    else:
        # What FastAPI reads as JSON: application/json, */*+json, or no content type at all.
        body = await request.body()
        if b"\\u0000" in body:
            # Not JSON: the route refuses it, or reads no body.
            with contextlib.suppress(ValueError):
                found += _nul_fields(json.loads(body), ("body",))
    if found:
        raise RequestValidationError([
            {"type": "string_nul", "loc": loc, "input": value,
             "msg": "Text may not contain the NUL character"} for loc, value in found])


def _nul_fields(value: Any, loc: tuple[str | int, ...]) -> _Found:
    if isinstance(value, str):
        return [(loc, value)] if _NUL in value else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _nul_fields(item, (*loc, key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value)
                for found in _nul_fields(item, (*loc, index))]
    return []


SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]
EngineDep = Annotated[Engine, Depends(get_engine)]
#: ``scope="function"``: the transaction commits when the route has returned and its response
#: is serialised, *before* the response is sent — a client never sees a 2xx for a write that
#: then failed to commit (the default, ``"request"``, would commit after sending).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
LanguageDep = Annotated[Language, Depends(get_language)]
