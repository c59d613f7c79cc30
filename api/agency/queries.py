"""What the agency reads: the latest run's gaps and interventions, and sentra candidates.

Every query is scoped in SQL: the agency sees the parks and IKM of its province, an admin
everything (:mod:`api.scope`). Functions take ``session=`` and never commit.

Confidentiality (the rule in ``docs/api-agency.md``): a rupiah figure computed from the prices
of fewer than :data:`SUPPRESSION_MINIMUM` distinct IKM is withheld (``None``, and the item says
``suppressed``). Which IKM a figure's prices come from:

* rupiah served by local IKM (units × landed unit cost, summed): the IKM of those allocations;
* rupiah of demand and of unmet demand are units × each need's ``unit_value_idr``: the need's
  price ceiling (the park's own figure: no IKM), else the dearest landed cost served to it (the
  IKM allocated at that cost), else, when nothing was served, the cheapest price any IKM asks
  in the category (one IKM, counted as one). A figure's IKM are those that set the value of
  any of its needs; a single need valued by the dearest caterer thus shows that caterer's
  landed cost, and is withheld;
* an intervention's rupiah: the IKM of the group it is for (its ``enterprises``).

A figure built from no IKM price at all (nothing but ceilings, or zero) is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from api.auth.principal import Principal
from api.matchrun import HORIZON_DAYS
from api.scope import agency_sees, parks_visible
from catalog.models import (
    Category,
    Enterprise,
    MatchRun,
    Need,
    Offer,
    Park,
    Region,
    RunAllocation,
    RunIntervention,
    RunNeed,
    RunUnmet,
)
from matching import REASONS

__all__ = [
    "SENTRA_MINIMUM",
    "SUPPRESSION_MINIMUM",
    "CategoryName",
    "GapCell",
    "Intervention",
    "RunInfo",
    "SentraCandidate",
    "UnmetFigure",
    "gaps",
    "interventions",
    "latest_run",
    "sentra_candidates",
    "shown",
]

#: A select of any columns.
AnySelect: TypeAlias = Select[*tuple[Any, ...]]

#: A rupiah figure from the prices of fewer IKM than this is withheld.
SUPPRESSION_MINIMUM = 3
#: PP 29/2018: a sentra IKM gathers at least five IKM making similar products in one place.
SENTRA_MINIMUM = 5


def shown(value: int | None, enterprises: int) -> int | None:
    """``value``, or ``None`` when it comes from the prices of 1 or 2 IKM."""
    if value is None or 0 < enterprises < SUPPRESSION_MINIMUM:
        return None
    return value


def _int(value: Any) -> int:
    # PostgreSQL sums BIGINT as NUMERIC (a Decimal); SQLite as an integer.
    return int(value or 0)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """The run a report is read from."""

    id: int
    finished_at: dt.datetime | None
    horizon_days: int


def latest_run(*, session: Session) -> RunInfo | None:
    """The current run: the newest one that succeeded (a newer run supersedes an older one,
    so the newest snapshot wins), or ``None``."""
    row = session.execute(
        select(MatchRun.id, MatchRun.finished_at, MatchRun.horizon_days)
        .where(MatchRun.status == "succeeded").order_by(MatchRun.id.desc()).limit(1)).first()
    if row is None:
        return None
    finished = row.finished_at
    if finished is not None and finished.tzinfo is None:
        # SQLite hands back what was written in UTC without its offset.
        finished = finished.replace(tzinfo=dt.UTC)
    return RunInfo(row.id, finished, row.horizon_days)


@dataclass(frozen=True, slots=True)
class CategoryName:
    code: str
    name_id: str | None
    name_en: str | None
    unit: str | None


# --- gaps ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnmetFigure:
    """Unmet units of a park × category for one reason, and their worth (``None`` when
    withheld)."""

    reason: str
    units: int
    idr: int | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class GapCell:
    """One park × category of a run: demand, what was served (by local IKM), what was not."""

    park_id: int
    park_code: str
    park_name: str
    category: CategoryName
    demand_units: int
    demand_idr: int | None
    served_units: int
    local_units: int
    local_idr: int | None
    unmet: tuple[UnmetFigure, ...]

    @property
    def unmet_units(self) -> int:
        return sum(u.units for u in self.unmet)

    @property
    def suppressed(self) -> bool:
        """Whether a rupiah figure of the cell itself (demand, local supply) is withheld."""
        return self.demand_idr is None or self.local_idr is None


def _allocations_of_run_need() -> ColumnElement[bool]:
    return and_(RunAllocation.run_id == RunNeed.run_id, RunAllocation.need_id == RunNeed.need_id)


def _price_setters() -> ColumnElement[int]:
    """How many IKM set the unit values of the run needs in a group (see the module
    docstring); for a select from ``RunNeed`` joined by :func:`_with_price_setters`."""
    fallback = func.max(case((RunNeed.served == 0, 1), else_=0))
    return func.count(distinct(RunAllocation.enterprise_id)) + fallback


def _with_price_setters(statement: AnySelect) -> AnySelect:
    """``statement`` (from ``RunNeed``) joined to the allocations that set each need's value,
    keeping only needs valued by an IKM price."""
    at_value = and_(_allocations_of_run_need(),
                    RunAllocation.landed_unit_cost_idr == RunNeed.unit_value_idr)
    return (statement.outerjoin(Need, Need.id == RunNeed.need_id)
            .outerjoin(RunAllocation, at_value)
            .where(RunNeed.unit_value_idr > 0,
                   # Valued at its own ceiling: the park's figure, not an IKM's price.
                   or_(Need.max_unit_price_idr.is_(None),
                       Need.max_unit_price_idr != RunNeed.unit_value_idr)))


def _run_need_conditions(run_id: int, principal: Principal, *, park: str | None,
                         category: str | None) -> list[ColumnElement[bool]]:
    conditions = [RunNeed.run_id == run_id,
                  RunNeed.park_id.in_(select(Park.id).where(parks_visible(principal)))]
    if park is not None:
        conditions.append(RunNeed.park_id.in_(select(Park.id).where(Park.code == park)))
    if category is not None:
        conditions.append(RunNeed.category_code == category)
    return conditions


def _reason_order(reason: str) -> tuple[int, str]:
    return (REASONS.index(reason) if reason in REASONS else len(REASONS), reason)


def gaps(run_id: int, principal: Principal, *, session: Session, park: str | None = None,
         category: str | None = None, limit: int | None = None, offset: int = 0
         ) -> tuple[list[GapCell], int]:
    """The park × category cells of run ``run_id`` the principal may see (by park code, then
    category), each with its unmet units by reason; and how many cells there are in all."""
    conditions = _run_need_conditions(run_id, principal, park=park, category=category)
    key = (RunNeed.park_id, RunNeed.category_code)
    cells = (select(RunNeed.park_id.label("park_id"),
                    RunNeed.category_code.label("category_code"),
                    func.sum(RunNeed.quantity).label("demand_units"),
                    func.sum(RunNeed.quantity * RunNeed.unit_value_idr).label("demand_idr"),
                    func.sum(RunNeed.served).label("served_units"),
                    func.sum(RunNeed.local).label("local_units"))
             .where(*conditions).group_by(*key).subquery("cells"))
    local = (select(RunNeed.park_id.label("park_id"),
                    RunNeed.category_code.label("category_code"),
                    func.sum(RunAllocation.quantity * RunAllocation.landed_unit_cost_idr
                             ).label("local_idr"),
                    func.count(distinct(RunAllocation.enterprise_id)).label("enterprises"))
             .join(RunAllocation, _allocations_of_run_need())
             .where(*conditions, RunAllocation.local.is_(True))
             .group_by(*key).subquery("local"))
    valued = _with_price_setters(
        select(RunNeed.park_id.label("park_id"), RunNeed.category_code.label("category_code"),
               _price_setters().label("enterprises")).select_from(RunNeed)
    ).where(*conditions).group_by(*key).subquery("valued")

    def same_cell(other: Any) -> ColumnElement[bool]:
        return and_(other.c.park_id == cells.c.park_id,
                    other.c.category_code == cells.c.category_code)

    statement = (
        select(cells, local.c.local_idr, local.c.enterprises.label("local_enterprises"),
               valued.c.enterprises.label("valued_enterprises"), Park.code, Park.name,
               Category.name_id, Category.name_en, Category.unit)
        .select_from(cells).join(Park, Park.id == cells.c.park_id)
        .outerjoin(Category, Category.code == cells.c.category_code)
        .outerjoin(local, same_cell(local)).outerjoin(valued, same_cell(valued))
        .order_by(Park.code, cells.c.category_code).offset(offset))
    if limit is not None:
        statement = statement.limit(limit)
    rows = session.execute(statement).all()
    total = session.scalar(select(func.count()).select_from(cells)) or 0
    unmet = _unmet_by_reason([(r.park_id, r.category_code) for r in rows], conditions,
                             session=session)
    return [GapCell(
        park_id=r.park_id, park_code=r.code, park_name=r.name,
        category=CategoryName(r.category_code, r.name_id, r.name_en, r.unit),
        demand_units=_int(r.demand_units),
        demand_idr=shown(_int(r.demand_idr), _int(r.valued_enterprises)),
        served_units=_int(r.served_units), local_units=_int(r.local_units),
        local_idr=shown(_int(r.local_idr), _int(r.local_enterprises)),
        unmet=tuple(sorted(unmet.get((r.park_id, r.category_code), ()),
                           key=lambda u: _reason_order(u.reason))),
    ) for r in rows], total


def _unmet_by_reason(cells: Sequence[tuple[int, str]], conditions: list[ColumnElement[bool]],
                     *, session: Session) -> dict[tuple[int, str], list[UnmetFigure]]:
    if not cells:
        return {}
    on_page = tuple_(RunNeed.park_id, RunNeed.category_code).in_(list(cells))
    unmet_of_run_need = and_(RunUnmet.run_id == RunNeed.run_id,
                             RunUnmet.need_id == RunNeed.need_id)
    key = (RunNeed.park_id, RunNeed.category_code, RunUnmet.reason)
    sums = session.execute(
        select(*key, func.sum(RunUnmet.quantity).label("units"),
               func.sum(RunUnmet.quantity * RunNeed.unit_value_idr).label("idr"))
        .join(RunUnmet, unmet_of_run_need).where(*conditions, on_page).group_by(*key)).all()
    valued = {(r.park_id, r.category_code, r.reason): _int(r.enterprises)
              for r in session.execute(_with_price_setters(
                  select(*key, _price_setters().label("enterprises")).select_from(RunNeed)
                  .join(RunUnmet, unmet_of_run_need))
                  .where(*conditions, on_page).group_by(*key))}
    found: dict[tuple[int, str], list[UnmetFigure]] = {}
    for r in sums:
        idr = shown(_int(r.idr), valued.get((r.park_id, r.category_code, r.reason), 0))
        found.setdefault((r.park_id, r.category_code), []).append(
            UnmetFigure(r.reason, _int(r.units), idr, idr is None))
    return found


# --- sentra candidates ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SentraCandidate:
    """At least :data:`SENTRA_MINIMUM` IKM actively offering one category in one kecamatan
    (``level`` ``kecamatan``) or one desa of it (``desa``), with their capacity over the
    horizon and the unmet demand of that category at the parks of their province."""

    level: str
    regency_name: str | None
    district_bps_code: str
    district_name: str
    village: str | None
    category: CategoryName
    enterprises: int
    capacity: int
    unmet_units: int | None
    unmet_idr: int | None
    suppressed: bool


def _capacity_over(horizon_days: int) -> ColumnElement[Any]:
    """An offer's capacity over the horizon, rounded down (as a match run counts it)."""
    return case(
        (Offer.period == "hari", Offer.capacity * horizon_days),
        (Offer.period == "minggu", Offer.capacity * horizon_days // 7),
        (Offer.period == "bulan", Offer.capacity * horizon_days // 30),
        else_=Offer.capacity)


def _sentra_level(level: str, principal: Principal, conditions: list[ColumnElement[bool]],
                  horizon_days: int) -> AnySelect:
    enterprises = func.count(distinct(Enterprise.id))
    in_desa = level == "desa"
    group = ((Enterprise.district_id, Enterprise.village_key, Offer.category_code) if in_desa
             else (Enterprise.district_id, Offer.category_code))
    statement = (
        select(literal_column(f"'{level}'", String).label("level"),
               Enterprise.district_id.label("district_id"),
               (Enterprise.village_key if in_desa else literal_column("''", String)
                ).label("village_key"),
               (func.min(Enterprise.village) if in_desa else cast(null(), String)
                ).label("village"),
               Offer.category_code.label("category_code"),
               enterprises.label("enterprises"),
               func.sum(_capacity_over(horizon_days)).label("capacity"))
        .join(Enterprise, Offer.enterprise_id == Enterprise.id)
        .where(Offer.active.is_(True), Offer.category_code.is_not(None), agency_sees(principal),
               *conditions)
        .group_by(*group).having(enterprises >= SENTRA_MINIMUM))
    if in_desa:
        statement = statement.where(Enterprise.village_key != "")
    return statement


def _unmet_by_province(run_id: int) -> Any:
    """Per province and category: unmet units of the run at the province's parks, their worth,
    and how many IKM the prices of that worth come from."""
    district = aliased(Region)
    regency = aliased(Region)
    province = regency.parent_id
    unmet_of_run_need = and_(RunUnmet.run_id == RunNeed.run_id,
                             RunUnmet.need_id == RunNeed.need_id)

    def at_parks(statement: AnySelect) -> AnySelect:
        return (statement.join(Park, Park.id == RunNeed.park_id)
                .join(district, Park.region_id == district.id)
                .join(regency, district.parent_id == regency.id)
                .where(RunNeed.run_id == run_id)
                .group_by(province, RunNeed.category_code))

    sums = at_parks(
        select(province.label("province_id"), RunNeed.category_code.label("category_code"),
               func.sum(RunUnmet.quantity).label("units"),
               func.sum(RunUnmet.quantity * RunNeed.unit_value_idr).label("idr"))
        .select_from(RunNeed).join(RunUnmet, unmet_of_run_need)).subquery("unmet_sums")
    valued = at_parks(_with_price_setters(
        select(province.label("province_id"), RunNeed.category_code.label("category_code"),
               _price_setters().label("enterprises")).select_from(RunNeed))
        .where(RunNeed.need_id.in_(select(RunUnmet.need_id).where(RunUnmet.run_id == run_id)))
    ).subquery("unmet_valued")
    return sums, valued


def sentra_candidates(principal: Principal, *, session: Session, run: RunInfo | None,
                      category: str | None = None, level: str | None = None,
                      regency: str | None = None, limit: int | None = None, offset: int = 0
                      ) -> tuple[list[SentraCandidate], int]:
    """Sentra candidates among the IKM the principal may see, at both levels, the largest
    first; and how many there are in all. ``regency`` is a kabupaten's BPS code."""
    horizon_days = run.horizon_days if run is not None else HORIZON_DAYS
    conditions: list[ColumnElement[bool]] = []
    if category is not None:
        conditions.append(Offer.category_code == category)
    if regency is not None:
        parent = aliased(Region)
        conditions.append(Enterprise.district_id.in_(
            select(Region.id).join(parent, Region.parent_id == parent.id)
            .where(parent.bps_code == regency)))
    levels = [name for name in ("kecamatan", "desa") if level in (None, name)]
    candidates = (_sentra_level(levels[0], principal, conditions, horizon_days) if len(levels) == 1
                  else _sentra_level("kecamatan", principal, conditions, horizon_days).union_all(
                      _sentra_level("desa", principal, conditions, horizon_days))
                  ).subquery("candidates")
    district = aliased(Region)
    regency_row = aliased(Region)
    columns: list[Any] = [candidates, district.bps_code, district.name.label("district_name"),
                          regency_row.name.label("regency_name"), Category.name_id,
                          Category.name_en, Category.unit]
    statement = (select(*columns).select_from(candidates)
                 .join(district, district.id == candidates.c.district_id)
                 .outerjoin(regency_row, regency_row.id == district.parent_id)
                 .outerjoin(Category, Category.code == candidates.c.category_code))
    if run is not None:
        sums, valued = _unmet_by_province(run.id)
        statement = (statement.add_columns(sums.c.units, sums.c.idr,
                                           valued.c.enterprises.label("valued_enterprises"))
                     .outerjoin(sums, and_(sums.c.province_id == regency_row.parent_id,
                                           sums.c.category_code == candidates.c.category_code))
                     .outerjoin(valued, and_(
                         valued.c.province_id == regency_row.parent_id,
                         valued.c.category_code == candidates.c.category_code)))
    statement = statement.order_by(
        candidates.c.enterprises.desc(), candidates.c.level.desc(), district.bps_code,
        candidates.c.village_key, candidates.c.category_code).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    rows = session.execute(statement).all()
    total = session.scalar(select(func.count()).select_from(candidates)) or 0
    found = []
    for r in rows:
        units = idr = None
        if run is not None:
            units = _int(r.units)
            idr = shown(_int(r.idr), _int(r.valued_enterprises))
        found.append(SentraCandidate(
            level=r.level, regency_name=r.regency_name, district_bps_code=r.bps_code,
            district_name=r.district_name, village=r.village if r.level == "desa" else None,
            category=CategoryName(r.category_code, r.name_id, r.name_en, r.unit),
            enterprises=r.enterprises, capacity=_int(r.capacity), unmet_units=units,
            unmet_idr=idr, suppressed=run is not None and idr is None))
    return found, total


# --- interventions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Intervention:
    """An intervention of a run for a group of IKM (one category in one kabupaten)."""

    rank: int
    kind: str
    category: CategoryName
    regency_id: int
    regency_bps_code: str
    regency_name: str
    certificate_kind: str | None
    capacity_percent: int | None
    enterprises: int
    estimated_units: int
    estimated_idr: int | None
    confirmed_units: int | None
    confirmed_idr: int | None
    suppressed: bool


def _regency_visible(principal: Principal, regency: type[Region]) -> ColumnElement[bool]:
    if principal.role == "admin":
        return true()
    if principal.role == "agency":
        return regency.parent_id == principal.province_id
    return false()


def _interventions_statement(run_id: int, principal: Principal) -> AnySelect:
    regency = aliased(Region)
    return (select(RunIntervention, regency.bps_code, regency.name, Category.name_id,
                   Category.name_en, Category.unit)
            .join(regency, regency.id == RunIntervention.regency_id)
            .outerjoin(Category, Category.code == RunIntervention.category_code)
            .where(RunIntervention.run_id == run_id, _regency_visible(principal, regency)))


def interventions(run_id: int, principal: Principal, *, session: Session
                  ) -> list[Intervention]:
    """The run's ranked interventions for kabupaten the principal may see, by rank."""
    statement = _interventions_statement(run_id, principal)
    found = []
    for row, bps_code, name, name_id, name_en, unit in session.execute(
            statement.order_by(RunIntervention.rank)):
        estimated = shown(row.estimated_idr, row.enterprises)
        confirmed = shown(row.confirmed_idr, row.enterprises)
        found.append(Intervention(
            rank=row.rank, kind=row.kind,
            category=CategoryName(row.category_code, name_id, name_en, unit),
            regency_id=row.regency_id, regency_bps_code=bps_code, regency_name=name,
            certificate_kind=row.certificate_kind, capacity_percent=row.capacity_percent,
            enterprises=row.enterprises, estimated_units=row.estimated_units,
            estimated_idr=estimated, confirmed_units=row.confirmed_units,
            confirmed_idr=confirmed,
            suppressed=0 < row.enterprises < SUPPRESSION_MINIMUM))
    return found
