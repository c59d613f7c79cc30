"""Alembic environment: the engine comes from the caller (``catalog.db.upgrade_database``)
or, for the ``alembic`` command line, from ``SIMPUL_DATABASE_URL``."""

from __future__ import annotations

import os

from alembic import context

from catalog.db import make_engine
from catalog.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    engine = make_engine(os.environ.get("SIMPUL_DATABASE_URL", "sqlite:///simpul.db"))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
