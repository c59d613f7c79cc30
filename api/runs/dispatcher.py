"""The run dispatcher: starts a worker process per queued run, at most ``run_workers`` at once.

It lives in the web app's lifespan (when ``settings.run_dispatcher`` is on) as one background
thread, so that the event loop never waits on it:

* **start**: runs left ``running`` by a previous instance of the service are marked ``failed``
  (their worker went with it, or will find the run taken away and write nothing); then the
  loop begins, and picks up the runs still queued.
* **loop**: every ``poll_s`` seconds, or at once when a request queued a run
  (:meth:`Dispatcher.wake`), it reaps the workers that ended and starts workers for the oldest
  queued runs while fewer than ``workers`` run. A worker that ended without finishing its run
  (killed, crashed) gets its run marked ``failed`` with how it ended.
* **stop**: the loop ends; running workers are stopped (SIGTERM to their process group, then
  SIGKILL after ``stop_timeout_s``) and their runs go back to the queue, to start afresh on the
  next start. A run whose results were committed before the signal keeps them.

A worker is ``python -m api.runs.worker RUN_ID`` started with :mod:`subprocess` (see
``docs/runs.md`` for why not :mod:`multiprocessing`). Of several web processes on one database
only the one holding the dispatcher lock (:mod:`api.runs.leadership`) dispatches; the others
try to take the lock on every round and take over when its holder ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.runs.leadership import DispatcherLock
from catalog.db import session_scope
from catalog.models import MatchRun

__all__ = ["Dispatcher", "fail_interrupted_runs", "worker_command"]

logger = logging.getLogger(__name__)

#: What a run left running by an earlier instance of the service says.
RESTART_ERROR = ("The service restarted while this run was running; its worker is gone and "
                 "nothing of it was kept. Queue a new run.")


def worker_command(run_id: int) -> list[str]:
    """The command line of the worker process of run ``run_id``."""
    return [sys.executable, "-m", "api.runs.worker", str(run_id)]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fail_interrupted_runs(*, session: Session, now: dt.datetime | None = None) -> list[int]:
    """Mark every ``running`` run ``failed`` (at service start, when no worker of this service
    can be running yet); their ids."""
    ids = session.scalars(
        update(MatchRun).where(MatchRun.status == "running")
        .values(status="failed", phase="failed", finished_at=now or _now(),
                error=RESTART_ERROR)
        .returning(MatchRun.id).execution_options(synchronize_session=False)).all()
    return sorted(ids)


def _ended(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"The worker process was ended by signal {name} before the run finished."
    return f"The worker process exited with status {code} before the run finished."


class Dispatcher:
    """See the module docstring. ``reads`` and ``writes`` make read and write transactions on
    the app's database; ``database_url`` is handed to the workers (``SIMPUL_DATABASE_URL``);
    ``command``, when given, replaces ``python -m api.runs.worker`` (the run id is appended);
    ``lock``, when given, is the dispatcher lock it must hold to dispatch (without one it is
    the only dispatcher of its database)."""

    def __init__(self, *, database_url: str, reads: sessionmaker[Session],
                 writes: sessionmaker[Session], workers: int, poll_s: float = 0.5,
                 stop_timeout_s: float = 10.0, command: Sequence[str] | None = None,
                 lock: DispatcherLock | None = None) -> None:
        if workers < 1:
            raise ValueError(f"A dispatcher needs at least one worker; got {workers}.")
        self.database_url = database_url
        self.reads = reads
        self.sessions = writes
        self.workers = workers
        self.poll_s = poll_s
        self.stop_timeout_s = stop_timeout_s
        self._command = tuple(command) if command is not None else None
        self._lock = lock
        self._children: dict[int, subprocess.Popen[bytes]] = {}
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._recovered = False
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Fail the runs a previous instance left running, then start the loop (a database
        that cannot be reached now is retried by the loop before it starts any worker). Without
        the dispatcher lock, the loop only waits for it."""
        try:
            if self._leading():
                self._recover()
        except Exception:
            logger.exception("Could not check for interrupted runs; will retry.")
        self._thread = threading.Thread(target=self._loop, name="simpul-run-dispatcher",
                                        daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (a run was queued)."""
        self._wake.set()

    def stop(self) -> None:
        """End the loop, stop the running workers and put their runs back in the queue."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.stop_timeout_s + 30)
            self._thread = None

    @property
    def leading(self) -> bool:
        """Whether this dispatcher holds the dispatcher lock (and so dispatches)."""
        return self._lock is None or self._lock.held

    @property
    def running(self) -> dict[int, int]:
        """Run id → pid of the workers this dispatcher started that have not been reaped."""
        return {run_id: child.pid for run_id, child in self._children.items()}

    # --- the loop --------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                if self._leading():
                    if not self._recovered:
                        self._recover()
                    self._reap()
                    self._launch()
            except Exception:
                # The database is unreachable, say: try again on the next round.
                logger.exception("The run dispatcher could not look at the queue.")
            self._wake.wait(self.poll_s)
            self._wake.clear()
        self._stop_children()
        if self._lock is not None:
            self._lock.release()

    def _leading(self) -> bool:
        """Hold the dispatcher lock, taking it if it is free; whether this one dispatches."""
        if self._lock is None or self._lock.held:
            return True
        if self._lock.acquire():
            logger.info("This process now dispatches match runs (pid %s).", os.getpid())
            return True
        return False

    def _recover(self) -> None:
        with session_scope(self.sessions) as session:
            failed = fail_interrupted_runs(session=session)
        self._recovered = True
        if failed:
            logger.warning("Runs %s were left running by an earlier instance; marked failed.",
                           failed)

    def _launch(self) -> None:
        free = self.workers - len(self._children)
        if free <= 0:
            return
        with session_scope(self.reads) as session:
            queued = session.scalars(
                select(MatchRun.id).where(MatchRun.status == "queued",
                                          MatchRun.id.not_in(list(self._children)))
                .order_by(MatchRun.id).limit(free)).all()
        for run_id in queued:
            if self._stopping.is_set():
                return
            self._spawn(run_id)

    def _spawn(self, run_id: int) -> None:
        command = [*self._command, str(run_id)] if self._command else worker_command(run_id)
        environment = {**os.environ, "SIMPUL_DATABASE_URL": self.database_url}
        try:
            # A session of its own: a Ctrl-C in the terminal reaches the service, which stops
            # its workers itself, and the whole group (solver processes too) can be signalled.
            child = subprocess.Popen(command, env=environment, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        except OSError as error:
            logger.exception("Could not start the worker of run %s.", run_id)
            self._mark_failed(run_id, None, f"The worker process could not start: {error}")
            return
        self._children[run_id] = child
        logger.info("Run %s: worker %s started.", run_id, child.pid)

    def _reap(self) -> None:
        for run_id, child in list(self._children.items()):
            code = child.poll()
            if code is None:
                continue
            del self._children[run_id]
            # A worker that finished its run (or failed it) wrote the outcome itself; this
            # catches only one that died before it could.
            self._mark_failed(run_id, child.pid, _ended(code), before_claim=code != 0)

    def _mark_failed(self, run_id: int, pid: int | None, message: str, *,
                     before_claim: bool = True) -> None:
        mine = and_(MatchRun.status == "running", MatchRun.worker_pid == pid)
        unclaimed = and_(MatchRun.status == "queued", MatchRun.worker_pid.is_(None))
        condition = or_(mine, unclaimed) if before_claim else mine
        with session_scope(self.sessions) as session:
            failed = session.scalars(
                update(MatchRun).where(MatchRun.id == run_id, condition)
                .values(status="failed", phase="failed", finished_at=_now(), error=message)
                .returning(MatchRun.id).execution_options(synchronize_session=False)).all()
        if failed:
            logger.error("Run %s failed: %s", run_id, message)

    def _stop_children(self) -> None:
        if not self._children:
            return
        for child in self._children.values():
            _signal_group(child, signal.SIGTERM)
        for child in self._children.values():
            try:
                child.wait(timeout=self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
        try:
            with session_scope(self.sessions) as session:
                for run_id, child in self._children.items():
                    session.execute(
                        update(MatchRun).where(MatchRun.id == run_id,
                                               MatchRun.status == "running",
                                               MatchRun.worker_pid == child.pid)
                        .values(status="queued", phase="queued", progress=0, worker_pid=None,
                                started_at=None)
                        .execution_options(synchronize_session=False))
        except Exception:
            # They stay "running" and are marked failed on the next start.
            logger.exception("Could not put the stopped runs back in the queue.")
        self._children.clear()


def _signal_group(child: subprocess.Popen[bytes], signal_number: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal_number)
