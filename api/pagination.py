"""Paginated lists: ``limit`` and a ``cursor`` (or ``offset``), ordered by id.

Every list answers ``{"items": [...], "total": N, "limit": L, "offset": O, "next_cursor": C}``.
``total`` counts everything the filters match (a cursor narrows the page, not the total).
``next_cursor`` is set when the page is full: pass it as ``cursor`` to get the next page
(``after`` is the same, the id or code of the last item seen); it is ``null`` on the last
page. Cursors walk large lists without the cost of deep offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.deps import SettingsDep
from api.settings import Settings

__all__ = ["MAX_ID", "CodePageDep", "IdPath", "Page", "PageDep", "PageRequest", "limit_of",
           "next_cursor", "paginate", "paginate_rows"]

KeyT = TypeVar("KeyT", int, str)
ItemT = TypeVar("ItemT")
RowT = TypeVar("RowT")

#: Ids are 32-bit integers in the database; a larger one cannot exist (nor a longer list: an
#: offset past it is refused too, rather than overflowing the database's integer).
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
    next_cursor: str | None = None


def limit_of(limit: int | None, settings: Settings) -> int:
    """``limit``, or the default page size; over the configured maximum is a 422 naming it."""
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


async def page_request(
    settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, description=_LIMIT_HELP)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description=_OFFSET_HELP)] = 0,
    after: Annotated[int | None, Query(
        ge=0, le=MAX_ID,
        description="Hanya item dengan id lebih besar. / Only items with a larger id.",
    )] = None,
    cursor: Annotated[str | None, Query(
        max_length=20, pattern=r"^[0-9]+$",
        description="next_cursor halaman sebelumnya. / next_cursor of the previous page.",
    )] = None,
) -> PageRequest[int]:
    if cursor is not None:
        value = int(cursor)
        if value > MAX_ID:
            raise RequestValidationError([{
                "type": "less_than_equal", "loc": ("query", "cursor"), "input": cursor,
                "msg": f"Input should be less than or equal to {MAX_ID}",
                "ctx": {"le": MAX_ID}}])
        after = value if after is None else max(after, value)
    return PageRequest(limit=limit_of(limit, settings), offset=offset, after=after)


async def code_page_request(
    settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, description=_LIMIT_HELP)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description=_OFFSET_HELP)] = 0,
    after: Annotated[str | None, Query(
        max_length=60,
        description="Hanya item dengan kode sesudahnya. / Only items with a later code.",
    )] = None,
) -> PageRequest[str]:
    return PageRequest(limit=limit_of(limit, settings), offset=offset, after=after)


PageDep = Annotated[PageRequest[int], Depends(page_request)]
CodePageDep = Annotated[PageRequest[str], Depends(code_page_request)]


def _page_of(statement: Select[Any], key: InstrumentedAttribute[Any], page: PageRequest[Any],
             *, session: Session) -> tuple[Select[Any], int]:
    total = session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    if page.after is not None:
        statement = statement.where(key > page.after)
    return statement.order_by(key).offset(page.offset).limit(page.limit), total


def paginate(statement: Select[RowT], key: InstrumentedAttribute[Any],
             page: PageRequest[Any], *, session: Session) -> tuple[Sequence[RowT], int]:
    """The objects of ``statement`` on ``page``, ordered by ``key``, and how many match in
    all."""
    sliced, total = _page_of(statement, key, page, session=session)
    return session.scalars(sliced).all(), total


def paginate_rows(statement: Select[Any], key: InstrumentedAttribute[Any],
                  page: PageRequest[Any], *, session: Session) -> tuple[Sequence[Row[Any]], int]:
    """As :func:`paginate`, for a statement of columns: its rows (no ORM objects to build,
    for the lists read most)."""
    sliced, total = _page_of(statement, key, page, session=session)
    return session.execute(sliced).all(), total


def next_cursor(keys: Sequence[Any], page: PageRequest[Any]) -> str | None:
    """The cursor of the page after one whose items have ``keys`` (ids or codes, in order):
    the last key when the page is full, else ``None``."""
    return str(keys[-1]) if keys and len(keys) == page.limit else None
