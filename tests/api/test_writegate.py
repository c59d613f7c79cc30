"""The SQLite write gate: one holder at a time, across processes too; a holder cancelled while
it waits still gives the lock back; server databases get none."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import anyio

from api.writegate import WriteGate, write_gate_for
from catalog.db import make_engine


def test_holders_of_one_process_take_turns(tmp_path: Path) -> None:
    gate = WriteGate(tmp_path / "simpul.db.write.lock")
    inside: list[int] = []
    overlaps: list[int] = []

    async def hold(index: int) -> None:
        async with gate.held():
            if inside:
                overlaps.append(index)
            inside.append(index)
            await anyio.sleep(0.01)
            inside.remove(index)

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for index in range(10):
                group.start_soon(hold, index)

    anyio.run(main)
    gate.close()
    assert overlaps == []


def test_another_process_waits_for_the_holder(tmp_path: Path) -> None:
    """A process holding the lock file keeps this one out until it lets go."""
    path = tmp_path / "simpul.db.write.lock"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        gate = WriteGate(path)

        async def wait() -> float:
            started = time.monotonic()
            async with gate.held():
                return time.monotonic() - started

        waited = anyio.run(wait)
        gate.close()
    finally:
        holder.kill()
        holder.wait()
    assert waited >= 0.4  # the holder let go after half a second


_HOLD = """
import fcntl, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(0.5)
fcntl.flock(handle, fcntl.LOCK_UN)
time.sleep(600)
"""


def test_a_holder_cancelled_while_waiting_gives_the_lock_back(tmp_path: Path) -> None:
    """Cancelled while it waits for another process's lock, a request still takes the lock
    when it comes free and gives it straight back: the next one gets in."""
    path = tmp_path / "simpul.db.write.lock"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)],
                              stdout=subprocess.PIPE, text=True)
    gate = WriteGate(path)
    entered: list[str] = []

    async def main() -> None:
        async def waiter() -> None:
            async with gate.held():
                entered.append("cancelled waiter")

        with anyio.move_on_after(0.1):  # cancelled while the other process holds the lock
            await waiter()
        with anyio.fail_after(10):
            async with gate.held():
                entered.append("next")

    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        anyio.run(main)
    finally:
        gate.close()
        holder.kill()
        holder.wait()
    assert entered == ["next"]


def test_only_sqlite_has_a_gate(tmp_path: Path) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'simpul.db'}")
    postgres = make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/nothing")
    try:
        assert isinstance(write_gate_for(sqlite), WriteGate)
        assert write_gate_for(postgres) is None
    finally:
        sqlite.dispose()
        postgres.dispose()
