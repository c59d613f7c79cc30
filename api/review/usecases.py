"""What reading the review queue and answering an item do, whoever asks: the API (``GET
/api/v1/review``, ``POST /api/v1/review/{item_id}``) and the agency's pages (``/dinas/tinjauan``)
run these functions, so the province's scope, the runners-up offered, the unit conversion,
what the normaliser learns and the audit log are one rule for both.

Functions take ``session=`` and never commit: the request owns the transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.context import normaliser
from api.errors import ApiProblem
from api.i18n import Language
from api.review import queries
from api.review.queries import ItemKind, QueueItem, QueueKey
from api.review.schemas import ReviewIn, ReviewItemOut, ReviewPage, ReviewResult
from api.writes import audit
from catalog.exceptions import NotFound
from catalog.normalise import Alternative, Normalisation, clean_name
from catalog.recategorise import recategorise
from catalog.vocabulary import confirm_category

__all__ = ["ALTERNATIVES", "answer_item", "review_page"]

#: Runners-up shown per queue item.
ALTERNATIVES = 3


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


def review_page(principal: Principal, *, state: Any, session: Session, language: Language,
                limit: int, offset: int = 0, after: QueueKey | None = None,
                kind: ItemKind | None = None, status: str | None = None,
                category: str | None = None) -> ReviewPage:
    """A page of the unsure offers and needs the principal may review (needs first, then
    offers, by id), each with the suggested category and up to :data:`ALTERNATIVES`
    runners-up from the app's normaliser (``state``) as it is now."""
    items, total = queries.review_queue(principal, session=session, limit=limit, offset=offset,
                                        after=after, kind=kind, status=status,
                                        category=category)
    current = normaliser(state, session=session).normalise_many([item.name for item in items])
    alternatives = [_alternatives(item, now) for item, now in zip(items, current, strict=True)]
    categories = queries.category_info(
        [item.category_code for item in items]
        + [a.category_code for found in alternatives for a in found], session=session)
    return ReviewPage(
        items=[ReviewItemOut.of(item, found, categories, language)
               for item, found in zip(items, alternatives, strict=True)],
        total=total, limit=limit, offset=offset,
        next_cursor=items[-1].item_id if items and len(items) == limit else None)


def answer_item(principal: Principal, item_id: str, body: ReviewIn, *, session: Session,
                language: Language) -> ReviewResult:
    """``confirm`` the suggested category of ``item_id`` or ``correct`` it to
    ``body.category_code``: the row takes the category with status ``confirmed``
    (quantities converted into the category's unit), the normaliser learns the name, and the
    answer is audited; the item as it is now.

    Raises NotFound for an item the principal cannot see (or that cannot be one),
    :class:`~api.errors.ApiProblem` (422 naming ``category_code``) for a confirmation of
    another category or a missing one, and :class:`~catalog.exceptions.InvalidValue` for an
    unknown category or a unit the row cannot be converted into (nothing changed then)."""
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
