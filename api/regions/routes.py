"""``/api/v1/regions``: read-only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import SessionDep
from api.pagination import PageDep
from api.regions import queries
from api.regions.schemas import RegionDetail, RegionLevel, RegionOut, RegionPage

__all__ = ["router"]

router = APIRouter(prefix="/regions", tags=["regions"])


@router.get("", summary="Daftar wilayah / List regions")
def list_regions(
    session: SessionDep,
    page: PageDep,
    level: Annotated[RegionLevel | None, Query(
        description="province, regency (kabupaten/kota), district (kecamatan), village")] = None,
    parent_bps_code: Annotated[str | None, Query(
        max_length=13, description="Kode BPS induk, mis. 7203 (Morowali). / Parent's BPS code."
    )] = None,
) -> RegionPage:
    rows, total = queries.list_regions(session=session, page=page, level=level,
                                       parent_bps_code=parent_bps_code)
    return RegionPage(items=[RegionOut.of(r) for r in rows], total=total, limit=page.limit,
                      offset=page.offset)


@router.get("/{bps_code}", summary="Satu wilayah / One region")
def get_region(
    session: SessionDep,
    bps_code: Annotated[str, Path(max_length=13, description="Kode BPS, mis. 7203010")],
) -> RegionDetail:
    region, children = queries.get_region(bps_code, session=session)
    return RegionDetail.detail(region, children)
