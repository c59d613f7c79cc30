"""``/api/v1/taxonomy``: read-only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import SessionDep
from api.pagination import CodePageDep
from api.taxonomy import queries
from api.taxonomy.schemas import (
    AliasOut,
    CategoryDetail,
    CategoryOut,
    CategoryPage,
    KbliOut,
    RelationOut,
)

__all__ = ["router"]

router = APIRouter(prefix="/taxonomy", tags=["taxonomy"])


@router.get("", summary="Daftar kategori / List categories")
def list_categories(
    session: SessionDep,
    page: CodePageDep,
    sector: Annotated[str | None, Query(max_length=30, description="mis. pangan")] = None,
    kbli: Annotated[str | None, Query(
        pattern=r"^\d{5}$", description="Kode KBLI 2020 lima digit, mis. 56290")] = None,
    q: Annotated[str | None, Query(
        max_length=100, description="Cari di kode, nama dan alias. / Search codes, names and "
        "aliases.")] = None,
) -> CategoryPage:
    rows, total = queries.list_categories(session=session, page=page, sector=sector,
                                          kbli=kbli, q=q)
    return CategoryPage(items=[CategoryOut.of(c) for c in rows], total=total,
                        limit=page.limit, offset=page.offset)


@router.get("/{code}", summary="Satu kategori / One category")
def get_category(
    session: SessionDep,
    code: Annotated[str, Path(max_length=60, description="mis. katering-kontrak")],
) -> CategoryDetail:
    category, relations = queries.get_category(code, session=session)
    return CategoryDetail(
        **CategoryOut.of(category).model_dump(),
        kbli_codes=[KbliOut(code=k.kbli, title=k.title, primary=k.position == 0)
                    for k in category.kbli],
        aliases=[AliasOut(alias=a.alias, source=a.source)
                 for a in sorted(category.aliases, key=lambda a: a.alias)],
        relations=[RelationOut.of(r) for r in relations],
    )
