"""Reading parks. Functions take ``session=`` and never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from api.auth.principal import Principal
from api.pagination import PageRequest, paginate
from api.scope import parks_visible
from catalog.exceptions import NotFound
from catalog.models import Need, Park

__all__ = ["get_park", "list_parks"]


def list_parks(*, session: Session, page: PageRequest[int]) -> tuple[Sequence[Park], int]:
    """Parks by id."""
    statement = select(Park).options(selectinload(Park.region))
    return paginate(statement, Park.id, page, session=session)


def get_park(park_id: int, principal: Principal, *, session: Session
             ) -> tuple[Park, dict[str, int] | None]:
    """The park with ``park_id`` (every park is public) and, for a principal who may see its
    needs, their counts by status; raises NotFound."""
    park = session.scalar(select(Park).options(selectinload(Park.region))
                          .where(Park.id == park_id))
    if park is None:
        raise NotFound("park", park_id)
    if session.scalar(select(Park.id).where(Park.id == park_id, parks_visible(principal))) \
            is None:
        return park, None
    counts = dict(session.execute(
        select(Need.status, func.count()).where(Need.park_id == park_id)
        .group_by(Need.status).order_by(Need.status)).all())
    return park, counts
