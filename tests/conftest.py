"""Shared fixtures: databases.

Every database test runs on SQLite and, when ``SIMPUL_TEST_DATABASE_URL`` names a PostgreSQL
database, on PostgreSQL too (the ``database_url`` fixture is parametrised over both). SQLite gets
a fresh file per test; PostgreSQL is migrated once per session and emptied after each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
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


@pytest.fixture(scope="session")
def _postgres_ready() -> str:
    if not POSTGRES_URL:
        pytest.skip("SIMPUL_TEST_DATABASE_URL is not set")
    _reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


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
