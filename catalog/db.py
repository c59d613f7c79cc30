"""Engines, sessions and migrations.

Nothing is created at import time: callers build an engine from a URL and own their
transactions (query functions take ``session=`` and never commit).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["downgrade_database", "make_engine", "make_sessionmaker", "session_scope",
           "upgrade_database"]

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Transactions are begun by the "begin" hook below, not by the driver, so that a writer
    # can ask for BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # SQLite leaves foreign keys off unless asked, per connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``, with foreign keys enforced on SQLite too."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Writers wait for each other up to 30 s rather than failing at once.
        kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # Bulk writes send plain executemany, which psycopg pipelines with one prepared statement;
    # SQLAlchemy's default on PostgreSQL rewrites them into large multi-row INSERTs that
    # psycopg parses anew each time, several times slower.
    kwargs.setdefault("use_insertmanyvalues", parsed.get_backend_name() != "postgresql")
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_begin(connection: Any) -> None:
    # A transaction that will write takes SQLite's write lock at BEGIN (IMMEDIATE): one that
    # read first and wrote later could otherwise find that another writer got in between and
    # fail at once (SQLITE_BUSY), whatever the timeout.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_sessionmaker(engine: Engine, *, writes: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``; with ``writes``, transactions that mean to write (on SQLite
    they take the write lock when they begin, so concurrent writers queue instead of
    failing)."""
    if writes and engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back if it raises."""
    with factory() as session, session.begin():
        yield session


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` with the Alembic migrations."""
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(_alembic_config(engine), revision)
