"""The wire format of regions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.pagination import Page
from catalog.models import Region

__all__ = ["RegionDetail", "RegionLevel", "RegionOut", "RegionPage"]

RegionLevel = Literal["province", "regency", "district", "village"]


class RegionOut(BaseModel):
    """A region with both official codes (Morowali: BPS 7203, Kemendagri 72.06)."""

    bps_code: str = Field(examples=["7203010"])
    kemendagri_code: str = Field(examples=["72.06.10"])
    level: RegionLevel
    kind: str = Field(examples=["kecamatan"])
    name: str = Field(examples=["Bahodopi"])
    parent_bps_code: str | None = Field(examples=["7203"])
    latitude: float
    longitude: float

    @classmethod
    def of(cls, region: Region) -> RegionOut:
        return cls(bps_code=region.bps_code, kemendagri_code=region.kemendagri_code,
                   level=region.level,
                   kind=region.kind, name=region.name,
                   parent_bps_code=region.parent.bps_code if region.parent else None,
                   latitude=region.latitude, longitude=region.longitude)


class RegionDetail(RegionOut):
    """A region with its parent's name and how many regions lie directly inside it."""

    parent_name: str | None
    children: int

    @classmethod
    def detail(cls, region: Region, children: int) -> RegionDetail:
        return cls(**RegionOut.of(region).model_dump(),
                   parent_name=region.parent.name if region.parent else None,
                   children=children)


class RegionPage(Page[RegionOut]):
    """A page of regions."""
