"""Reading the taxonomy. Functions take ``session=`` and never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from api.pagination import PageRequest, paginate
from api.sql import icontains
from catalog.exceptions import NotFound
from catalog.models import Category, CategoryAlias, CategoryKbli, CategoryRelation

__all__ = ["category_units", "get_category", "list_categories"]


def list_categories(*, session: Session, page: PageRequest[str], sector: str | None = None,
                    kbli: str | None = None, q: str | None = None
                    ) -> tuple[Sequence[Category], int]:
    """Categories by code; ``q`` looks in the code, both names and the aliases."""
    statement = select(Category).options(selectinload(Category.kbli))
    if sector is not None:
        statement = statement.where(Category.sector == sector)
    if kbli is not None:
        statement = statement.where(Category.code.in_(
            select(CategoryKbli.category_code).where(CategoryKbli.kbli == kbli)))
    if q is not None and q.strip():
        statement = statement.where(or_(
            icontains(Category.code, q), icontains(Category.name_id, q),
            icontains(Category.name_en, q),
            Category.code.in_(select(CategoryAlias.category_code)
                              .where(icontains(CategoryAlias.alias, q))),
        ))
    return paginate(statement, Category.code, page, session=session)


def get_category(code: str, *, session: Session
                 ) -> tuple[Category, Sequence[CategoryRelation]]:
    """The category ``code`` with its KBLI codes and aliases, and every relation it is in."""
    category = session.scalar(
        select(Category).options(selectinload(Category.kbli), selectinload(Category.aliases))
        .where(Category.code == code))
    if category is None:
        raise NotFound("category", code)
    relations = session.scalars(
        select(CategoryRelation)
        .where(or_(CategoryRelation.source_code == code, CategoryRelation.target_code == code))
        .order_by(CategoryRelation.kind, CategoryRelation.source_code,
                  CategoryRelation.target_code)).all()
    return category, relations


def category_units(codes: Iterable[str | None], *, session: Session) -> dict[str, str]:
    """The canonical unit of each category in ``codes``."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    return dict(session.execute(
        select(Category.code, Category.unit).where(Category.code.in_(wanted))).all())
