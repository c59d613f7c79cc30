"""The Alembic migrations: they build exactly the models' schema, and undo cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from catalog.db import downgrade_database, upgrade_database
from catalog.models import Base


def test_migrations_build_the_schema_the_models_describe(engine: Engine) -> None:
    """After `upgrade head` there is nothing left for autogenerate to add, drop or change."""
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrations_undo_and_redo(engine: Engine) -> None:
    """Downgrading to base removes every table of ours; upgrading again restores them all."""
    downgrade_database(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_database(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
