"""Counts for the landing page. Functions take ``session=`` and never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from catalog.models import Category, Enterprise, Need, Offer, Park

__all__ = ["CatalogCounts", "catalog_counts"]


@dataclass(frozen=True, slots=True)
class CatalogCounts:
    """How much the catalog holds."""

    enterprises: int
    offers: int
    needs: int
    open_needs: int
    parks: int
    categories: int


def catalog_counts(*, session: Session) -> CatalogCounts:
    """IKM, active offers, needs (all and open), parks and categories."""

    def count(statement: Select[int]) -> int:
        return session.scalar(statement) or 0

    return CatalogCounts(
        enterprises=count(select(func.count()).select_from(Enterprise)),
        offers=count(select(func.count()).select_from(Offer).where(Offer.active.is_(True))),
        needs=count(select(func.count()).select_from(Need)),
        open_needs=count(select(func.count()).select_from(Need).where(Need.status == "open")),
        parks=count(select(func.count()).select_from(Park)),
        categories=count(select(func.count()).select_from(Category)),
    )
