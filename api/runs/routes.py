"""``/api/v1/runs`` and ``/api/v1/enterprises/{id}/opportunities``.

A run is queued here and executed by a worker process (:mod:`api.runs.dispatcher`), never in
the request. Every route is a plain ``def``: FastAPI runs it in its thread pool, so no database
call waits on the event loop. See ``docs/runs.md``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status
from sqlalchemy.orm import Session

from api.auth.principal import CurrentPrincipal, Principal, require
from api.deps import SessionDep, SettingsDep
from api.errors import BAD_BODY_RESPONSES, PROBLEM_JSON, ApiProblem, Problem
from api.pagination import IdPath, PageDep, next_cursor
from api.runs import queries, usecases
from api.runs.schemas import (
    AdminAllocation,
    AdminAllocationPage,
    AgencyAllocation,
    AgencyAllocationPage,
    AgencyNearMiss,
    AgencyOpportunities,
    AgencyWon,
    AllocationPage,
    MatchRunOut,
    NearMissOut,
    Opportunities,
    OpportunitiesView,
    OwnerAllocation,
    OwnerAllocationPage,
    ParkAllocation,
    ParkAllocationPage,
    RunFigures,
    RunIn,
    RunPage,
    RunRef,
    RunStatus,
    UnmetNeedOut,
    UnmetPage,
    WonOut,
)
from catalog.models import MatchRun, RunNearMiss

__all__ = ["router"]

router = APIRouter(tags=["runs"])



def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: _problem("Pencocokan belum selesai / The run has not finished")}
_LIMITED: dict[int | str, dict[str, Any]] = {
    429: _problem("Terlalu banyak pencocokan / Too many runs queued")}

Queuer = Annotated[Principal, Depends(require("agency", "admin", "park_buyer"))]
UnmetReader = Annotated[Principal, Depends(require("agency", "admin", "park_buyer"))]
OpportunityReader = Annotated[Principal, Depends(require("ikm_owner", "agency", "admin"))]


def _run_out(run: MatchRun, principal: Principal, current_id: int | None) -> MatchRunOut:
    figures = RunFigures.model_validate_json(run.stats) if run.stats else None
    return MatchRunOut(
        id=run.id, status=run.status,
        progress=run.progress, phase=run.phase, created_at=run.created_at,
        started_at=run.started_at, finished_at=run.finished_at, error=run.error,
        seed=run.seed, time_limit_s=run.time_limit_s, horizon_days=run.horizon_days,
        current=run.id == current_id, mine=run.tenant == principal.tenant, figures=figures)


@router.post("/runs", status_code=status.HTTP_202_ACCEPTED,
             responses={**BAD_BODY_RESPONSES, **_LIMITED},
             summary="Antrekan pencocokan / Queue a match run")
def queue_run(request: Request, response: Response, session: SessionDep,
              settings: SettingsDep, principal: Queuer,
              wanted: Annotated[RunIn | None, Body()] = None) -> MatchRunOut:
    """Queue a match run of every open need against every active offer; a worker process
    executes it. Answers 202 with the run and ``Location``; poll ``GET /runs/{run_id}``. At most
    ``SIMPUL_RUNS_PER_TENANT`` runs of one tenant (a park, a province, the admins) may be
    queued or running at once (429 beyond)."""
    wanted = wanted or RunIn()
    try:
        run = usecases.start_run(principal, wanted, state=request.app.state,
                                 settings=settings, session=session)
    except queries.RunLimitReached as limit:
        raise ApiProblem(429, "run-limit", "detail.run_limit",
                         params={"count": limit.count, "tenant": limit.tenant}) from limit
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{run.id}"
    return _run_out(run, principal, queries.current_run_id(session=session))


@router.get("/runs", summary="Daftar pencocokan / List match runs")
def list_runs(session: SessionDep, page: PageDep, principal: CurrentPrincipal,
              run_status: Annotated[RunStatus | None, Query(
                  alias="status", description="Hanya status ini / only this status")] = None,
              ) -> RunPage:
    """Every run, oldest first (by id, as every list; ``after`` walks on). Metadata only:
    every role sees every run."""
    rows, total = queries.list_runs(session=session, page=page, status=run_status)
    current = queries.current_run_id(session=session)
    return RunPage(items=[_run_out(r, principal, current) for r in rows], total=total,
                   limit=page.limit, offset=page.offset,
                   next_cursor=next_cursor([r.id for r in rows], page))


@router.get("/runs/{run_id}", summary="Satu pencocokan / One match run")
def get_run(session: SessionDep, principal: CurrentPrincipal, run_id: IdPath) -> MatchRunOut:
    """A run's status, progress (0–100), phase, timestamps, error and solver figures."""
    run = queries.get_run(run_id, session=session)
    return _run_out(run, principal, queries.current_run_id(session=session))


def _finished(run_id: int, *, session: Session) -> MatchRun:
    try:
        return queries.finished_run(run_id, session=session)
    except queries.RunNotFinished as unfinished:
        raise ApiProblem(409, "run-not-finished", "detail.run_not_finished",
                         params={"run": run_id, "status": unfinished.status}) from unfinished


#: The page and item models of allocations, by role (everything else: the admin's).
_ALLOCATION_VIEWS: dict[str, tuple[Any, Any]] = {
    "park_buyer": (ParkAllocationPage, ParkAllocation),
    "ikm_owner": (OwnerAllocationPage, OwnerAllocation),
    "agency": (AgencyAllocationPage, AgencyAllocation),
}


@router.get("/runs/{run_id}/allocations", responses=_CONFLICT,
            summary="Alokasi sebuah pencocokan / Allocations of a run")
def list_allocations(session: SessionDep, principal: CurrentPrincipal, page: PageDep,
                     run_id: IdPath) -> AllocationPage:
    """The allocations the reader may see, by id: a park buyer's own park's needs (``view``
    ``park``), an IKM owner's own IKM (``owner``), the needs of the parks in the agency's
    province, without rupiah (``agency``), everything for an admin (``admin``). 409 unless
    the run succeeded."""
    _finished(run_id, session=session)
    rows, total = queries.list_allocations(run_id, principal, session=session, page=page)
    paging: dict[str, Any] = {"total": total, "limit": page.limit, "offset": page.offset,
                              "next_cursor": next_cursor([r.id for r in rows], page)}
    # Each role's view takes from the row the fields its model has, no more.
    page_model, item_model = _ALLOCATION_VIEWS.get(
        principal.role, (AdminAllocationPage, AdminAllocation))
    answer: AllocationPage = page_model(
        items=[item_model.model_validate(r, from_attributes=True) for r in rows], **paging)
    return answer


@router.get("/runs/{run_id}/unmet", responses=_CONFLICT,
            summary="Kebutuhan yang belum terpenuhi / Unmet demand of a run")
def list_unmet(session: SessionDep, principal: UnmetReader, page: PageDep,
               run_id: IdPath) -> UnmetPage:
    """Needs left partly unmet, by need id, with the unmet units by reason: a park buyer's own
    park's, the agency's province's, every need for an admin. Unmet demand is the parks'
    business: an IKM owner gets 403 (its near misses are in its opportunities). 409 unless
    the run succeeded."""
    _finished(run_id, session=session)
    rows, total = queries.list_unmet(run_id, principal, session=session, page=page)
    return UnmetPage(items=[UnmetNeedOut(
        need_id=r.need_id, need_product_name=r.need_product_name, park_id=r.park_id,
        park_code=r.park_code, category_code=r.category_code, quantity=r.quantity,
        served=r.served, unmet=r.quantity - r.served, reasons=r.reasons) for r in rows],
        total=total, limit=page.limit, offset=page.offset,
        next_cursor=next_cursor([r.need_id for r in rows], page))


def _certificates(miss: RunNearMiss) -> list[str] | None:
    return miss.certificates.split(",") if miss.certificates else None


@router.get("/enterprises/{enterprise_id}/opportunities", tags=["enterprises"],
            responses=_CONFLICT,
            summary="Peluang sebuah IKM / An IKM's opportunities")
def get_opportunities(session: SessionDep, principal: OpportunityReader,
                      enterprise_id: IdPath) -> OpportunitiesView:
    """What the IKM won in the current run (the newest that succeeded) and its near misses,
    each with the one change that would have won it. Its owner and an admin see rupiah
    (``view`` ``owner``); the agency of its province sees it without rupiah (``agency``).
    Another IKM's owner, or an agency elsewhere, gets 404; a park buyer 403. 409 while no run
    has succeeded."""
    name = queries.visible_enterprise(enterprise_id, principal, session=session)
    run_id = queries.current_run_id(session=session)
    if run_id is None:
        raise ApiProblem(409, "no-run", "detail.no_run")
    found = queries.enterprise_opportunities(enterprise_id, name, run_id, session=session)
    run = RunRef(id=found.run.id, finished_at=found.run.finished_at,
                 horizon_days=found.run.horizon_days)
    names, codes = found.need_names, found.park_codes
    if principal.role == "agency":
        return AgencyOpportunities(
            enterprise_id=enterprise_id, run=run,
            won=[AgencyWon(need_id=w.need_id, need_product_name=w.need_product_name,
                           category_code=found.need_categories.get(w.need_id),
                           park_id=w.park_id, park_code=w.park_code, quantity=w.quantity,
                           local=w.local) for w in found.won],
            near_misses=[AgencyNearMiss(
                need_id=m.need_id, need_product_name=names.get(m.need_id),
                park_id=m.park_id, park_code=codes.get(m.park_id),
                kind=m.kind,
                rule=m.rule, certificates=_certificates(m), added_capacity=m.added_capacity,
                days_to_cut=m.days_to_cut, radius_km=m.radius_km)
                for m in found.near_misses])
    return Opportunities(
        enterprise_id=enterprise_id, run=run,
        won=[WonOut(need_id=w.need_id, need_product_name=w.need_product_name,
                    category_code=found.need_categories.get(w.need_id), park_id=w.park_id,
                    park_code=w.park_code, park_name=found.park_names.get(w.park_id),
                    offer_id=w.offer_id, quantity=w.quantity,
                    landed_unit_cost_idr=w.landed_unit_cost_idr, km=w.km, local=w.local)
             for w in found.won],
        near_misses=[NearMissOut(
            need_id=m.need_id, need_product_name=names.get(m.need_id), park_id=m.park_id,
            park_code=codes.get(m.park_id), offer_id=m.offer_id,
            kind=m.kind,
            rule=m.rule, at_stake_idr=m.at_stake_idr, allocated=m.allocated,
            unit_price_idr=m.unit_price_idr, certificates=_certificates(m),
            added_capacity=m.added_capacity, days_to_cut=m.days_to_cut,
            radius_km=m.radius_km) for m in found.near_misses])
