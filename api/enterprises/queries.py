"""Reading IKM. Functions take ``session=`` and never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from api.pagination import PageRequest, paginate
from api.sql import icontains
from catalog.exceptions import NotFound
from catalog.models import Enterprise, Offer, Region

__all__ = ["get_enterprise", "list_enterprises"]


def list_enterprises(*, session: Session, page: PageRequest[int],
                     district_bps_code: str | None = None,
                     regency_bps_code: str | None = None, category: str | None = None,
                     size_class: str | None = None, sentra: str | None = None,
                     q: str | None = None) -> tuple[Sequence[Enterprise], int]:
    """IKM by id, filtered by kecamatan, kabupaten, offered category (active offers), size
    class, sentra (part of its name) and ``q`` (part of the IKM's name or a product name)."""
    statement = select(Enterprise).options(
        selectinload(Enterprise.district).selectinload(Region.parent),
        selectinload(Enterprise.offers),
    )
    if district_bps_code is not None:
        statement = statement.where(Enterprise.district_id.in_(
            select(Region.id).where(Region.bps_code == district_bps_code)))
    if regency_bps_code is not None:
        regency = aliased(Region)
        statement = statement.where(Enterprise.district_id.in_(
            select(Region.id).join(regency, Region.parent_id == regency.id)
            .where(regency.bps_code == regency_bps_code)))
    if category is not None:
        statement = statement.where(Enterprise.id.in_(
            select(Offer.enterprise_id).where(Offer.category_code == category,
                                              Offer.active.is_(True))))
    if size_class is not None:
        statement = statement.where(Enterprise.size_class == size_class)
    if sentra is not None and sentra.strip():
        statement = statement.where(icontains(Enterprise.sentra, sentra))
    if q is not None and q.strip():
        statement = statement.where(or_(
            icontains(Enterprise.name, q),
            Enterprise.id.in_(select(Offer.enterprise_id)
                              .where(icontains(Offer.product_name, q)))))
    return paginate(statement, Enterprise.id, page, session=session)


def get_enterprise(enterprise_id: int, *, session: Session) -> Enterprise:
    """The IKM with its offers and certificates; raises NotFound."""
    enterprise = session.scalar(
        select(Enterprise).options(
            selectinload(Enterprise.district).selectinload(Region.parent),
            selectinload(Enterprise.offers), selectinload(Enterprise.certificates))
        .where(Enterprise.id == enterprise_id))
    if enterprise is None:
        raise NotFound("enterprise", enterprise_id)
    return enterprise

