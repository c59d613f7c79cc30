"""Which of several web processes on one database dispatches match runs.

``uvicorn --workers N`` (or several hosts behind a proxy) starts one app, and so one
:class:`~api.runs.dispatcher.Dispatcher`, per process. Only one of them may dispatch: the start
of a dispatcher fails every run left ``running``, which would fail the runs of another live
dispatcher. So a dispatcher dispatches only while it holds the database's **dispatcher lock**;
the others wait for it and take over when its holder ends (a crash releases it too):

* **PostgreSQL**: a session-level advisory lock (``pg_try_advisory_lock``) held by one
  connection kept open for as long as the lock is held;
* **SQLite**: an exclusive ``flock`` on ``<database file>.dispatcher.lock`` next to the database
  (the kernel releases it when the process ends, however it ends); an in-memory database lives
  in one process, which always holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, func, select

__all__ = ["DISPATCHER_LOCK", "DispatcherLock"]

logger = logging.getLogger(__name__)

#: The key of the PostgreSQL advisory lock ("SIMPUL" and 1, in one bigint).
DISPATCHER_LOCK = 0x53_49_4D_50_55_4C_00_01


class DispatcherLock:
    """The dispatcher lock of ``engine``'s database: :meth:`acquire` never waits."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._file: IO[str] | None = None
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; whether this holder has it now."""
        if self._held:
            return True
        backend = self.engine.url.get_backend_name()
        if backend == "postgresql":
            self._held = self._acquire_advisory()
        elif backend == "sqlite":
            self._held = self._acquire_file()
        else:  # no way to share a lock: the single-instance rule of the docs applies
            self._held = True
        return self._held

    def release(self) -> None:
        """Give the lock up (nothing when it is not held)."""
        self._held = False
        if self._connection is not None:
            with contextlib.suppress(Exception):  # a lost connection has released it already
                self._connection.execute(select(func.pg_advisory_unlock(DISPATCHER_LOCK)))
                self._connection.commit()
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def _acquire_advisory(self) -> bool:
        connection = self.engine.connect()
        try:
            got = bool(connection.execute(
                select(func.pg_try_advisory_lock(DISPATCHER_LOCK))).scalar_one())
            # A session-level lock outlives the transaction; end it so that the connection
            # holds no snapshot while it keeps the lock.
            connection.commit()
        except Exception:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def _acquire_file(self) -> bool:
        database = self.engine.url.database
        if not database or database == ":memory:" or database.startswith("file::memory:"):
            return True
        path = Path(f"{database}.dispatcher.lock")
        handle = path.open("a", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        except OSError:
            handle.close()
            raise
        self._file = handle
        return True
