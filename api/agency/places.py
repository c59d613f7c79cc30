"""Where things are, for the agency's map: the regions of its province (kabupaten and
kecamatan centroids), the parks whose needs it reads, and the IKM it sees, each with its
latitude and longitude from the catalog. Scoped in SQL by :mod:`api.scope`, as every agency
query: the agency its province, an admin everything. Functions take ``session=`` and never
commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from api.auth.principal import Principal
from api.scope import agency_sees, parks_visible
from catalog.models import Enterprise, Park, Region

__all__ = ["Place", "Places", "places"]


@dataclass(frozen=True, slots=True)
class Place:
    """A point of the map: what it is (``regency``, ``district``, ``park``, ``enterprise``),
    its key (a BPS code, a park code, an IKM id), its name, its coordinates, and the BPS code
    of the kecamatan it lies in (a park's gate, an IKM; ``None`` for a region)."""

    kind: str
    key: str
    name: str
    latitude: float
    longitude: float
    district: str | None = None


@dataclass(frozen=True, slots=True)
class Places:
    """The points of one principal's map."""

    regencies: tuple[Place, ...]
    districts: tuple[Place, ...]
    parks: tuple[Place, ...]
    enterprises: tuple[Place, ...]

    @property
    def all(self) -> tuple[Place, ...]:
        return self.regencies + self.districts + self.parks + self.enterprises


def _in_province(principal: Principal, province_of: InstrumentedAttribute[int | None]
                 ) -> ColumnElement[bool]:
    if principal.role == "agency":
        return province_of == principal.province_id
    return true()


def places(principal: Principal, *, session: Session) -> Places:
    """The kabupaten and kecamatan of the principal's province (every one for an admin), the
    parks whose needs it may read and the IKM it sees, by code or name."""
    regency = aliased(Region)
    regencies = session.execute(
        select(Region.bps_code, Region.name, Region.latitude, Region.longitude)
        .where(Region.level == "regency", _in_province(principal, Region.parent_id))
        .order_by(Region.bps_code)).all()
    districts = session.execute(
        select(Region.bps_code, Region.name, Region.latitude, Region.longitude)
        .join(regency, Region.parent_id == regency.id)
        .where(Region.level == "district", _in_province(principal, regency.parent_id))
        .order_by(Region.bps_code)).all()
    parks = session.execute(
        select(Park.code, Park.name, Park.gate_latitude, Park.gate_longitude, Region.bps_code)
        .join(Region, Park.region_id == Region.id)
        .where(parks_visible(principal)).order_by(Park.code)).all()
    enterprises = session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.latitude, Enterprise.longitude,
               Region.bps_code)
        .join(Region, Enterprise.district_id == Region.id)
        .where(agency_sees(principal)).order_by(Enterprise.id)).all()
    return Places(
        regencies=tuple(Place("regency", *row) for row in regencies),
        districts=tuple(Place("district", *row) for row in districts),
        parks=tuple(Place("park", *row) for row in parks),
        enterprises=tuple(Place("enterprise", str(row[0]), *row[1:]) for row in enterprises))
