"""Match runs in worker processes, started by the app's dispatcher: the lifecycle over HTTP,
writes made while a run runs, a worker killed (then a restart), a failed run, a clean
shutdown; on SQLite and PostgreSQL.

Runs are held at the worker's checkpoints (``SIMPUL_RUN_HOLD_DIR``) rather than made slow by
sleeping, so each test decides exactly when the worker goes on."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.app import create_app
from api.runs.dispatcher import RESTART_ERROR, worker_command
from api.runs.worker import HOLD_DIR_VARIABLE
from api.settings import Settings
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import MatchRun, Need, RunNeed
from catalog.records import NeedRecord
from catalog.store import CatalogContext, prepare_need, write_needs

from .conftest import headers_for
from .conftest import test_settings as plain_settings
from .test_runs import (
    ids_of,
    prepare_run_catalog,
    queue,
    result_counts,
    stored_run,
    wait_for_file,
)

#: Generous: a worker process imports numpy, OR-Tools and SQLAlchemy before it starts.
TIMEOUT_S = 120.0


def dispatching(url: str, **changes: Any) -> Settings:
    """Settings of an app that starts the run dispatcher."""
    return Settings(database_url=url, run_dispatcher=True, **changes)


@pytest.fixture
def runs_url(catalog_url: str) -> str:
    """The seeded catalog, ready to match today (see ``test_runs.prepare_run_catalog``)."""
    prepare_run_catalog(catalog_url)
    return catalog_url


@pytest.fixture
def holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The checkpoint directory the workers (which inherit the environment) look at."""
    folder = tmp_path / "holds"
    folder.mkdir()
    monkeypatch.setenv(HOLD_DIR_VARIABLE, str(folder))
    return folder


@pytest.fixture
def service(runs_url: str, holds: Path) -> Iterator[TestClient]:
    """The app with its dispatcher (one worker at a time)."""
    with TestClient(create_app(dispatching(runs_url))) as client:
        yield client


def wait_until_done(client: TestClient, run_id: int,
                    statuses: tuple[str, ...] = ("succeeded", "failed")) -> dict[str, Any]:
    """Poll ``GET /runs/{run_id}`` until its status is one of ``statuses``."""
    headers = headers_for(client, "admin")
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        body: dict[str, Any] = client.get(f"/api/v1/runs/{run_id}", headers=headers).json()
        if body["status"] in statuses:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"run {run_id} still {body['status']} after {TIMEOUT_S} s: {body}")
        time.sleep(0.05)


def test_a_run_goes_from_queued_to_succeeded_in_a_worker_process(service: TestClient) -> None:
    """POST → 202 queued; the dispatcher's worker process (not this one) runs it; polling
    shows it succeeded with progress 100; its allocations can be read."""
    response = service.post("/api/v1/runs", json={"time_limit_s": 20},
                            headers=headers_for(service, "buyer.imip"))
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    run_id = response.json()["id"]
    body = wait_until_done(service, run_id)
    assert (body["status"], body["progress"], body["error"]) == ("succeeded", 100, None)
    assert body["started_at"] <= body["finished_at"]
    assert body["figures"]["solver_status"] == "optimal"
    worker_pid = stored_run(service.app.state.settings.database_url,  # type: ignore[attr-defined]
                            run_id).worker_pid
    assert worker_pid is not None
    assert worker_pid != os.getpid()
    allocations = service.get(f"/api/v1/runs/{run_id}/allocations",
                              headers=headers_for(service, "buyer.imip")).json()
    assert [a["enterprise_name"] for a in allocations["items"]] == ["Katering Bu Ani"]


def test_writes_during_a_run_persist_and_do_not_leak_into_it(service: TestClient,
                                                             runs_url: str,
                                                             holds: Path) -> None:
    """A need created and another changed while the worker holds its snapshot are committed
    (nothing blocks them, nothing loses them), and the run's results are those of the catalog
    as it was: without the new need, with the old quantity. The next run sees both."""
    (holds / "snapshot.hold").touch()
    run_id = queue(service)
    wait_for_file(holds / "snapshot.reached")
    vegetables = ids_of(runs_url)["sayur daun dapur umum"]
    engine = make_engine(runs_url)
    try:
        with session_scope(make_sessionmaker(engine, writes=True)) as session:
            session.execute(update(Need).where(Need.id == vegetables).values(quantity=2_000))
            context = CatalogContext.load(session=session)
            write_needs([prepare_need(NeedRecord(
                "IMIP", "telur ayam dapur umum", 2_500, "butir",
                dt.date.today() + dt.timedelta(days=30), category_code="telur-ayam"),
                context)], session=session)
        (holds / "snapshot.hold").unlink()
        assert wait_until_done(service, run_id)["status"] == "succeeded"
        eggs = ids_of(runs_url)["telur ayam dapur umum"]
        with make_sessionmaker(engine)() as session:
            assert session.scalar(select(Need.quantity).where(Need.id == vegetables)) == 2_000
            in_run = dict(session.execute(select(RunNeed.need_id, RunNeed.quantity)
                                          .where(RunNeed.run_id == run_id)).all())
        assert eggs not in in_run
        assert in_run[vegetables] == 1_000 * 30
        later = queue(service)
        assert wait_until_done(service, later)["status"] == "succeeded"
        with make_sessionmaker(engine)() as session:
            in_later = dict(session.execute(select(RunNeed.need_id, RunNeed.quantity)
                                            .where(RunNeed.run_id == later)).all())
        assert (in_later[vegetables], in_later[eggs]) == (2_000 * 30, 2_500 * 30)
    finally:
        engine.dispose()


def test_a_killed_worker_leaves_nothing_and_the_restart_marks_it_failed(
        runs_url: str, holds: Path) -> None:
    """A worker killed (SIGKILL) while writing its results — every row inserted, not yet
    committed — leaves no row; the service that started it is gone too, so the run stays
    ``running`` until a new instance of the app starts on the same database, which marks it
    failed, and then runs what is queued."""
    with TestClient(create_app(plain_settings(runs_url))) as first:
        run_id = queue(first)
        waiting = queue(first, "buyer.ihip")
    (holds / "results.hold").touch()
    worker = subprocess.Popen(worker_command(run_id),
                              env={**os.environ, "SIMPUL_DATABASE_URL": runs_url})
    try:
        wait_for_file(holds / "results.reached")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=TIMEOUT_S)
    (holds / "results.hold").unlink()
    assert stored_run(runs_url, run_id).status == "running"
    assert sum(result_counts(runs_url, run_id).values()) == 0

    with TestClient(create_app(dispatching(runs_url))) as second:
        body = second.get(f"/api/v1/runs/{run_id}", headers=headers_for(second, "admin")).json()
        assert (body["status"], body["error"]) == ("failed", RESTART_ERROR)
        assert wait_until_done(second, waiting)["status"] == "succeeded"
    assert sum(result_counts(runs_url, run_id).values()) == 0


def test_a_worker_killed_under_a_running_service_is_marked_failed(service: TestClient,
                                                                  runs_url: str,
                                                                  holds: Path) -> None:
    """When a worker dies while the service runs, the dispatcher notices and marks its run
    failed, saying how it ended; nothing of the run is stored."""
    (holds / "snapshot.hold").touch()
    run_id = queue(service)
    wait_for_file(holds / "snapshot.reached")
    pid = int((holds / "snapshot.reached").read_text(encoding="utf-8"))
    assert stored_run(runs_url, run_id).worker_pid == pid
    os.kill(pid, signal.SIGKILL)
    body = wait_until_done(service, run_id)
    assert body["status"] == "failed"
    assert "SIGKILL" in body["error"]
    assert sum(result_counts(runs_url, run_id).values()) == 0


def test_queued_runs_are_picked_up_at_start_and_engine_errors_fail_them(
        runs_url: str, holds: Path) -> None:
    """A run queued before the service started is executed once it starts; one the engine
    refuses (a time limit of 0, written past the API's checks) is failed with the engine's
    message while the next one still succeeds."""
    with TestClient(create_app(plain_settings(runs_url))) as offline:
        refused, accepted = queue(offline), queue(offline)
    engine = make_engine(runs_url)
    with session_scope(make_sessionmaker(engine)) as session:
        session.execute(update(MatchRun).where(MatchRun.id == refused).values(time_limit_s=0))
    engine.dispose()
    with TestClient(create_app(dispatching(runs_url))) as client:
        failed = wait_until_done(client, refused)
        assert failed["status"] == "failed"
        assert "time limit must be positive" in failed["error"]
        assert wait_until_done(client, accepted)["status"] == "succeeded"
    assert sum(result_counts(runs_url, refused).values()) == 0


def test_a_clean_shutdown_puts_running_runs_back_in_the_queue(runs_url: str,
                                                              holds: Path) -> None:
    """Stopping the service stops its workers and puts their runs back in the queue (nothing
    stored); the next start runs them to success."""
    (holds / "snapshot.hold").touch()
    with TestClient(create_app(dispatching(runs_url))) as client:
        run_id = queue(client)
        wait_for_file(holds / "snapshot.reached")
    run = stored_run(runs_url, run_id)
    assert (run.status, run.worker_pid, run.started_at) == ("queued", None, None)
    assert sum(result_counts(runs_url, run_id).values()) == 0
    (holds / "snapshot.hold").unlink()
    with TestClient(create_app(dispatching(runs_url))) as client:
        assert wait_until_done(client, run_id)["status"] == "succeeded"


def test_at_most_run_workers_run_at_once(runs_url: str, holds: Path) -> None:
    """With one worker, a second queued run waits (queued) while the first is held."""
    (holds / "snapshot.hold").touch()
    with TestClient(create_app(dispatching(runs_url, run_workers=1))) as client:
        first, second = queue(client), queue(client, "buyer.imip")
        wait_for_file(holds / "snapshot.reached")
        dispatcher = client.app.state.dispatcher  # type: ignore[attr-defined]
        assert list(dispatcher.running) == [first]
        assert stored_run(runs_url, second).status == "queued"
        (holds / "snapshot.hold").unlink()
        assert wait_until_done(client, first)["status"] == "succeeded"
        assert wait_until_done(client, second)["status"] == "succeeded"


def test_of_two_web_processes_on_one_database_one_dispatches(runs_url: str,
                                                             holds: Path) -> None:
    """Two apps on one database, as ``uvicorn --workers 2`` starts them: only the holder of
    the dispatcher lock dispatches, so the second one's start fails nothing of the first's
    running run; a run queued through the second is executed by the first; when the first
    stops, the second takes the lock over and runs what the first put back in the queue."""
    (holds / "snapshot.hold").touch()
    first = TestClient(create_app(dispatching(runs_url)))
    first.__enter__()
    try:
        held = queue(first)
        wait_for_file(holds / "snapshot.reached")
        leader = first.app.state.dispatcher  # type: ignore[attr-defined]
        with TestClient(create_app(dispatching(runs_url))) as second:
            follower = second.app.state.dispatcher  # type: ignore[attr-defined]
            assert (leader.leading, follower.leading) == (True, False)
            assert stored_run(runs_url, held).status == "running"
            through_follower = queue(second, "buyer.ihip")
            (holds / "snapshot.reached").unlink()
            (holds / "snapshot.hold").unlink()
            assert wait_until_done(second, held)["status"] == "succeeded"
            assert wait_until_done(second, through_follower)["status"] == "succeeded"
            assert follower.running == {}

            (holds / "snapshot.reached").unlink(missing_ok=True)
            (holds / "snapshot.hold").touch()
            requeued = queue(second, "buyer.imip")
            wait_for_file(holds / "snapshot.reached")
            assert list(leader.running) == [requeued]
            first.__exit__(None, None, None)  # the first process stops cleanly
            first = None
            assert stored_run(runs_url, requeued).status in ("queued", "running")
            (holds / "snapshot.hold").unlink()
            assert wait_until_done(second, requeued)["status"] == "succeeded"
            assert follower.leading
    finally:
        if first is not None:
            first.__exit__(None, None, None)
