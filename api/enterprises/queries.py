"""Reading and writing IKM, their offers and certificates, within what the principal may see.
Functions take ``session=`` and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from api.auth.principal import Principal
from api.pagination import PageRequest, paginate
from api.scope import enterprises_visible, own_enterprises
from api.sql import icontains
from catalog.exceptions import NotFound
from catalog.models import AccountEnterprise, Certificate, Enterprise, Offer, Region
from catalog.store import mark_contents

__all__ = ["add_certificate", "add_offer", "create_enterprise", "get_enterprise",
           "get_offer", "is_own", "list_enterprises", "update_row"]

_LOADS = (selectinload(Enterprise.district).selectinload(Region.parent),
          selectinload(Enterprise.offers), selectinload(Enterprise.certificates))


def is_own(principal: Principal, enterprise_id: int) -> bool:
    """Whether the principal sees this IKM in full and may change it."""
    return principal.role == "admin" or (principal.role == "ikm_owner"
                                         and enterprise_id in principal.enterprise_ids)


def list_enterprises(principal: Principal, *, session: Session, page: PageRequest[int],
                     district_bps_code: str | None = None,
                     regency_bps_code: str | None = None, category: str | None = None,
                     size_class: str | None = None, sentra: str | None = None,
                     q: str | None = None, own: bool = False
                     ) -> tuple[Sequence[Enterprise], int]:
    """IKM the principal may see, by id, filtered by kecamatan, kabupaten, offered category
    (active offers), size class, sentra (part of its name), ``q`` (part of the IKM's name or a
    product name) and, with ``own``, only the principal's own."""
    statement = select(Enterprise).options(*_LOADS).where(enterprises_visible(principal))
    if own:
        statement = statement.where(own_enterprises(principal))
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


def get_enterprise(enterprise_id: int, principal: Principal, *, session: Session,
                   own: bool = False) -> Enterprise:
    """An IKM the principal may see (``own``: may change) with its offers and certificates;
    raises NotFound."""
    scope = own_enterprises(principal) if own else enterprises_visible(principal)
    enterprise = session.scalar(select(Enterprise).options(*_LOADS)
                                .where(Enterprise.id == enterprise_id, scope))
    if enterprise is None:
        raise NotFound("enterprise", enterprise_id)
    return enterprise


def get_offer(offer_id: int, principal: Principal, *, session: Session) -> Offer:
    """An offer of one of the principal's own IKM; raises NotFound."""
    offer = session.scalar(select(Offer).where(
        Offer.id == offer_id,
        Offer.enterprise_id.in_(select(Enterprise.id).where(own_enterprises(principal)))))
    if offer is None:
        raise NotFound("offer", offer_id)
    return offer


def create_enterprise(row: dict[str, Any], principal: Principal, *,
                      session: Session) -> Enterprise:
    """Write a prepared IKM; an owner's account is bound to it."""
    mark_contents("user", session=session)
    enterprise = Enterprise(**row)
    session.add(enterprise)
    session.flush()
    if principal.role == "ikm_owner":
        session.add(AccountEnterprise(account_id=principal.account_id,
                                      enterprise_id=enterprise.id))
        session.flush()
    return get_enterprise(enterprise.id, _admin(principal), session=session)


def _admin(principal: Principal) -> Principal:
    return Principal(account_id=principal.account_id, username=principal.username,
                     role="admin")


def add_offer(enterprise: Enterprise, row: dict[str, Any], *, session: Session) -> Offer:
    mark_contents("user", session=session)
    offer = Offer(enterprise_id=enterprise.id, **row)
    session.add(offer)
    session.flush()
    session.refresh(offer)
    return offer


def add_certificate(enterprise: Enterprise, row: dict[str, Any], *,
                    session: Session) -> Certificate:
    certificate = Certificate(enterprise_id=enterprise.id, **row)
    session.add(certificate)
    session.flush()
    return certificate


def update_row(obj: Enterprise | Offer, changes: dict[str, Any], *, session: Session) -> None:
    """Apply ``changes`` (column → value); the version goes up by one."""
    for column, value in changes.items():
        setattr(obj, column, value)
    obj.version += 1
    session.flush()
