"""The web application: ``create_app(settings)`` builds it; nothing is made at import.

The engine and the session factory are made in the app's lifespan and kept in ``app.state``;
one request is one transaction (see :mod:`api.deps`). The API docs (``/docs``, ``/redoc``) load
Swagger UI and ReDoc from files shipped by ``fastapi-offline`` and served by this app, so they
work on a closed network.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import anyio
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from sqlalchemy.engine import make_url

from api import enterprises, health, needs, pages, parks, regions, taxonomy
from api.agency import routes as agency_routes
from api.auth import routes as auth_routes
from api.auth.principal import current_principal
from api.deps import documented_language, refuse_nul
from api.errors import (
    PROBLEM_JSON,
    PROBLEM_RESPONSES,
    SIGNED_IN_RESPONSES,
    install_error_handlers,
)
from api.idempotency import IdempotencyMiddleware
from api.imports import routes as imports_routes
from api.review import routes as review_routes
from api.runs import routes as runs_routes
from api.runs.dispatcher import Dispatcher
from api.runs.leadership import DispatcherLock
from api.settings import Settings, get_settings
from api.writegate import write_gate_for
from catalog.db import make_engine, make_sessionmaker

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api/v1"
HERE = Path(__file__).parent

_DESCRIPTION = """\
Simpul mempertemukan IKM (industri kecil dan menengah) dengan kebutuhan pengadaan kawasan
industri. *Simpul joins Indonesian small industries (IKM) to industrial-park procurement.*

Semua daftar berhalaman (`limit`, `offset` atau `after`) dan berurutan menurut id. Kesalahan
dijawab sebagai `application/problem+json` (RFC 9457), dalam Bahasa Indonesia atau bahasa
Inggris dengan `?lang=en` / `Accept-Language: en`.
"""


def _version() -> str:
    try:
        return version("simpul")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def _pool(settings: Settings) -> dict[str, Any]:
    """The connection pool of the app's engine: ``db_pool_size`` connections for requests
    and as many again for what runs beside them (sign-in checks, idempotency records, the
    run dispatcher). An in-memory SQLite database keeps its one connection."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return {}
    return {"pool_size": settings.db_pool_size, "max_overflow": settings.db_pool_size}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The Simpul web app for ``settings`` (read from the environment when not given)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, **_pool(settings))
        app.state.engine = engine
        # See api.deps.get_session: requests holding a connection at once (one per pooled
        # connection), and on SQLite one writing transaction at a time (api.writegate).
        app.state.request_slots = anyio.Semaphore(settings.db_pool_size)
        app.state.write_gate = write_gate_for(engine)
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.write_sessionmaker = make_sessionmaker(engine, writes=True)
        # Made on first use, so that an unreachable database still lets /healthz answer.
        app.state.secret_key = None
        # Match runs execute in worker processes started by the dispatcher's thread of the
        # one process holding the database's dispatcher lock; starting it fails the runs an
        # earlier instance left running, stopping it puts the runs of its workers back in the
        # queue. Both touch the database: off the event loop.
        dispatcher = (Dispatcher(database_url=settings.database_url,
                                 reads=app.state.sessionmaker,
                                 writes=app.state.write_sessionmaker,
                                 workers=settings.run_workers,
                                 lock=DispatcherLock(engine))
                      if settings.run_dispatcher else None)
        app.state.dispatcher = dispatcher
        if dispatcher is not None:
            await anyio.to_thread.run_sync(dispatcher.start)
        try:
            yield
        finally:
            if dispatcher is not None:
                await anyio.to_thread.run_sync(dispatcher.stop)
            if app.state.write_gate is not None:
                app.state.write_gate.close()
            engine.dispose()

    app = FastAPIOffline(
        title="Simpul",
        version=_version(),
        description=_DESCRIPTION,
        lifespan=lifespan,
        static_url="/static/docs",
        # Swagger UI's validator badge would call an outside service.
        swagger_ui_parameters={"validatorUrl": None},
    )
    app.state.settings = settings
    app.add_middleware(IdempotencyMiddleware, prefix=API_PREFIX)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    install_error_handlers(app)

    # Mounted after fastapi-offline's /static/docs, which therefore matches first.
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # The pages (/, /kebutuhan, ...): HTML, outside the OpenAPI description.
    for router in pages.routers:
        app.include_router(router)
    app.include_router(health.router)

    # Every router is included into the app itself, under the API prefix, with the
    # dependencies of its part: routing walks included routers one by one, so a flat list
    # is matched several times faster than routers nested inside routers.
    public = [Depends(documented_language), Depends(refuse_nul)]
    app.include_router(auth_routes.public_router, prefix=API_PREFIX, dependencies=public,
                       responses=PROBLEM_RESPONSES)
    signed_in = [*public, Depends(current_principal)]
    for router in (needs.park_router, needs.router, enterprises.router,
                   enterprises.offer_router, runs_routes.router, parks.router,
                   auth_routes.router, agency_routes.router, review_routes.router,
                   imports_routes.router, taxonomy.router, regions.router):
        app.include_router(router, prefix=API_PREFIX, dependencies=signed_in,
                           responses={**PROBLEM_RESPONSES, **SIGNED_IN_RESPONSES})
    _serve_problems_only_as_problem_json(app)
    return app


def _serve_problems_only_as_problem_json(app: FastAPI) -> None:
    """Document error responses as ``application/problem+json`` only.

    FastAPI lists a response model under ``application/json`` as well; errors are never sent
    that way, and a generated client should not expect them to be.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    for response in operation.get("responses", {}).values():
                        content = response.get("content", {})
                        if PROBLEM_JSON in content:
                            content.pop("application/json", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
