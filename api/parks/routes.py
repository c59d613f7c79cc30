"""``/api/v1/parks``: read-only, for every role."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth.principal import CurrentPrincipal
from api.deps import SessionDep
from api.pagination import IdPath, PageDep, next_cursor
from api.parks import queries
from api.parks.schemas import ParkDetail, ParkOut, ParkPage

__all__ = ["router"]

router = APIRouter(prefix="/parks", tags=["parks"])


@router.get("", summary="Daftar kawasan industri / List industrial parks")
def list_parks(session: SessionDep, page: PageDep) -> ParkPage:
    """Every park (they are public)."""
    rows, total = queries.list_parks(session=session, page=page)
    return ParkPage(items=[ParkOut.of(p) for p in rows], total=total, limit=page.limit,
                    offset=page.offset, next_cursor=next_cursor([p.id for p in rows], page))


@router.get("/{park_id}", summary="Satu kawasan industri / One industrial park")
def get_park(principal: CurrentPrincipal, session: SessionDep, park_id: IdPath) -> ParkDetail:
    """A park; its needs counted by status for those who may see them."""
    park, counts = queries.get_park(park_id, principal, session=session)
    return ParkDetail(**ParkOut.of(park).model_dump(), needs_by_status=counts)
