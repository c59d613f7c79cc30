"""The review queue: offers and needs whose product name the normaliser was unsure of, within
what the principal may see (the agency its province, an admin everything). Functions take
``session=`` and never commit.

An item's id is ``offer-<id>`` or ``need-<id>``: stable, and unique across both kinds. The
queue is ordered by kind (needs first, then offers) and id, so a cursor (the id of the last
item seen) walks it even while items are being confirmed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Integer, String, and_, cast, func, literal_column, null, or_, select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.pagination import MAX_ID
from api.scope import agency_sees, needs_visible
from catalog.exceptions import NotFound
from catalog.models import (
    NORMALISATION_STATUSES,
    Category,
    CategoryKbli,
    Enterprise,
    Need,
    Offer,
    Park,
    Region,
)

__all__ = ["QUEUE_STATUSES", "CategoryInfo", "ItemKind", "QueueItem", "QueueKey",
           "category_info", "get_item", "parse_item_id", "queue_item", "review_queue"]

#: The statuses that ask a person to look.
QUEUE_STATUSES = ("review", "unknown")

ItemKind = Literal["offer", "need"]
QueueKey = tuple[ItemKind, int]

_ITEM_ID = re.compile(r"^(offer|need)-([1-9][0-9]{0,9})$")


def parse_item_id(item_id: str) -> QueueKey | None:
    """``("offer", 12)`` for ``offer-12``; ``None`` for anything that cannot be an item."""
    match = _ITEM_ID.match(item_id)
    if match is None or int(match.group(2)) > MAX_ID:
        return None
    kind: ItemKind = "offer" if match.group(1) == "offer" else "need"
    return kind, int(match.group(2))


@dataclass(frozen=True, slots=True)
class QueueItem:
    """An offer or need in the queue, with where it comes from and what was suggested."""

    kind: ItemKind
    id: int
    name: str
    unit_typed: str
    category_code: str | None
    score: int
    status: str
    method: str
    enterprise_id: int | None
    enterprise_name: str | None
    park_id: int | None
    park_code: str | None
    district_name: str | None

    @property
    def item_id(self) -> str:
        return f"{self.kind}-{self.id}"


def _offers(principal: Principal, statuses: Sequence[str]) -> Any:
    return (select(literal_column("'offer'", String).label("kind"), Offer.id.label("id"),
                   Offer.product_name.label("name"), Offer.unit_typed.label("unit_typed"),
                   Offer.category_code.label("category_code"),
                   Offer.category_score.label("score"), Offer.category_status.label("status"),
                   Offer.category_method.label("method"),
                   Enterprise.id.label("enterprise_id"),
                   Enterprise.name.label("enterprise_name"),
                   cast(null(), Integer).label("park_id"),
                   cast(null(), String).label("park_code"),
                   Region.name.label("district_name"))
            .join(Enterprise, Offer.enterprise_id == Enterprise.id)
            .join(Region, Enterprise.district_id == Region.id)
            .where(Offer.category_status.in_(statuses), agency_sees(principal)))


def _needs(principal: Principal, statuses: Sequence[str]) -> Any:
    return (select(literal_column("'need'", String).label("kind"), Need.id.label("id"),
                   Need.product_name.label("name"), Need.unit_typed.label("unit_typed"),
                   Need.category_code.label("category_code"),
                   Need.category_score.label("score"), Need.category_status.label("status"),
                   Need.category_method.label("method"),
                   cast(null(), Integer).label("enterprise_id"),
                   cast(null(), String).label("enterprise_name"),
                   Park.id.label("park_id"), Park.code.label("park_code"),
                   Region.name.label("district_name"))
            .join(Park, Need.park_id == Park.id)
            .join(Region, Park.region_id == Region.id)
            .where(Need.category_status.in_(statuses), needs_visible(principal)))


def _item(row: Any) -> QueueItem:
    return QueueItem(kind=row.kind, id=row.id, name=row.name, unit_typed=row.unit_typed,
                     category_code=row.category_code, score=row.score, status=row.status,
                     method=row.method, enterprise_id=row.enterprise_id,
                     enterprise_name=row.enterprise_name, park_id=row.park_id,
                     park_code=row.park_code, district_name=row.district_name)


def review_queue(principal: Principal, *, session: Session, limit: int, offset: int = 0,
                 after: QueueKey | None = None, kind: ItemKind | None = None,
                 status: str | None = None, category: str | None = None
                 ) -> tuple[list[QueueItem], int]:
    """The unsure offers and needs the principal may review, needs first, by id; and how many
    there are in all (``after`` narrows the page, not the total). ``category`` is the
    suggested one."""
    statuses = (status,) if status is not None else QUEUE_STATUSES
    selects = [part(principal, statuses) for name, part in (("need", _needs),
                                                             ("offer", _offers))
               if kind in (None, name)]
    union = (selects[0] if len(selects) == 1 else selects[0].union_all(*selects[1:])
             ).subquery("queue")
    statement = select(union)
    if category is not None:
        statement = statement.where(union.c.category_code == category)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    if after is not None:
        after_kind, after_id = after
        statement = statement.where(or_(union.c.kind > after_kind,
                                        and_(union.c.kind == after_kind,
                                             union.c.id > after_id)))
    rows = session.execute(statement.order_by(union.c.kind, union.c.id)
                           .offset(offset).limit(limit)).all()
    return [_item(r) for r in rows], total


def get_item(key: QueueKey, principal: Principal, *, session: Session) -> Offer | Need:
    """The offer or need ``key`` if the principal may review it (whatever its status: a
    person may also correct a decision the normaliser took alone); raises NotFound."""
    kind, id_ = key
    row: Offer | Need | None
    if kind == "offer":
        row = session.scalar(select(Offer).join(Enterprise, Offer.enterprise_id == Enterprise.id)
                             .where(Offer.id == id_, agency_sees(principal)).with_for_update())
    else:
        row = session.scalar(select(Need).where(Need.id == id_, needs_visible(principal))
                             .with_for_update())
    if row is None:
        raise NotFound("review", f"{kind}-{id_}")
    return row


def queue_item(key: QueueKey, principal: Principal, *, session: Session) -> QueueItem:
    """The item ``key`` as the queue shows it, whatever its status; raises NotFound."""
    kind, id_ = key
    if kind == "offer":
        statement = _offers(principal, NORMALISATION_STATUSES).where(Offer.id == id_)
    else:
        statement = _needs(principal, NORMALISATION_STATUSES).where(Need.id == id_)
    row = session.execute(statement).first()
    if row is None:
        raise NotFound("review", f"{kind}-{id_}")
    return _item(row)


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """What the answers show of a category: its names, unit and KBLI codes (primary first)."""

    code: str
    name_id: str
    name_en: str
    unit: str
    kbli: tuple[str, ...]


def category_info(codes: Iterable[str | None], *, session: Session) -> dict[str, CategoryInfo]:
    """The categories in ``codes`` that exist, by code."""
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return {}
    kbli: dict[str, list[str]] = {}
    for code, number in session.execute(
            select(CategoryKbli.category_code, CategoryKbli.kbli)
            .where(CategoryKbli.category_code.in_(wanted))
            .order_by(CategoryKbli.category_code, CategoryKbli.position)):
        kbli.setdefault(code, []).append(number)
    return {code: CategoryInfo(code, name_id, name_en, unit, tuple(kbli.get(code, ())))
            for code, name_id, name_en, unit in session.execute(
                select(Category.code, Category.name_id, Category.name_en, Category.unit)
                .where(Category.code.in_(wanted)))}
