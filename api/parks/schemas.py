"""The wire format of parks."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.pagination import Page
from catalog.models import Park

__all__ = ["ParkDetail", "ParkOut", "ParkPage"]


class ParkOut(BaseModel):
    """An industrial park and where its gate is."""

    id: int
    code: str = Field(examples=["IMIP"])
    name: str = Field(examples=["Indonesia Morowali Industrial Park"])
    operator: str
    region_bps_code: str = Field(examples=["7203010"])
    region_name: str = Field(examples=["Bahodopi"])
    gate_latitude: float
    gate_longitude: float
    workers: int | None

    @classmethod
    def of(cls, park: Park) -> ParkOut:
        return cls(id=park.id, code=park.code, name=park.name, operator=park.operator,
                   region_bps_code=park.region.bps_code, region_name=park.region.name,
                   gate_latitude=park.gate_latitude, gate_longitude=park.gate_longitude,
                   workers=park.workers)


class ParkDetail(ParkOut):
    """A park with how many needs it has posted, by status."""

    needs_by_status: dict[str, int] | None = Field(
        examples=[{"open": 12, "closed": 3}],
        description="Hanya bagi yang boleh melihat kebutuhannya / only for those who may see "
                    "its needs")


class ParkPage(Page[ParkOut]):
    """A page of parks."""
