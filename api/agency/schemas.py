"""The wire format of the agency's reports. Rupiah figures are ``null`` where they would show
the prices of fewer than three IKM, and the item says ``suppressed``."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.agency.queries import (
    CategoryName,
    GapCell,
    Intervention,
    RunInfo,
    SentraCandidate,
    UnmetFigure,
)
from api.agency.texts import certificate_name, reason_name
from api.i18n import Language
from api.pagination import Page

__all__ = ["GapOut", "GapPage", "InterventionList", "InterventionOut", "RunOut", "SentraOut",
           "SentraPage", "UnmetOut"]


class RunOut(BaseModel):
    """The match run the figures come from: the newest that succeeded."""

    id: int
    finished_at: dt.datetime | None
    horizon_days: int = Field(description="Hari yang direncanakan / days planned")

    @classmethod
    def of(cls, run: RunInfo) -> RunOut:
        return cls(id=run.id, finished_at=run.finished_at, horizon_days=run.horizon_days)


def _name(category: CategoryName, language: Language) -> str | None:
    return category.name_en if language == "en" else category.name_id


class UnmetOut(BaseModel):
    """Unmet units for one reason and their worth at the need's unit value."""

    reason: str = Field(examples=["certificate_missing"])
    reason_name: str = Field(examples=["Sertifikat yang diminta tidak dimiliki atau kedaluwarsa"])
    units: int
    idr: int | None = Field(description="null bila ditahan / null when withheld")
    suppressed: bool

    @classmethod
    def of(cls, figure: UnmetFigure, language: Language) -> UnmetOut:
        return cls(reason=figure.reason, reason_name=reason_name(figure.reason, language),
                   units=figure.units, idr=figure.idr, suppressed=figure.suppressed)


class GapOut(BaseModel):
    """One park × category of the run: demand over the horizon, what was served (and by local
    IKM, of the park's own kabupaten), and the unmet units by reason. Units are the
    category's ``unit``."""

    park_id: int
    park_code: str = Field(examples=["IMIP"])
    park_name: str
    category: str = Field(examples=["katering-kontrak"])
    category_name: str | None
    unit: str | None = Field(examples=["porsi"])
    demand_units: int
    demand_idr: int | None
    served_units: int
    local_units: int
    local_idr: int | None = Field(description="null bila dari < 3 IKM / null when from < 3 IKM")
    unmet_units: int
    unmet: list[UnmetOut]
    suppressed: bool = Field(description="demand_idr atau local_idr ditahan / withheld")

    @classmethod
    def of(cls, cell: GapCell, language: Language) -> GapOut:
        return cls(park_id=cell.park_id, park_code=cell.park_code, park_name=cell.park_name,
                   category=cell.category.code, category_name=_name(cell.category, language),
                   unit=cell.category.unit, demand_units=cell.demand_units,
                   demand_idr=cell.demand_idr, served_units=cell.served_units,
                   local_units=cell.local_units, local_idr=cell.local_idr,
                   unmet_units=cell.unmet_units,
                   unmet=[UnmetOut.of(u, language) for u in cell.unmet],
                   suppressed=cell.suppressed)


class GapPage(Page[GapOut]):
    """A page of the gaps of the latest run."""

    run: RunOut


class SentraOut(BaseModel):
    """A sentra IKM candidate (PP 29/2018): at least five IKM actively offering one category
    in one kecamatan or one desa, their capacity over the horizon, and the unmet demand of
    that category at the parks of their province in the latest run (``null`` without one)."""

    level: str = Field(examples=["kecamatan"], description="kecamatan | desa")
    regency_name: str | None = Field(examples=["Morowali"])
    district_bps_code: str = Field(examples=["7203021"])
    district_name: str = Field(examples=["Bahodopi"])
    village: str | None = Field(examples=["Fatufia"])
    category: str
    category_name: str | None
    unit: str | None
    enterprises: int
    capacity: int = Field(description="Dalam ``unit`` per horizon / in ``unit`` per horizon")
    horizon_days: int
    unmet_units: int | None
    unmet_idr: int | None
    suppressed: bool

    @classmethod
    def of(cls, candidate: SentraCandidate, horizon_days: int,
           language: Language) -> SentraOut:
        return cls(level=candidate.level, regency_name=candidate.regency_name,
                   district_bps_code=candidate.district_bps_code,
                   district_name=candidate.district_name, village=candidate.village,
                   category=candidate.category.code,
                   category_name=_name(candidate.category, language),
                   unit=candidate.category.unit, enterprises=candidate.enterprises,
                   capacity=candidate.capacity, horizon_days=horizon_days,
                   unmet_units=candidate.unmet_units, unmet_idr=candidate.unmet_idr,
                   suppressed=candidate.suppressed)


class SentraPage(Page[SentraOut]):
    """A page of sentra candidates; ``run`` is the run the unmet demand comes from."""

    run: RunOut | None


class InterventionOut(BaseModel):
    """An intervention for a group of IKM (one category in one kabupaten): every offer of the
    group obtains a certificate, or grows by ``capacity_percent``; with the units and rupiah
    of demand it would unlock, estimated and (for the best ones) confirmed by matching again."""

    rank: int
    kind: str = Field(examples=["certificate"], description="certificate | capacity")
    category: str
    category_name: str | None
    unit: str | None
    regency_bps_code: str = Field(examples=["7203"])
    regency_name: str = Field(examples=["Morowali"])
    certificate_kind: str | None = Field(examples=["HALAL"])
    certificate_name: str | None
    capacity_percent: int | None
    enterprises: int
    estimated_units: int
    estimated_idr: int | None
    confirmed_units: int | None
    confirmed_idr: int | None
    suppressed: bool

    @classmethod
    def of(cls, item: Intervention, language: Language) -> InterventionOut:
        return cls(
            rank=item.rank, kind=item.kind, category=item.category.code,
            category_name=_name(item.category, language), unit=item.category.unit,
            regency_bps_code=item.regency_bps_code, regency_name=item.regency_name,
            certificate_kind=item.certificate_kind,
            certificate_name=(certificate_name(item.certificate_kind, language)
                              if item.certificate_kind else None),
            capacity_percent=item.capacity_percent, enterprises=item.enterprises,
            estimated_units=item.estimated_units, estimated_idr=item.estimated_idr,
            confirmed_units=item.confirmed_units, confirmed_idr=item.confirmed_idr,
            suppressed=item.suppressed)


class InterventionList(BaseModel):
    """The latest run's interventions, best first."""

    run: RunOut
    items: list[InterventionOut]
