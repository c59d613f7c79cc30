"""``/api/v1/normalise`` and ``/api/v1/review``.

``POST /normalise`` answers every role: the category of each product name, as the normaliser
decides it over the stored vocabulary and everything people taught it (one normaliser per
process, built again when someone teaches it: :func:`api.context.normaliser`).

``GET /review`` and ``POST /review/{item_id}``: the agency (in its province) and the admin
look at the offers and needs the normaliser was unsure of, and confirm or correct them. An
answer puts the row in the category (its quantities converted when the category counts in
another unit), marks it ``confirmed``, teaches the normaliser the name, and is audited. The
routes are thin: the work is :mod:`api.review.usecases`, which the agency's pages call too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError

from api.auth.principal import CurrentPrincipal, Principal, require
from api.context import normaliser
from api.deps import LanguageDep, SessionDep, SettingsDep
from api.errors import BAD_BODY_RESPONSES
from api.pagination import MAX_ID, limit_of
from api.review import queries, usecases
from api.review.schemas import (
    NormalisedOut,
    NormaliseIn,
    NormaliseOut,
    ReviewIn,
    ReviewPage,
    ReviewResult,
)
from catalog.normalise import Normalisation

__all__ = ["router"]

router = APIRouter(tags=["review"])

Reviewer = Annotated[Principal, Depends(require("agency", "admin"))]


@router.post("/normalise", summary="Normalkan nama produk / Normalise product names",
             responses=BAD_BODY_RESPONSES)
def post_normalise(request: Request, principal: CurrentPrincipal, session: SessionDep,
                   language: LanguageDep, body: NormaliseIn) -> NormaliseOut:
    """Each name's category, KBLI codes, score, status, method and runners-up, in order. A
    blank name is ``unknown``, not an error."""
    results = normaliser(request.app.state, session=session).normalise_many(body.names)
    categories = queries.category_info(_codes(results), session=session)
    return NormaliseOut(items=[NormalisedOut.of(r, categories, language) for r in results])


def _codes(results: list[Normalisation]) -> list[str | None]:
    return [code for r in results
            for code in (r.category_code, *(a.category_code for a in r.alternatives))]


QueueCursor = Annotated[str | None, Query(
    max_length=20, pattern=r"^(offer|need)-[1-9][0-9]{0,9}$",
    description="next_cursor halaman sebelumnya (mis. need-3). / next_cursor of the previous "
                "page.")]


@router.get("/review", summary="Antrean tinjauan / Review queue")
def get_review(
    request: Request, principal: Reviewer, session: SessionDep, settings: SettingsDep,
    language: LanguageDep,
    limit: Annotated[int | None, Query(ge=1, description="Item per halaman / items per page")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    cursor: QueueCursor = None,
    kind: Annotated[Literal["offer", "need"] | None, Query()] = None,
    status: Annotated[Literal["review", "unknown"] | None, Query()] = None,
    category: Annotated[str | None, Query(max_length=60,
                                          description="Kategori usulan / suggested")] = None,
) -> ReviewPage:
    """Offers and needs with status ``review`` or ``unknown`` the principal may see (needs
    first, then offers, by id), each with the suggested category and the runners-up."""
    size = limit_of(limit, settings)
    after = queries.parse_item_id(cursor) if cursor is not None else None
    if cursor is not None and after is None:  # an id past the largest one there can be
        raise RequestValidationError([{
            "type": "less_than_equal", "loc": ("query", "cursor"), "input": cursor,
            "msg": f"Input should be at most {MAX_ID}", "ctx": {"le": MAX_ID}}])
    return usecases.review_page(principal, state=request.app.state, session=session,
                                language=language, limit=size, offset=offset, after=after,
                                kind=kind, status=status, category=category)


@router.post("/review/{item_id}", summary="Konfirmasi atau koreksi / Confirm or correct",
             responses=BAD_BODY_RESPONSES)
def post_review(
    principal: Reviewer, session: SessionDep, language: LanguageDep, body: ReviewIn,
    item_id: Annotated[str, Path(max_length=30, description="offer-<id> atau need-<id>")],
) -> ReviewResult:
    """``confirm`` the suggested category or ``correct`` it to ``category_code``: the row
    takes the category with status ``confirmed`` (quantities converted into the category's
    unit; a unit they cannot be converted into is 422), the normaliser learns the name, and
    the answer is audited. An item the principal cannot see is 404."""
    return usecases.answer_item(principal, item_id, body, session=session,
                                language=language)
