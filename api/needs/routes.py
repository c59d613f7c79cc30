"""``/api/v1/needs``: read-only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SessionDep
from api.needs import queries
from api.needs.schemas import NeedOut, NeedPage, NeedStatus
from api.pagination import IdPath, PageDep
from api.taxonomy.queries import category_units

__all__ = ["router"]

router = APIRouter(prefix="/needs", tags=["needs"])


@router.get("", summary="Daftar kebutuhan kawasan / List park needs")
def list_needs(
    session: SessionDep,
    page: PageDep,
    park: Annotated[str | None, Query(max_length=20, description="Kode kawasan, mis. IMIP")
    ] = None,
    category: Annotated[str | None, Query(max_length=60)] = None,
    status: Annotated[NeedStatus | None, Query(description="draft, open, closed, cancelled")
    ] = None,
) -> NeedPage:
    rows, total = queries.list_needs(session=session, page=page, park=park,
                                     category=category, status=status)
    units = category_units((n.category_code for n in rows), session=session)
    return NeedPage(items=[NeedOut.of(n, units) for n in rows], total=total, limit=page.limit,
                    offset=page.offset)


@router.get("/{need_id}", summary="Satu kebutuhan / One need")
def get_need(session: SessionDep, need_id: IdPath) -> NeedOut:
    need = queries.get_need(need_id, session=session)
    units = category_units([need.category_code], session=session)
    return NeedOut.of(need, units)
