"""The wire format of match runs, their results and an IKM's opportunities: one view per reader.

A run's metadata (:class:`MatchRunOut`) is the same for every role and carries no tenant's data:
status, progress, timestamps, the parameters and the solver's figures over the whole market.

Results differ by role, each a model of its own with a ``view`` discriminator:

* **park** (a park buyer): allocations to its own park's needs — the IKM's name, the quantity,
  the landed unit cost it pays, km and whether the IKM is local;
* **owner** (an IKM owner): allocations to its own IKM only — the need, the park, its own
  landed cost; never another IKM;
* **agency**: allocations to needs of the parks in its province, without rupiah per
  allocation (one IKM's price would show; the agency reads prices aggregated, in its reports);
* **admin**: everything, with the offer of each allocation.

Unmet demand is one model for the roles that may read it (park buyer, agency, admin).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.pagination import Page
from api.wire import UtcDateTime

__all__ = [
    "AdminAllocation",
    "AdminAllocationPage",
    "AgencyAllocation",
    "AgencyAllocationPage",
    "AgencyNearMiss",
    "AgencyOpportunities",
    "AgencyWon",
    "AllocationPage",
    "MatchRunOut",
    "NearMissOut",
    "Opportunities",
    "OpportunitiesView",
    "OwnerAllocation",
    "OwnerAllocationPage",
    "ParkAllocation",
    "ParkAllocationPage",
    "RunFigures",
    "RunIn",
    "RunPage",
    "RunRef",
    "RunStatus",
    "UnmetNeedOut",
    "UnmetPage",
    "WonOut",
]

RunStatus = Literal["queued", "running", "succeeded", "failed"]
NearMissKind = Literal["price", "certificate", "capacity", "lead_time", "radius"]

#: Bounds of what a run may ask for: an hour of solver time, a year of horizon.
MAX_TIME_LIMIT_S = 3600.0
MAX_HORIZON_DAYS = 366
MAX_SEED = 2**31 - 1


class RunIn(BaseModel):
    """What a new run may ask for; everything is optional. ``time_limit_s`` defaults to the
    service's setting (``SIMPUL_RUN_TIME_LIMIT_S``), ``horizon_days`` to 30."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(default=0, ge=0, le=MAX_SEED,
                      description="Benih pemecah soal / the solver's seed")
    time_limit_s: float | None = Field(
        default=None, gt=0, le=MAX_TIME_LIMIT_S, examples=[30],
        description="Batas waktu pemecah soal (detik) / the solver's time limit (seconds)")
    horizon_days: int = Field(default=30, ge=1, le=MAX_HORIZON_DAYS,
                              description="Hari yang direncanakan / days planned for")


class RunFigures(BaseModel):
    """How a finished run went, over the whole market (no tenant's data): the solver's status,
    objective and gap, the candidate arcs, column generation, seconds per phase, and totals of
    units. Fields the run did not record are ``null``."""

    model_config = ConfigDict(extra="ignore")

    today: dt.date | None = Field(default=None,
                                  description="Hari yang dipakai run / the day it planned from")
    solver_status: Literal["optimal", "feasible", "infeasible"] | None = None
    solver: str | None = Field(default=None, examples=["min_cost_flow"])
    objective: int | None = Field(default=None,
                                  description="Biaya + penalti (Rp) / cost plus penalties")
    gap: float | None = None
    bound: int | None = None
    lp_objective: float | None = None
    lp_bound: float | None = None
    candidates_complete: bool | None = None
    exact: bool | None = None
    pricing_rounds: int | None = None
    first_arcs: int | None = None
    arcs: int | None = None
    components: int | None = None
    cp_sat_components: int | None = None
    offers: int | None = None
    needs: int | None = None
    uncategorised_offers: int | None = None
    uncategorised_needs: int | None = None
    units_demanded: int | None = None
    units_served: int | None = None
    units_served_locally: int | None = None
    units_unmet: int | None = None
    allocations: int | None = None
    near_misses: int | None = None
    interventions: int | None = None
    seconds: dict[str, float] | None = Field(
        default=None, examples=[{"load": 0.4, "pricing": 1.2, "solve": 3.1}],
        description="Detik per tahap / seconds per phase")


class MatchRunOut(BaseModel):
    """A match run: ``queued`` → ``running`` → ``succeeded`` or ``failed``, with its progress
    (0–100) and phase. ``current`` marks the newest succeeded run, the one opportunities and
    reports read; ``mine`` a run queued by the reader's own tenant."""

    id: int
    status: RunStatus
    progress: int = Field(ge=0, le=100)
    phase: str = Field(examples=["matching"])
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None
    error: str | None = Field(description="Mengapa run gagal / why the run failed")
    seed: int
    time_limit_s: float
    horizon_days: int
    current: bool
    mine: bool
    figures: RunFigures | None = Field(
        description="Angka pemecah soal (setelah berhasil) / solver figures once succeeded")


class RunPage(Page[MatchRunOut]):
    """A page of runs, oldest first (by id, as every list)."""


class RunRef(BaseModel):
    """The run a view was read from."""

    id: int
    finished_at: UtcDateTime | None
    horizon_days: int


# --- allocations, one model per role -----------------------------------------------------


class ParkAllocation(BaseModel):
    """An allocation to one of the park's own needs: which IKM, how much over the horizon, at
    what landed unit cost (price + transport, what the park pays), how far, local or not."""

    view: Literal["park"] = "park"
    id: int
    need_id: int
    need_product_name: str | None = Field(examples=["nasi kotak shift pagi"])
    park_id: int
    enterprise_id: int
    enterprise_name: str | None = Field(examples=["Katering Bu Ani"])
    quantity: int
    landed_unit_cost_idr: int
    km: float
    local: bool


class OwnerAllocation(BaseModel):
    """What one of the owner's own IKM won: the need and its park, the offer that serves it,
    the quantity over the horizon and the landed unit cost."""

    view: Literal["owner"] = "owner"
    id: int
    need_id: int
    need_product_name: str | None
    park_id: int
    park_code: str | None = Field(examples=["IMIP"])
    enterprise_id: int
    offer_id: int
    quantity: int
    landed_unit_cost_idr: int
    km: float
    local: bool


class AgencyAllocation(BaseModel):
    """An allocation to a need of a park in the agency's province, without rupiah (one IKM's
    price would show)."""

    view: Literal["agency"] = "agency"
    id: int
    need_id: int
    need_product_name: str | None
    park_id: int
    park_code: str | None
    enterprise_id: int
    enterprise_name: str | None
    quantity: int
    km: float
    local: bool


class AdminAllocation(BaseModel):
    """An allocation with everything the run stored."""

    view: Literal["admin"] = "admin"
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


class ParkAllocationPage(Page[ParkAllocation]):
    """A page of allocations to the park's own needs."""

    view: Literal["park"] = "park"


class OwnerAllocationPage(Page[OwnerAllocation]):
    """A page of allocations won by the owner's IKM."""

    view: Literal["owner"] = "owner"


class AgencyAllocationPage(Page[AgencyAllocation]):
    """A page of allocations to needs of parks in the agency's province."""

    view: Literal["agency"] = "agency"


class AdminAllocationPage(Page[AdminAllocation]):
    """A page of every allocation of the run."""

    view: Literal["admin"] = "admin"


AllocationPage = Annotated[
    ParkAllocationPage | OwnerAllocationPage | AgencyAllocationPage | AdminAllocationPage,
    Field(discriminator="view")]


# --- unmet demand -------------------------------------------------------------------------


class UnmetNeedOut(BaseModel):
    """A need left partly unmet: units over the horizon demanded, served and unmet, and the
    unmet units by reason (they add up to ``unmet``)."""

    need_id: int
    need_product_name: str | None
    park_id: int
    park_code: str | None
    category_code: str = Field(examples=["katering-kontrak"])
    quantity: int
    served: int
    unmet: int
    reasons: dict[str, int] = Field(examples=[{"certificate_missing": 36000}])


class UnmetPage(Page[UnmetNeedOut]):
    """A page of unmet needs, by need id."""


# --- opportunities ------------------------------------------------------------------------


class WonOut(BaseModel):
    """A need the IKM won (in part or whole) in the run."""

    need_id: int
    need_product_name: str | None
    category_code: str | None
    park_id: int
    park_code: str | None
    park_name: str | None
    offer_id: int
    quantity: int
    landed_unit_cost_idr: int
    km: float
    local: bool


class NearMissOut(BaseModel):
    """A need one of the IKM's offers could have served and did not (fully) win, with the one
    change that would have won it: only the field of ``kind`` is set — ``unit_price_idr`` (the
    new price per unit of the offer), ``certificates`` (kinds to obtain or renew),
    ``added_capacity`` (units of the offer over the horizon), ``days_to_cut`` (lead time),
    ``radius_km`` (delivery radius to reach). ``at_stake_idr``: the need's quantity at the
    offer's current landed cost."""

    need_id: int
    need_product_name: str | None
    park_id: int
    park_code: str | None
    offer_id: int
    kind: NearMissKind
    rule: str = Field(examples=["certificate_missing"])
    at_stake_idr: int
    allocated: int = Field(description="Unit yang sudah dimenangkan / units already won")
    unit_price_idr: int | None = None
    certificates: list[str] | None = Field(default=None, examples=[["HALAL"]])
    added_capacity: int | None = None
    days_to_cut: int | None = None
    radius_km: float | None = None


class Opportunities(BaseModel):
    """What an IKM won in the current run and its near misses (the owner's and an admin's
    view)."""

    view: Literal["owner"] = "owner"
    enterprise_id: int
    run: RunRef
    won: list[WonOut]
    near_misses: list[NearMissOut]


class AgencyWon(BaseModel):
    """A need an IKM of the province won, without rupiah."""

    need_id: int
    need_product_name: str | None
    category_code: str | None
    park_id: int
    park_code: str | None
    quantity: int
    local: bool


class AgencyNearMiss(BaseModel):
    """A near miss of an IKM of the province, without rupiah: the kind of change and, for
    certificates, capacity, lead time and radius, its size."""

    need_id: int
    need_product_name: str | None
    park_id: int
    park_code: str | None
    kind: NearMissKind
    rule: str
    certificates: list[str] | None = None
    added_capacity: int | None = None
    days_to_cut: int | None = None
    radius_km: float | None = None


class AgencyOpportunities(BaseModel):
    """An IKM's opportunities as the agency of its province sees them (no prices)."""

    view: Literal["agency"] = "agency"
    enterprise_id: int
    run: RunRef
    won: list[AgencyWon]
    near_misses: list[AgencyNearMiss]


OpportunitiesView = Annotated[Opportunities | AgencyOpportunities, Field(discriminator="view")]
