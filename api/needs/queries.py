"""Reading and writing needs, within what the principal may see. Functions take ``session=``
and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, select
from sqlalchemy.orm import Session, selectinload

from api.auth.principal import Principal
from api.pagination import PageRequest, paginate_rows
from api.scope import needs_visible, needs_writable, parks_visible
from catalog.exceptions import NotFound
from catalog.models import Category, Need, NeedCertificate, Park
from catalog.store import PreparedNeed, mark_contents

__all__ = ["certificates_of", "create_need", "delete_need", "get_need", "get_park", "list_needs",
           "update_need"]

_LOADS = (selectinload(Need.park), selectinload(Need.required_certificates))


#: A need as lists show it: its columns, its park's code and its category's unit.
_LISTED = (*Need.__table__.c, Park.code.label("park_code"), Category.unit.label("unit"))


def list_needs(principal: Principal, *, session: Session, page: PageRequest[int],
               park_id: int | None = None, park: str | None = None,
               category: str | None = None, status: str | None = None
               ) -> tuple[Sequence[Row[Any]], int]:
    """The needs the principal may see, by id, filtered by park, category and status: rows
    of the need's columns with ``park_code`` and ``unit`` (lists are read far more often
    than anything else, so they are read as plain rows, not ORM objects)."""
    statement = (select(*_LISTED).join(Park, Park.id == Need.park_id)
                 .outerjoin(Category, Category.code == Need.category_code)
                 .where(needs_visible(principal)))
    if park_id is not None:
        statement = statement.where(Need.park_id == park_id)
    if park is not None:
        statement = statement.where(Park.code == park)
    if category is not None:
        statement = statement.where(Need.category_code == category)
    if status is not None:
        statement = statement.where(Need.status == status)
    return paginate_rows(statement, Need.id, page, session=session)


def certificates_of(need_ids: Sequence[int], *, session: Session) -> dict[int, list[str]]:
    """The required certificates of each need of ``need_ids`` (one query)."""
    certificates: dict[int, list[str]] = {need_id: [] for need_id in need_ids}
    if need_ids:
        for need_id, kind in session.execute(
                select(NeedCertificate.need_id, NeedCertificate.kind)
                .where(NeedCertificate.need_id.in_(need_ids))):
            certificates[need_id].append(kind)
    return certificates


def get_park(park_id: int, principal: Principal, *, session: Session) -> Park:
    """A park whose needs the principal may see; raises NotFound otherwise."""
    park = session.scalar(select(Park).where(Park.id == park_id, parks_visible(principal)))
    if park is None:
        raise NotFound("park", park_id)
    return park


def get_need(need_id: int, principal: Principal, *, session: Session,
             for_update: bool = False) -> Need:
    """A need the principal may see (or, ``for_update``, change); raises NotFound."""
    scope = needs_writable(principal) if for_update else needs_visible(principal)
    need = session.scalar(select(Need).options(*_LOADS).where(Need.id == need_id, scope))
    if need is None:
        raise NotFound("need", need_id)
    return need


def create_need(prepared: PreparedNeed, *, session: Session) -> Need:
    """Write a prepared need with its required certificates."""
    mark_contents("user", session=session)
    need = Need(**prepared.row)
    session.add(need)
    session.flush()
    for kind in prepared.certificates:
        session.add(NeedCertificate(need_id=need.id, kind=kind))
    session.flush()
    session.refresh(need)
    return need


def update_need(need: Need, changes: dict[str, Any], certificates: Sequence[str] | None, *,
                session: Session) -> Need:
    """Apply ``changes`` (column → value) and, if given, the required certificates; the
    version goes up by one."""
    for column, value in changes.items():
        setattr(need, column, value)
    if certificates is not None:
        session.execute(delete(NeedCertificate).where(NeedCertificate.need_id == need.id))
        for kind in dict.fromkeys(certificates):
            session.add(NeedCertificate(need_id=need.id, kind=kind))
    need.version += 1
    session.flush()
    session.refresh(need)
    return need


def delete_need(need: Need, *, session: Session) -> None:
    session.delete(need)
    session.flush()
