"""One match run, executed in a worker process of its own: ``python -m api.runs.worker RUN_ID``.

The dispatcher (:mod:`api.runs.dispatcher`) starts one such process per queued run; the
database URL comes from ``SIMPUL_DATABASE_URL``. :func:`execute_run` is the whole job:

1. **Claim**: ``queued`` → ``running`` with this process's pid and ``started_at``, by one
   conditional ``UPDATE`` (a run that is no longer queued — another worker took it — is left
   alone and the process exits with status 0).
2. **Snapshot**: the catalog is read in one read-only transaction: on PostgreSQL ``REPEATABLE
   READ``, so every statement of the load sees the same committed state; on SQLite one read
   transaction, which in WAL mode sees the database as of its first read. Writers are not
   blocked, and nothing they commit after the snapshot began is seen.
3. **Match** the market (:func:`api.matchrun.build_market`, :func:`matching.match`), then the
   near misses with the LP's capacity values (so that needs lost on cost count) and the
   interventions for groups of IKM (:func:`matching.rank_interventions`).
4. **Save** every result — needs, allocations, unmet units by reason, near misses,
   interventions, the figures and ``succeeded`` — in **one** transaction.

Progress and phase are written in short transactions of their own between the steps. Every
write after the claim is conditional on the run still being ``running`` under this pid: when the
service restarted meanwhile and marked the run failed, the worker stops and writes nothing.
Any exception marks the run ``failed`` with its message; results are all or nothing.

For tests, ``SIMPUL_RUN_HOLD_DIR`` names a directory of checkpoint files (see
:func:`checkpoint`): a run can be held at a checkpoint, deterministically, while a test writes
to the catalog or kills the worker, or made to fail there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, insert, update
from sqlalchemy.orm import Session, sessionmaker

from api.matchrun import MatchRun as MatchedRun
from api.matchrun import build_market
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import (
    CERTIFICATE_KINDS,
    MatchRun,
    RunAllocation,
    RunIntervention,
    RunNearMiss,
    RunNeed,
    RunUnmet,
)
from catalog.snapshot import (
    NeedArrays,
    OfferArrays,
    Reference,
    load_need_arrays,
    load_offer_arrays,
    load_reference,
)
from matching import (
    NO_PRICE_CEILING,
    GroupIntervention,
    MatchParams,
    NearMiss,
    SolveParams,
    capacity_values,
    match,
    rank_interventions,
)

__all__ = ["HOLD_DIR_VARIABLE", "InjectedFailure", "ResultRows", "RunTakenAway",
           "checkpoint", "execute_run", "main", "result_rows", "snapshot_sessionmaker"]

logger = logging.getLogger(__name__)

#: The environment variable naming the directory of test checkpoints.
HOLD_DIR_VARIABLE = "SIMPUL_RUN_HOLD_DIR"
#: How long a held checkpoint waits before going on regardless (a test that died).
HOLD_LIMIT_S = 300.0
#: Interventions ranked per run, and how many of them are confirmed by matching again.
INTERVENTIONS, CONFIRMED = 10, 3
#: Near misses kept per offer.
NEAR_MISSES_PER_OFFER = 5
#: Longest error message kept on a failed run.
ERROR_LENGTH = 2000


class RunTakenAway(Exception):
    """The run is no longer ``running`` under this worker (the service marked it failed or put
    it back in the queue): the worker stops without writing."""


class InjectedFailure(Exception):
    """A failure a test asked for at a checkpoint."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def checkpoint(name: str) -> None:
    """A point a test can hold the run at, or make it fail at.

    Only when ``SIMPUL_RUN_HOLD_DIR`` is set: if ``<dir>/<name>.fail`` exists the run fails
    here; if ``<dir>/<name>.hold`` exists, the worker writes its pid to ``<dir>/<name>.reached``
    and waits until the ``.hold`` file is removed."""
    folder = os.environ.get(HOLD_DIR_VARIABLE)
    if not folder:
        return
    base = Path(folder)
    if (base / f"{name}.fail").exists():
        raise InjectedFailure(f"Failure injected at checkpoint {name!r}.")
    hold = base / f"{name}.hold"
    if not hold.exists():
        return
    (base / f"{name}.reached").write_text(str(os.getpid()), encoding="utf-8")
    waited = time.monotonic()
    while hold.exists() and time.monotonic() - waited < HOLD_LIMIT_S:
        time.sleep(0.02)


# --- the run's row -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Claimed:
    seed: int
    time_limit_s: float
    horizon_days: int


def _claim(run_id: int, pid: int, *, session: Session) -> _Claimed | None:
    row = session.execute(
        update(MatchRun).where(MatchRun.id == run_id, MatchRun.status == "queued")
        .values(status="running", worker_pid=pid, started_at=_now(), phase="loading",
                progress=2)
        .returning(MatchRun.seed, MatchRun.time_limit_s, MatchRun.horizon_days)
        .execution_options(synchronize_session=False)).first()
    return _Claimed(*row) if row is not None else None


def _update_mine(run_id: int, pid: int, values: dict[str, Any], *, session: Session) -> None:
    """Change the run's row if it is still this worker's; else :class:`RunTakenAway`."""
    done = session.execute(
        update(MatchRun).where(MatchRun.id == run_id, MatchRun.status == "running",
                               MatchRun.worker_pid == pid)
        .values(**values).returning(MatchRun.id)
        .execution_options(synchronize_session=False)).first()
    if done is None:
        raise RunTakenAway(f"Run {run_id} is no longer running under worker {pid}.")


# --- snapshot ------------------------------------------------------------------------------


def snapshot_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose transaction is a consistent, read-only snapshot of the catalog: on
    PostgreSQL ``REPEATABLE READ READ ONLY``; on SQLite a plain read transaction (WAL)."""
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ",
                                          postgresql_readonly=True)
    return make_sessionmaker(engine)


def _read_snapshot(engine: Engine) -> tuple[Reference, OfferArrays, NeedArrays]:
    with session_scope(snapshot_sessionmaker(engine)) as session:
        reference = load_reference(session=session)
        # The snapshot is taken: a write a test makes here must not be seen below.
        checkpoint("snapshot")
        offers = load_offer_arrays(session=session)
        needs = load_need_arrays(session=session)
    return reference, offers, needs


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRows:
    """The rows a run writes, per table, as parameter lists for bulk inserts."""

    needs: list[dict[str, Any]] = field(default_factory=list)
    allocations: list[dict[str, Any]] = field(default_factory=list)
    unmet: list[dict[str, Any]] = field(default_factory=list)
    near_misses: list[dict[str, Any]] = field(default_factory=list)
    interventions: list[dict[str, Any]] = field(default_factory=list)


def result_rows(run_id: int, run: MatchedRun, misses: list[NearMiss],
                interventions: list[GroupIntervention]) -> ResultRows:
    """The rows of every result table for a matched run, in catalog ids and rupiah."""
    market, index, matched = run.market, run.index, run.matched
    offers, needs, arcs = market.offers, market.needs, matched.arcs
    categories = market.capability.categories
    park_of_need = dict(zip(index.need_id.tolist(), index.park_id.tolist(), strict=True))
    enterprise_of_offer = dict(zip(index.offer_id.tolist(), index.enterprise_id.tolist(),
                                   strict=True))

    chosen = matched.allocation_arc
    quantity = matched.result.allocation_quantity.astype(np.int64)
    o, d = arcs.offer[chosen].astype(np.int64), arcs.need[chosen].astype(np.int64)
    landed = arcs.landed_unit_cost[chosen].astype(np.int64)
    local = offers.kabupaten[o] == needs.kabupaten[d]
    allocations = [
        {"run_id": run_id, "need_id": need, "park_id": park, "offer_id": offer,
         "enterprise_id": enterprise, "quantity": q, "landed_unit_cost_idr": cost,
         "km": round(km, 3), "local": is_local}
        for need, park, offer, enterprise, q, cost, km, is_local in zip(
            index.need_id[d].tolist(), index.park_id[d].tolist(), index.offer_id[o].tolist(),
            index.enterprise_id[o].tolist(), quantity.tolist(), landed.tolist(),
            arcs.km[chosen].tolist(), local.tolist(), strict=True)]

    n_needs = len(needs)
    local_units = np.zeros(n_needs, dtype=np.int64)
    np.add.at(local_units, d[local], quantity[local])
    paid = np.zeros(n_needs, dtype=np.int64)
    np.add.at(paid, d, landed * quantity)
    dearest = np.zeros(n_needs, dtype=np.int64)
    np.maximum.at(dearest, d, landed)
    # What an unmet unit is worth: the ceiling, else the dearest landed cost served, else the
    # cheapest price any IKM asks in the need's category, else unknown (0).
    cheapest = np.full(len(categories), NO_PRICE_CEILING, dtype=np.int64)
    np.minimum.at(cheapest, offers.category.astype(np.int64), offers.unit_price.astype(np.int64))
    cheapest = np.where(cheapest == NO_PRICE_CEILING, 0, cheapest)
    ceiling = needs.max_unit_price.astype(np.int64)
    value = np.where(ceiling != NO_PRICE_CEILING, ceiling,
                     np.where(dearest > 0, dearest, cheapest[needs.category]))
    need_rows = [
        {"run_id": run_id, "need_id": need, "park_id": park, "category_code": categories[c],
         "quantity": q, "served": s, "local": lo, "landed_cost_idr": cost,
         "unit_value_idr": v}
        for need, park, c, q, s, lo, cost, v in zip(
            index.need_id.tolist(), index.park_id.tolist(), needs.category.tolist(),
            needs.quantity.tolist(), matched.served.tolist(), local_units.tolist(),
            paid.tolist(), value.tolist(), strict=True)]

    unmet = [{"run_id": run_id, "need_id": int(u.demand), "reason": reason,
              "park_id": park_of_need[int(u.demand)], "quantity": units}
             for u in matched.unmet for reason, units in sorted(u.reasons.items()) if units > 0]

    near = [{"run_id": run_id, "offer_id": int(m.offer),
             "enterprise_id": enterprise_of_offer[int(m.offer)], "need_id": int(m.need),
             "park_id": park_of_need[int(m.need)], "kind": m.kind, "rule": m.rule,
             "at_stake_idr": m.at_stake, "allocated": m.allocated,
             "unit_price_idr": m.unit_price,
             "certificates": ",".join(CERTIFICATE_KINDS[k] for k in m.certificates) or None,
             "added_capacity": m.added_capacity, "days_to_cut": m.days_to_cut,
             "radius_km": m.radius_km} for m in misses]

    ranked = [{"run_id": run_id, "rank": rank, "kind": i.kind,
               "category_code": categories[i.category], "regency_id": i.kabupaten,
               "certificate_kind": (CERTIFICATE_KINDS[i.certificate]
                                    if i.certificate is not None else None),
               "capacity_percent": i.capacity_percent,
               "enterprises": len({enterprise_of_offer[int(k)] for k in i.offers}),
               "estimated_units": i.estimated_units, "estimated_idr": i.estimated_rupiah,
               "confirmed_units": i.confirmed_units, "confirmed_idr": i.confirmed_rupiah}
              for rank, i in enumerate(interventions, start=1)]
    return ResultRows(needs=need_rows, allocations=allocations, unmet=unmet,
                      near_misses=near, interventions=ranked)


def _finite(value: Any) -> Any:
    """JSON-safe figures: numpy scalars as Python numbers, infinities and NaN as ``null``."""
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_figures(run: MatchedRun, rows: ResultRows, seconds: dict[str, float]) -> dict[str, Any]:
    """The run's figures over the whole market (``MatchRun.stats``; ``RunFigures`` reads them)."""
    matched, index = run.matched, run.index
    result, stats = matched.result, matched.stats
    served = int(matched.served.sum())
    demanded = int(matched.market.needs.quantity.sum())
    solver = result.stats.as_dict()
    figures: dict[str, Any] = _finite({
        "today": run.today.isoformat(), "horizon_days": index.horizon_days,
        "solver_status": result.status, "solver": solver["solver"],
        "objective": result.objective, "allocation_cost": result.allocation_cost,
        "unmet_cost": result.unmet_cost, "gap": solver["gap"], "bound": solver["bound"],
        "lp_objective": stats.lp_objective, "lp_bound": stats.lp_bound,
        "candidates_complete": stats.complete, "exact": stats.exact,
        "pricing_rounds": stats.rounds, "first_arcs": stats.first_arcs, "arcs": stats.arcs,
        "components": solver["components"], "cp_sat_components": solver["cp_sat_components"],
        "offers": len(matched.market.offers), "needs": len(matched.market.needs),
        "uncategorised_offers": index.uncategorised_offers,
        "uncategorised_needs": index.uncategorised_needs,
        "units_demanded": demanded, "units_served": served,
        "units_served_locally": sum(r["local"] for r in rows.needs),
        "units_unmet": demanded - served, "allocations": len(rows.allocations),
        "near_misses": len(rows.near_misses), "interventions": len(rows.interventions),
        "seconds": {**seconds, **{f"match_{k}": v for k, v in stats.seconds.items()}},
    })
    return figures


def _save(run_id: int, pid: int, rows: ResultRows, figures: dict[str, Any], *,
          session: Session) -> None:
    """Every result and ``succeeded``, in the caller's (one) transaction."""
    _update_mine(run_id, pid, {
        "status": "succeeded", "finished_at": _now(), "progress": 100, "phase": "done",
        "stats": json.dumps(figures, ensure_ascii=False, sort_keys=True, allow_nan=False)},
        session=session)
    for model, table in ((RunNeed, rows.needs), (RunAllocation, rows.allocations),
                         (RunUnmet, rows.unmet), (RunNearMiss, rows.near_misses),
                         (RunIntervention, rows.interventions)):
        if table:
            session.execute(insert(model), table)
    # Everything is written but not committed: a worker killed here leaves nothing.
    checkpoint("results")


# --- the job -------------------------------------------------------------------------------


def _failure_message(error: BaseException) -> str:
    text = str(error).strip()
    return (f"{type(error).__name__}: {text}" if text else type(error).__name__)[:ERROR_LENGTH]


def execute_run(run_id: int, *, engine: Engine, today: dt.date | None = None,
                pid: int | None = None) -> str:
    """Execute queued run ``run_id`` on ``engine`` (see the module docstring); returns what
    became of it: ``succeeded``, ``failed``, ``not_queued`` (left alone) or ``taken`` (the
    service took it back while it ran)."""
    pid = pid if pid is not None else os.getpid()
    writes = make_sessionmaker(engine, writes=True)
    with session_scope(writes) as session:
        claimed = _claim(run_id, pid, session=session)
    if claimed is None:
        logger.info("Run %s is not queued; nothing to do.", run_id)
        return "not_queued"

    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 6)
        clock = now

    def advance(phase: str, progress: int) -> None:
        with session_scope(writes) as session:
            _update_mine(run_id, pid, {"phase": phase, "progress": progress}, session=session)

    try:
        params = MatchParams(solve=SolveParams(time_limit_s=claimed.time_limit_s))
        reference, offers, needs = _read_snapshot(engine)
        lap("load")
        advance("matching", 15)
        day = today or dt.date.today()
        market, index = build_market(reference, offers, needs, today=day,
                                     horizon_days=claimed.horizon_days)
        matched = match(market, params, seed=claimed.seed)
        run = MatchedRun(market=market, index=index, matched=matched, today=day)
        lap("match")
        advance("near_misses", 60)
        values = capacity_values(matched.problem, time_limit_s=claimed.time_limit_s)
        misses = matched.near_misses(values=values, limit_per_offer=NEAR_MISSES_PER_OFFER)
        lap("near_misses")
        advance("interventions", 70)
        ranked = rank_interventions(matched, top=INTERVENTIONS, confirm=CONFIRMED,
                                    params=params, seed=claimed.seed)
        lap("interventions")
        advance("saving", 90)
        rows = result_rows(run_id, run, misses, ranked)
        figures = run_figures(run, rows, seconds)
        with session_scope(writes) as session:
            _save(run_id, pid, rows, figures, session=session)
    except RunTakenAway:
        logger.warning("Run %s was taken back by the service; nothing written.", run_id)
        return "taken"
    except Exception as error:
        logger.exception("Run %s failed.", run_id)
        _fail(run_id, pid, _failure_message(error), sessions=writes)
        return "failed"
    logger.info("Run %s succeeded: %s allocations, %s unmet units.", run_id,
                len(rows.allocations), figures["units_unmet"])
    return "succeeded"


def _fail(run_id: int, pid: int, message: str, *, sessions: sessionmaker[Session]) -> None:
    try:
        with session_scope(sessions) as session:
            _update_mine(run_id, pid, {"status": "failed", "finished_at": _now(),
                                       "phase": "failed", "error": message}, session=session)
    except RunTakenAway:
        pass
    except Exception:
        # The database itself failed: the dispatcher marks the run failed when this process
        # exits with status 1 (or the next start does).
        logger.exception("Run %s could not be marked failed.", run_id)


def main(argv: list[str] | None = None) -> int:
    """``python -m api.runs.worker RUN_ID``: 0 when the run succeeded or was not this
    worker's to run, 1 when it failed."""
    from api.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m api.runs.worker",
                                     description="Execute one queued match run.")
    parser.add_argument("run_id", type=int)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s simpul-worker[%(process)d] %(levelname)s "
                               "%(message)s")
    engine = make_engine(get_settings().database_url)
    try:
        outcome = execute_run(arguments.run_id, engine=engine)
    finally:
        engine.dispose()
    return 1 if outcome == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())
