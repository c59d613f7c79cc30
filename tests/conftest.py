"""Shared fixtures: databases.

Every database test runs on SQLite and, when ``SIMPUL_TEST_DATABASE_URL`` names a PostgreSQL
database, on PostgreSQL too (the ``database_url`` fixture is parametrised over both). SQLite gets
a fresh file per test; PostgreSQL is migrated once per session and emptied after each test
(under pytest-xdist, each worker in a database of its own).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from catalog.db import make_engine, make_sessionmaker, upgrade_database
from catalog.models import Base

POSTGRES_URL = os.environ.get("SIMPUL_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_database(engine)
    engine.dispose()


def _worker_database(url: str) -> str:
    """``url`` itself, or under pytest-xdist a database of this worker's own beside it
    (``test_gw0``, ``test_gw1``, ...), made if missing: workers empty theirs after each test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": name}) is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgres_ready() -> str:
    if not POSTGRES_URL:
        pytest.skip("SIMPUL_TEST_DATABASE_URL is not set")
    url = _worker_database(POSTGRES_URL)
    _reset_postgres(url)
    return url


def _empty_postgres(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend; the test may commit to it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'simpul.db'}"
        engine = make_engine(url)
        upgrade_database(engine)
        engine.dispose()
        yield url
    else:
        url = request.getfixturevalue("_postgres_ready")
        try:
            yield url
        finally:
            _empty_postgres(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session in one transaction, rolled back at the end."""
    session = make_sessionmaker(engine)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
