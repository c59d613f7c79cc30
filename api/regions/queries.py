"""Reading regions. Functions take ``session=`` and never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from api.pagination import PageRequest, paginate
from catalog.exceptions import NotFound
from catalog.models import Region

__all__ = ["get_region", "list_regions"]


def list_regions(*, session: Session, page: PageRequest[int], level: str | None = None,
                 parent_bps_code: str | None = None) -> tuple[Sequence[Region], int]:
    """Regions by id, optionally of one level or directly inside one parent."""
    statement = select(Region).options(selectinload(Region.parent))
    if level is not None:
        statement = statement.where(Region.level == level)
    if parent_bps_code is not None:
        parent = aliased(Region)
        statement = statement.where(
            Region.parent_id.in_(select(parent.id).where(parent.bps_code == parent_bps_code)))
    return paginate(statement, Region.id, page, session=session)


def get_region(bps_code: str, *, session: Session) -> tuple[Region, int]:
    """The region with ``bps_code`` and its number of direct children; raises NotFound."""
    region = session.scalar(select(Region).options(selectinload(Region.parent))
                            .where(Region.bps_code == bps_code))
    if region is None:
        raise NotFound("region", bps_code)
    children = session.scalar(select(func.count()).where(Region.parent_id == region.id)) or 0
    return region, children
