"""Paging of the agency's lists, whose items are groups (park × category, kecamatan ×
category) rather than rows with one id: ``limit`` and ``offset``, and ``next_cursor`` holding
the offset of the next page, so that clients walk these lists as they walk every other one
(pass ``next_cursor`` back as ``cursor``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from api.deps import SettingsDep
from api.pagination import limit_of

__all__ = ["GroupPage", "GroupPageDep", "next_offset_cursor"]

#: Offsets past this are refused (a list of groups is never that long).
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True, slots=True)
class GroupPage:
    """Which slice of a list of groups to return."""

    limit: int
    offset: int = 0


def group_page(
    settings: SettingsDep,
    limit: Annotated[int | None, Query(
        ge=1, description="Banyaknya item per halaman (bawaan 50, maksimal 500). / Items per "
                          "page.")] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET,
                                 description="Lewati sekian item pertama. / Items to skip.")
    ] = 0,
    cursor: Annotated[str | None, Query(
        max_length=10, pattern=r"^[0-9]+$",
        description="next_cursor halaman sebelumnya. / next_cursor of the previous page.")
    ] = None,
) -> GroupPage:
    if cursor is not None:
        offset = max(offset, min(int(cursor), MAX_OFFSET))
    return GroupPage(limit=limit_of(limit, settings), offset=offset)


GroupPageDep = Annotated[GroupPage, Depends(group_page)]


def next_offset_cursor(page: GroupPage, shown: int, total: int) -> str | None:
    """The cursor of the next page, or ``None`` on the last one."""
    following = page.offset + shown
    return str(following) if shown and following < total else None
