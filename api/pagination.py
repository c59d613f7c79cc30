"""Paginated lists: ``limit`` and ``offset`` (or keyset ``after``), ordered by id.

Every list answers ``{"items": [...], "total": N, "limit": L, "offset": O}``. ``total`` counts
everything the filters match (``after`` narrows the page, not the total). ``after`` is the
keyset alternative to ``offset`` for walking large lists: pass the id (or code) of the last
item of the previous page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.deps import SettingsDep
from api.settings import Settings

__all__ = ["MAX_ID", "CodePageDep", "IdPath", "Page", "PageDep", "PageRequest", "paginate"]

KeyT = TypeVar("KeyT", int, str)
ItemT = TypeVar("ItemT")
RowT = TypeVar("RowT")

#: Ids are 32-bit integers in the database; a larger one cannot exist.
MAX_ID = 2**31 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="id")]


@dataclass(frozen=True, slots=True)
class PageRequest(Generic[KeyT]):
    """Which slice of a list to return."""

    limit: int
    offset: int = 0
    after: KeyT | None = None


class Page(BaseModel, Generic[ItemT]):
    """One page of a list."""

    items: list[ItemT]
    total: int
    limit: int
    offset: int


def _limit(limit: int | None, settings: Settings) -> int:
    if limit is None:
        return settings.page_size_default
    if limit > settings.page_size_max:
        # The maximum is configurable, so it is checked here rather than in Query(le=...);
        # the error takes the same path as every other validation error.
        raise RequestValidationError([{
            "type": "less_than_equal", "loc": ("query", "limit"), "input": limit,
            "msg": f"Input should be less than or equal to {settings.page_size_max}",
            "ctx": {"le": settings.page_size_max},
        }])
    return limit


_LIMIT_HELP = ("Banyaknya item per halaman, 1..page_size_max (bawaan 50, maksimal 500). "
               "/ Items per page.")
_OFFSET_HELP = "Lewati sekian item pertama. / Items to skip."


def page_request(
    settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, description=_LIMIT_HELP)] = None,
    offset: Annotated[int, Query(ge=0, description=_OFFSET_HELP)] = 0,
    after: Annotated[int | None, Query(
        ge=0, le=MAX_ID,
        description="Hanya item dengan id lebih besar. / Only items with a larger id.",
    )] = None,
) -> PageRequest[int]:
    return PageRequest(limit=_limit(limit, settings), offset=offset, after=after)


def code_page_request(
    settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, description=_LIMIT_HELP)] = None,
    offset: Annotated[int, Query(ge=0, description=_OFFSET_HELP)] = 0,
    after: Annotated[str | None, Query(
        max_length=60,
        description="Hanya item dengan kode sesudahnya. / Only items with a later code.",
    )] = None,
) -> PageRequest[str]:
    return PageRequest(limit=_limit(limit, settings), offset=offset, after=after)


PageDep = Annotated[PageRequest[int], Depends(page_request)]
CodePageDep = Annotated[PageRequest[str], Depends(code_page_request)]


def paginate(statement: Select[RowT], key: InstrumentedAttribute[Any],
             page: PageRequest[Any], *, session: Session) -> tuple[Sequence[RowT], int]:
    """The rows of ``statement`` on ``page``, ordered by ``key``, and how many match in all."""
    total = session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    if page.after is not None:
        statement = statement.where(key > page.after)
    rows = session.scalars(
        statement.order_by(key).offset(page.offset).limit(page.limit)).all()
    return rows, total
