"""``/api/v1/normalise`` and ``/api/v1/review``.

``POST /normalise`` answers every role: the category of each product name, as the normaliser
decides it over the stored vocabulary and everything people taught it (one normaliser per
process, built again when someone teaches it: :func:`api.context.normaliser`).

``GET /review`` and ``POST /review/{item_id}``: the agency (in its province) and the admin
look at the offers and needs the normaliser was unsure of, and confirm or correct them. An
answer puts the row in the category (its quantities converted when the category counts in
another unit), marks it ``confirmed``, teaches the normaliser the name, and is audited.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError

from api.agency.paging import limit_of
from api.auth.principal import CurrentPrincipal, Principal, require
from api.context import normaliser
from api.deps import LanguageDep, SessionDep, SettingsDep
from api.errors import BAD_BODY_RESPONSES, ApiProblem
from api.pagination import MAX_ID
from api.review import queries
from api.review.queries import QueueItem
from api.review.schemas import (
    NormalisedOut,
    NormaliseIn,
    NormaliseOut,
    ReviewIn,
    ReviewItemOut,
    ReviewPage,
    ReviewResult,
)
from api.writes import audit
from catalog.exceptions import NotFound
from catalog.normalise import Alternative, Normalisation, clean_name
from catalog.recategorise import recategorise
from catalog.vocabulary import confirm_category

__all__ = ["router"]

router = APIRouter(tags=["review"])

Reviewer = Annotated[Principal, Depends(require("agency", "admin"))]

#: Runners-up shown per queue item.
ALTERNATIVES = 3


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


def _alternatives(item: QueueItem, current: Normalisation) -> list[Alternative]:
    """What a person may pick instead of the stored suggestion: the normaliser's answer now
    (it may have learned since) and its runners-up, without the suggestion itself."""
    candidates = ([Alternative(current.category_code, current.score)]
                  if current.category_code else []) + list(current.alternatives)
    seen = {item.category_code}
    picked = []
    for candidate in candidates:
        if candidate.category_code not in seen:
            seen.add(candidate.category_code)
            picked.append(candidate)
    return picked[:ALTERNATIVES]


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
    items, total = queries.review_queue(principal, session=session, limit=size, offset=offset,
                                        after=after, kind=kind, status=status,
                                        category=category)
    current = normaliser(request.app.state, session=session).normalise_many(
        [item.name for item in items])
    alternatives = [_alternatives(item, now) for item, now in zip(items, current, strict=True)]
    categories = queries.category_info(
        [item.category_code for item in items]
        + [a.category_code for found in alternatives for a in found], session=session)
    return ReviewPage(
        items=[ReviewItemOut.of(item, found, categories, language)
               for item, found in zip(items, alternatives, strict=True)],
        total=total, limit=size, offset=offset,
        next_cursor=items[-1].item_id if items and len(items) == size else None)


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
    key = queries.parse_item_id(item_id)
    if key is None:
        raise NotFound("review", item_id)
    row = queries.get_item(key, principal, session=session)
    suggested = row.category_code
    code = body.category_code
    if body.action == "confirm" and code is not None and suggested is not None \
            and code != suggested:
        raise ApiProblem(422, "validation", "detail.validation",
                         params={"count": 1, "suggested": suggested},
                         fields=[("category_code", "v.review_confirm_other")])
    if body.action == "confirm" and code is None:
        code = suggested
    if code is None:
        raise ApiProblem(422, "validation", "detail.validation", params={"count": 1},
                         fields=[("category_code", "v.review_category_required")])
    before_status = row.category_status
    changes = recategorise(row, code, session=session)
    row.version += 1
    # A name of nothing but quantities and units has no words to learn.
    taught = (confirm_category(row.product_name, code, session=session)
              if clean_name(row.product_name) else None)
    audit(principal, "confirm", key[0], row.id, {
        "action": body.action, "category_status_before": before_status, "taught": taught,
        **{column: {"before": before, "after": after}
           for column, (before, after) in changes.items()}}, session=session)
    session.flush()
    item = queries.queue_item(key, principal, session=session)
    # The normaliser is not asked again here: its cache must not be built from this
    # request's uncommitted teaching.
    categories = queries.category_info([item.category_code], session=session)
    return ReviewResult(**ReviewItemOut.of(item, [], categories, language).model_dump(),
                        action=body.action, taught=taught)
