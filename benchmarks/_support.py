"""What both benchmarks share: throwaway databases, reference data, machine facts, output.

Not a test helper and not part of the package: the benchmark scripts import it as a sibling
module (``python benchmarks/import_bench.py`` puts this folder on ``sys.path``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().with_name("results")
#: The server's maintenance database: benchmarks connect there only to create and drop their own.
DEFAULT_POSTGRES_URL = os.environ.get(
    "SIMPUL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def machine_info() -> dict[str, Any]:
    """Where and with what the figures were measured."""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "sqlalchemy": version("sqlalchemy"),
        "numpy": version("numpy"),
        "psycopg": version("psycopg"),
    }


def server_version(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT version()")).scalar_one())


def postgres_problem(url: str) -> str | None:
    """Why the PostgreSQL server at ``url`` cannot be used, or ``None`` when it can."""
    from catalog.db import make_engine

    engine = make_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to connect means "skip, with the reason"
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


@contextmanager
def fresh_postgres_database(server_url: str, name: str, *, keep: bool = False
                            ) -> Iterator[str]:
    """A new, empty database ``name`` on the server of ``server_url``; dropped afterwards
    unless ``keep``. Yields its URL."""
    from catalog.db import make_engine

    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load_reference_data(session: Session) -> None:
    """The taxonomy, regions, logistics links and parks every import is checked against."""
    from catalog.store import load_links, load_parks, load_regions, load_taxonomy
    from fixtures.regions import LINKS, PARKS, REGIONS

    load_taxonomy(session=session)
    load_regions(REGIONS, session=session)
    load_links(LINKS, session=session)
    load_parks(PARKS, session=session)


def max_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports KiB)."""
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def write_json(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else float("inf")
