"""What each principal may see, as SQL: conditions the queries add to their ``WHERE``.

The rules (see the README, "Who sees what"):

* a **park buyer** sees its own park's needs, and allocations to those needs only;
* an **IKM owner** sees its own enterprises in full (offers, prices, capacity, certificates,
  opportunities); of other IKM only the public catalogue (name, kecamatan, categories,
  certificate kinds);
* the **agency** sees everything in its province: the parks whose gate is there and their
  needs, the IKM there; prices only aggregated over at least three IKM;
* an **admin** sees everything.

Objects outside the scope are not found (404), whatever exists: each query filters with these
conditions, so an object of another tenant never reaches a route.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import aliased

from api.auth.principal import Principal
from catalog.models import Enterprise, Need, Park, Region

__all__ = ["districts_of_province", "enterprises_visible", "needs_visible",
           "own_enterprises", "parks_visible"]


def districts_of_province(province_id: int | None) -> Select[int]:
    """The ids of the kecamatan of a province (kecamatan → kabupaten → province)."""
    regency = aliased(Region)
    return (select(Region.id).join(regency, Region.parent_id == regency.id)
            .where(regency.parent_id == province_id))


def parks_visible(principal: Principal) -> ColumnElement[bool]:
    """Parks whose needs the principal may see (every park is listed to everyone; this is for
    needs and allocations)."""
    if principal.role == "admin":
        return true()
    if principal.role == "park_buyer":
        return Park.id == principal.park_id
    if principal.role == "agency":
        return Park.region_id.in_(districts_of_province(principal.province_id))
    return false()


def needs_visible(principal: Principal) -> ColumnElement[bool]:
    """Needs the principal may read."""
    if principal.role == "admin":
        return true()
    if principal.role == "park_buyer":
        return Need.park_id == principal.park_id
    if principal.role == "agency":
        return Need.park_id.in_(select(Park.id).where(parks_visible(principal)))
    return false()


def needs_writable(principal: Principal) -> ColumnElement[bool]:
    """Needs the principal may change: a park buyer's own park's, or any for an admin."""
    if principal.role == "admin":
        return true()
    if principal.role == "park_buyer":
        return Need.park_id == principal.park_id
    return false()


def own_enterprises(principal: Principal) -> ColumnElement[bool]:
    """Enterprises the principal sees in full and may change."""
    if principal.role == "admin":
        return true()
    if principal.role == "ikm_owner":
        return Enterprise.id.in_(sorted(principal.enterprise_ids)) if principal.enterprise_ids \
            else false()
    return false()


def enterprises_visible(principal: Principal) -> ColumnElement[bool]:
    """Enterprises the principal may see at all (in full or in the public catalogue): every
    IKM, but for the agency only those in its province."""
    if principal.role == "agency":
        return Enterprise.district_id.in_(districts_of_province(principal.province_id))
    return true()


def agency_sees(principal: Principal) -> ColumnElement[bool]:
    """Enterprises the agency (or an admin) sees as the agency does: in its province."""
    if principal.role == "admin":
        return true()
    if principal.role == "agency":
        return Enterprise.district_id.in_(districts_of_province(principal.province_id))
    return false()
