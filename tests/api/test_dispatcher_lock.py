"""The dispatcher lock: one holder per database, on SQLite (a file lock) and PostgreSQL (an
advisory lock); released by ``release`` and by the end of the holder's connection."""

from __future__ import annotations

import subprocess
import sys
import time

from sqlalchemy import Engine

from api.runs.leadership import DispatcherLock
from catalog.db import make_engine


def test_one_holder_at_a_time(database_url: str) -> None:
    engines: list[Engine] = [make_engine(database_url), make_engine(database_url)]
    first, second = (DispatcherLock(engine) for engine in engines)
    try:
        assert first.acquire()
        assert first.acquire()  # again: still held, by this holder
        assert not second.acquire()
        assert (first.held, second.held) == (True, False)
        first.release()
        assert not first.held
        assert second.acquire()
        assert not first.acquire()
    finally:
        first.release()
        second.release()
        for engine in engines:
            engine.dispose()


def test_a_killed_holder_releases_it(database_url: str) -> None:
    """The lock goes with its holder's process, however it ends: a process holding it is
    killed (SIGKILL, no clean-up) and the next holder takes it."""
    holding = subprocess.Popen(
        [sys.executable, "-c", _HOLD, database_url], stdout=subprocess.PIPE, text=True)
    other = make_engine(database_url)
    waiting = DispatcherLock(other)
    try:
        assert holding.stdout is not None
        assert holding.stdout.readline().strip() == "held"
        assert not waiting.acquire()
        holding.kill()
        holding.wait(timeout=30)
        deadline = time.monotonic() + 30
        while not waiting.acquire():  # PostgreSQL notices the closed connection at once
            assert time.monotonic() < deadline, "the lock was not released"
            time.sleep(0.05)
    finally:
        if holding.poll() is None:
            holding.kill()
            holding.wait()
        waiting.release()
        other.dispose()


_HOLD = """
import sys, time
from api.runs.leadership import DispatcherLock
from catalog.db import make_engine
lock = DispatcherLock(make_engine(sys.argv[1]))
assert lock.acquire()
print("held", flush=True)
time.sleep(600)
"""


def test_an_in_memory_database_is_always_held() -> None:
    engine = make_engine("sqlite://")
    try:
        assert DispatcherLock(engine).acquire()
        assert DispatcherLock(engine).acquire()
    finally:
        engine.dispose()
