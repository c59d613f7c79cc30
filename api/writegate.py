"""One writing transaction at a time on a SQLite database, across every process serving it.

SQLite has one write lock per database. A writer that finds it taken waits in SQLite's busy
handler, which sleeps in growing steps (up to 100 ms) and so leaves the lock idle long after
it was released; with many writers at once, writes slow to a crawl, and every waiting writer
holds a thread of the pool. So on SQLite the app's writes queue here first:

* within a process, on an ``anyio`` semaphore — a waiting request holds no thread;
* across the processes (``uvicorn --workers N``), on an exclusive ``flock`` of
  ``<database file>.write.lock``, taken in a thread by the one writer of each process that
  got through the semaphore; the kernel wakes the next holder the moment it is released.

The request's transaction (see :func:`api.deps.get_session`) and the idempotency records
(:mod:`api.idempotency`) are written inside the gate; SQLite's own lock and busy timeout
still guard anything else that writes (a match run saving its results, the CLI). PostgreSQL
locks rows, not the database: it needs no gate.
"""

from __future__ import annotations

import fcntl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO

import anyio
import anyio.lowlevel
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

__all__ = ["WriteGate", "write_gate_for"]


class WriteGate:
    """See the module docstring; ``path`` is the lock file (``None``: one process only)."""

    def __init__(self, path: Path | None) -> None:
        self._local = anyio.Semaphore(1)
        self._path = path
        self._file: IO[str] | None = None

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Hold the gate for the block."""
        async with self._local:
            if self._path is None:
                yield
                return
            if self._file is None:
                self._file = self._path.open("a", encoding="utf-8")
            # Shielded: a request cancelled while it waits must still end up holding the
            # lock it asked for, so that the ``finally`` below gives it back.
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(fcntl.flock, self._file, fcntl.LOCK_EX)
            try:
                await anyio.lowlevel.checkpoint()  # cancelled meanwhile: give it back now
                yield
            finally:
                fcntl.flock(self._file, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def write_gate_for(engine: Engine) -> WriteGate | None:
    """The gate of ``engine``'s database: one for SQLite, none for a server database."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return WriteGate(None)
    return WriteGate(Path(f"{database}.write.lock"))
