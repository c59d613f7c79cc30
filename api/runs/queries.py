"""Queueing runs and reading their results, each filtered for the reader in the query.

Functions take ``session=`` and never commit: the request owns the transaction. Who sees which
result rows (``docs/runs.md``, "Who sees what"):

* a **park buyer**: rows of its own park's needs;
* an **IKM owner**: allocations to its own IKM (and their opportunities); unmet demand is not
  its function (403 in the route);
* the **agency**: rows of needs of the parks in its province;
* an **admin**: every row.

"The current run" is the succeeded run with the largest id: runs start in id order, so it is the
one whose snapshot is newest. A newer succeeded run supersedes the older ones, whose results stay
as they were.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Row, Select, false, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.auth.principal import Principal
from api.pagination import PageRequest, paginate
from api.runs.schemas import RunIn
from api.scope import agency_sees, own_enterprises, parks_visible
from catalog.exceptions import NotFound
from catalog.models import (
    Enterprise,
    MatchRun,
    Need,
    Park,
    RunAllocation,
    RunNearMiss,
    RunNeed,
    RunUnmet,
)

__all__ = [
    "ACTIVE_STATUSES",
    "AllocationRow",
    "EnterpriseOpportunities",
    "NeedCoverage",
    "RunLimitReached",
    "RunNotFinished",
    "UnmetRow",
    "current_run_id",
    "enterprise_opportunities",
    "finished_run",
    "get_run",
    "list_allocations",
    "list_runs",
    "list_unmet",
    "need_coverage",
    "queue_run",
]

#: Runs that count against a tenant's limit.
ACTIVE_STATUSES = ("queued", "running")
#: The first key of PostgreSQL advisory locks taken on a tenant's queue.
_QUEUE_LOCK = 0x51_4D_50  # "QMP"


class RunLimitReached(Exception):
    """The tenant already has ``count`` runs queued or running, its limit."""

    def __init__(self, tenant: str, count: int) -> None:
        super().__init__(f"{count} runs are queued or running for {tenant}")
        self.tenant = tenant
        self.count = count


class RunNotFinished(Exception):
    """Results were asked of a run that has not succeeded."""

    def __init__(self, run_id: int, status: str) -> None:
        super().__init__(f"run {run_id} is {status}")
        self.run_id = run_id
        self.status = status


# --- runs ----------------------------------------------------------------------------------


def _lock_tenant_queue(tenant: str, *, session: Session) -> None:
    """Serialise queueing per tenant, so two requests at once cannot both pass the limit.

    SQLite needs nothing: a writing request holds the database's write lock from BEGIN
    (IMMEDIATE). PostgreSQL takes a transaction-scoped advisory lock on the tenant."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(tenant.encode()) - 2**31  # into int4
        session.execute(select(func.pg_advisory_xact_lock(_QUEUE_LOCK, key)))


def queue_run(principal: Principal, wanted: RunIn, *, session: Session,
              default_time_limit_s: float, runs_per_tenant: int,
              now: dt.datetime | None = None) -> MatchRun:
    """A new queued run for the principal's tenant; raises :class:`RunLimitReached` when the
    tenant already has ``runs_per_tenant`` runs queued or running."""
    tenant = principal.tenant
    _lock_tenant_queue(tenant, session=session)
    active = session.scalar(select(func.count()).select_from(MatchRun).where(
        MatchRun.tenant == tenant, MatchRun.status.in_(ACTIVE_STATUSES))) or 0
    if active >= runs_per_tenant:
        raise RunLimitReached(tenant, active)
    run = MatchRun(
        status="queued", tenant=tenant, requested_by=principal.account_id,
        created_at=now or dt.datetime.now(dt.UTC), progress=0, phase="queued",
        seed=wanted.seed, time_limit_s=wanted.time_limit_s or default_time_limit_s,
        horizon_days=wanted.horizon_days)
    session.add(run)
    session.flush()
    return run


def list_runs(*, session: Session, page: PageRequest[int], status: str | None = None
              ) -> tuple[Sequence[MatchRun], int]:
    """Runs by id (oldest first), optionally of one status."""
    statement = select(MatchRun)
    if status is not None:
        statement = statement.where(MatchRun.status == status)
    return paginate(statement, MatchRun.id, page, session=session)


def newest_runs(limit: int, *, session: Session) -> Sequence[MatchRun]:
    """The ``limit`` newest runs, newest first (one query)."""
    return session.scalars(select(MatchRun).order_by(MatchRun.id.desc()).limit(limit)).all()


def get_run(run_id: int, *, session: Session) -> MatchRun:
    """The run with ``run_id``; raises NotFound."""
    run = session.get(MatchRun, run_id)
    if run is None:
        raise NotFound("run", run_id)
    return run


def current_run_id(*, session: Session) -> int | None:
    """The id of the newest succeeded run (the one views and reports read), if any."""
    return session.scalar(select(func.max(MatchRun.id)).where(MatchRun.status == "succeeded"))


def finished_run(run_id: int, *, session: Session) -> MatchRun:
    """The run with ``run_id`` if it succeeded; NotFound, or :class:`RunNotFinished`."""
    run = get_run(run_id, session=session)
    if run.status != "succeeded":
        raise RunNotFinished(run_id, run.status)
    return run


# --- who sees which rows -------------------------------------------------------------------


def _of_visible_parks(principal: Principal, park_id: InstrumentedAttribute[int]
                      ) -> ColumnElement[bool]:
    """Result rows of needs of the parks the principal may see (see the module docstring)."""
    if principal.role == "admin":
        return true()
    if principal.role == "park_buyer":
        return park_id == principal.park_id
    if principal.role == "agency":
        return park_id.in_(select(Park.id).where(parks_visible(principal)))
    return false()


def _allocations_visible(principal: Principal) -> ColumnElement[bool]:
    if principal.role == "ikm_owner":
        ids = sorted(principal.enterprise_ids)
        return RunAllocation.enterprise_id.in_(ids) if ids else false()
    return _of_visible_parks(principal, RunAllocation.park_id)


def _names(statement: Select[int, str], *, session: Session) -> dict[int, str]:
    return dict(session.execute(statement).all())


# --- allocations and unmet demand ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllocationRow:
    """An allocation with the names a reader recognises it by (``None`` when the need or IKM
    has since been deleted: results keep plain ids)."""

    id: int
    need_id: int
    need_product_name: str | None
    park_id: int
    park_code: str | None
    enterprise_id: int
    enterprise_name: str | None
    offer_id: int
    quantity: int
    landed_unit_cost_idr: int
    km: float
    local: bool


def list_allocations(run_id: int, principal: Principal, *, session: Session,
                     page: PageRequest[int], need_id: int | None = None
                     ) -> tuple[list[AllocationRow], int]:
    """The run's allocations the principal may see, by id (only those to need ``need_id``
    when given)."""
    statement = select(RunAllocation).where(RunAllocation.run_id == run_id,
                                            _allocations_visible(principal))
    if need_id is not None:
        statement = statement.where(RunAllocation.need_id == need_id)
    rows, total = paginate(statement, RunAllocation.id, page, session=session)
    needs = _names(select(Need.id, Need.product_name)
                   .where(Need.id.in_({r.need_id for r in rows})), session=session)
    parks = _names(select(Park.id, Park.code).where(Park.id.in_({r.park_id for r in rows})),
                   session=session)
    enterprises = _names(select(Enterprise.id, Enterprise.name)
                         .where(Enterprise.id.in_({r.enterprise_id for r in rows})),
                         session=session)
    return [AllocationRow(
        id=r.id, need_id=r.need_id, need_product_name=needs.get(r.need_id),
        park_id=r.park_id, park_code=parks.get(r.park_id), enterprise_id=r.enterprise_id,
        enterprise_name=enterprises.get(r.enterprise_id), offer_id=r.offer_id,
        quantity=r.quantity, landed_unit_cost_idr=r.landed_unit_cost_idr, km=r.km,
        local=r.local) for r in rows], total


@dataclass(frozen=True, slots=True)
class UnmetRow:
    """A need of a run left partly unmet, with its unmet units by reason."""

    need_id: int
    need_product_name: str | None
    park_id: int
    park_code: str | None
    category_code: str
    quantity: int
    served: int
    reasons: dict[str, int]


def list_unmet(run_id: int, principal: Principal, *, session: Session,
               page: PageRequest[int], need_id: int | None = None
               ) -> tuple[list[UnmetRow], int]:
    """The run's needs left partly unmet that the principal may see, by need id (only need
    ``need_id`` when given)."""
    statement = select(RunNeed).where(RunNeed.run_id == run_id,
                                      RunNeed.served < RunNeed.quantity,
                                      _of_visible_parks(principal, RunNeed.park_id))
    if need_id is not None:
        statement = statement.where(RunNeed.need_id == need_id)
    rows, total = paginate(statement, RunNeed.need_id, page, session=session)
    need_ids = {r.need_id for r in rows}
    reasons: dict[int, dict[str, int]] = {}
    for need_id, reason, quantity in session.execute(
            select(RunUnmet.need_id, RunUnmet.reason, RunUnmet.quantity)
            .where(RunUnmet.run_id == run_id, RunUnmet.need_id.in_(need_ids))
            .order_by(RunUnmet.need_id, RunUnmet.reason)):
        reasons.setdefault(need_id, {})[reason] = quantity
    needs = _names(select(Need.id, Need.product_name).where(Need.id.in_(need_ids)),
                   session=session)
    parks = _names(select(Park.id, Park.code).where(Park.id.in_({r.park_id for r in rows})),
                   session=session)
    return [UnmetRow(
        need_id=r.need_id, need_product_name=needs.get(r.need_id), park_id=r.park_id,
        park_code=parks.get(r.park_id), category_code=r.category_code, quantity=r.quantity,
        served=r.served, reasons=reasons.get(r.need_id, {})) for r in rows], total


@dataclass(frozen=True, slots=True)
class NeedCoverage:
    """How much of a need a run covered: units over the run's horizon, served, served by
    local IKM."""

    need_id: int
    quantity: int
    served: int
    local: int


def need_coverage(run_id: int, principal: Principal, need_ids: Sequence[int], *,
                  session: Session) -> dict[int, NeedCoverage]:
    """The coverage of each need of ``need_ids`` in the run, for those the principal may see
    and the run matched (a need posted after the run has none)."""
    if not need_ids:
        return {}
    rows = session.execute(
        select(RunNeed.need_id, RunNeed.quantity, RunNeed.served, RunNeed.local)
        .where(RunNeed.run_id == run_id, RunNeed.need_id.in_(sorted(set(need_ids))),
               _of_visible_parks(principal, RunNeed.park_id)))
    return {row.need_id: NeedCoverage(row.need_id, row.quantity, row.served, row.local)
            for row in rows}


# --- opportunities -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnterpriseOpportunities:
    """What an IKM won in a run (allocations) and its near misses, with the names of the
    needs and parks they are about and the category of each need in the run."""

    run: Row[int, dt.datetime | None, int]  # id, finished_at, horizon_days
    won: list[AllocationRow]
    near_misses: list[RunNearMiss]
    need_names: dict[int, str]
    need_categories: dict[int, str]
    park_codes: dict[int, str]
    park_names: dict[int, str]


def visible_enterprise(enterprise_id: int, principal: Principal, *, session: Session) -> str:
    """The name of IKM ``enterprise_id`` if the principal may read its opportunities — its
    owner, the agency of its province, an admin — else NotFound, whether it exists or not."""
    allowed = own_enterprises(principal) | agency_sees(principal)
    found = session.scalar(select(Enterprise.name)
                           .where(Enterprise.id == enterprise_id, allowed))
    if found is None:
        raise NotFound("enterprise", enterprise_id)
    return found


def enterprise_opportunities(enterprise_id: int, name: str, run_id: int, *,
                             session: Session) -> EnterpriseOpportunities:
    """The allocations and near misses of IKM ``enterprise_id`` (called ``name``) in run
    ``run_id`` (the caller checked the reader may see them: :func:`visible_enterprise`):
    five queries, for one of the pages read most."""
    run = session.execute(select(MatchRun.id, MatchRun.finished_at, MatchRun.horizon_days)
                          .where(MatchRun.id == run_id)).one()
    allocations = session.scalars(
        select(RunAllocation).where(RunAllocation.run_id == run_id,
                                    RunAllocation.enterprise_id == enterprise_id)
        .order_by(RunAllocation.id)).all()
    misses = session.scalars(
        select(RunNearMiss).where(RunNearMiss.run_id == run_id,
                                  RunNearMiss.enterprise_id == enterprise_id)
        .order_by(RunNearMiss.id)).all()
    need_ids = {a.need_id for a in allocations} | {m.need_id for m in misses}
    park_ids = {a.park_id for a in allocations} | {m.park_id for m in misses}
    need_names: dict[int, str] = {}
    categories: dict[int, str] = {}
    if need_ids:
        # The need's category as the run saw it; its name as it is now (none if deleted).
        for need_id, category, product_name in session.execute(
                select(RunNeed.need_id, RunNeed.category_code, Need.product_name)
                .outerjoin(Need, Need.id == RunNeed.need_id)
                .where(RunNeed.run_id == run_id, RunNeed.need_id.in_(need_ids))):
            if category is not None:
                categories[need_id] = category
            if product_name is not None:
                need_names[need_id] = product_name
    parks = (session.execute(select(Park.id, Park.code, Park.name)
                             .where(Park.id.in_(park_ids))).all() if park_ids else [])
    park_codes = {k: code for k, code, _ in parks}
    won = [AllocationRow(
        id=a.id, need_id=a.need_id, need_product_name=need_names.get(a.need_id),
        park_id=a.park_id, park_code=park_codes.get(a.park_id), enterprise_id=a.enterprise_id,
        enterprise_name=name, offer_id=a.offer_id, quantity=a.quantity,
        landed_unit_cost_idr=a.landed_unit_cost_idr, km=a.km, local=a.local)
        for a in allocations]
    return EnterpriseOpportunities(
        run=run, won=won, near_misses=list(misses), need_names=need_names,
        need_categories=categories, park_codes=park_codes,
        park_names={k: park_name for k, _, park_name in parks})
