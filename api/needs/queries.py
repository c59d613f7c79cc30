"""Reading needs. Functions take ``session=`` and never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.pagination import PageRequest, paginate
from catalog.exceptions import NotFound
from catalog.models import Need, Park

__all__ = ["get_need", "list_needs"]

_LOADS = (selectinload(Need.park), selectinload(Need.required_certificates))


def list_needs(*, session: Session, page: PageRequest[int], park: str | None = None,
               category: str | None = None, status: str | None = None
               ) -> tuple[Sequence[Need], int]:
    """Needs by id, filtered by park code, category and status."""
    statement = select(Need).options(*_LOADS)
    if park is not None:
        statement = statement.where(Need.park_id.in_(select(Park.id).where(Park.code == park)))
    if category is not None:
        statement = statement.where(Need.category_code == category)
    if status is not None:
        statement = statement.where(Need.status == status)
    return paginate(statement, Need.id, page, session=session)


def get_need(need_id: int, *, session: Session) -> Need:
    """The need with ``need_id``; raises NotFound."""
    need = session.scalar(select(Need).options(*_LOADS).where(Need.id == need_id))
    if need is None:
        raise NotFound("need", need_id)
    return need
