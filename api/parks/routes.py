"""``/api/v1/parks``: read-only."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SessionDep
from api.pagination import IdPath, PageDep
from api.parks import queries
from api.parks.schemas import ParkDetail, ParkOut, ParkPage

__all__ = ["router"]

router = APIRouter(prefix="/parks", tags=["parks"])


@router.get("", summary="Daftar kawasan industri / List industrial parks")
def list_parks(session: SessionDep, page: PageDep) -> ParkPage:
    rows, total = queries.list_parks(session=session, page=page)
    return ParkPage(items=[ParkOut.of(p) for p in rows], total=total, limit=page.limit,
                    offset=page.offset)


@router.get("/{park_id}", summary="Satu kawasan industri / One industrial park")
def get_park(session: SessionDep, park_id: IdPath) -> ParkDetail:
    park, counts = queries.get_park(park_id, session=session)
    return ParkDetail(**ParkOut.of(park).model_dump(), needs_by_status=counts)
