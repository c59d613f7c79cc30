"""Needs: ``/api/v1/parks/{park_id}/needs`` (list, post) and ``/api/v1/needs/{need_id}``
(read, change, delete), with ``/api/v1/needs`` listing all the principal may see.

Who: a park buyer reads and writes its own park's needs; the agency reads those of the parks
in its province; an admin everything; an IKM owner none (403: it sees needs through its
opportunities). Another park's need is not found (404).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from api.auth.principal import Principal, require
from api.context import catalog_context
from api.deps import SessionDep
from api.errors import BAD_BODY_RESPONSES, ApiProblem
from api.needs import queries, usecases
from api.needs.schemas import NeedIn, NeedOut, NeedPage, NeedPatch, NeedStatus
from api.pagination import IdPath, PageDep, next_cursor
from api.taxonomy.queries import category_units
from api.writes import (
    CHANGE_RESPONSES,
    REMOVAL_RESPONSES,
    IfMatch,
    audit,
    check_version,
    set_etag,
)
from catalog.models import Need
from catalog.records import NeedRecord
from catalog.store import InvalidRecord, prepare_need

__all__ = ["park_router", "router"]

router = APIRouter(prefix="/needs", tags=["needs"])
park_router = APIRouter(prefix="/parks", tags=["needs"])

Readers = Annotated[Principal, Depends(require("park_buyer", "agency", "admin"))]
Writers = Annotated[Principal, Depends(require("park_buyer", "admin"))]


def _page(rows: Any, total: int, page: Any, *, session: Any) -> NeedPage:
    ids = [row.id for row in rows]
    certificates = queries.certificates_of(ids, session=session)
    return NeedPage(items=[NeedOut.listed(row, certificates[row.id], park_code=row.park_code,
                                          unit=row.unit) for row in rows],
                    total=total, limit=page.limit, offset=page.offset,
                    next_cursor=next_cursor(ids, page))


def _out(need: Need, response: Response, *, session: Any) -> NeedOut:
    set_etag(response, "need", need.id, need.version)
    return NeedOut.of(need, category_units([need.category_code], session=session))


@router.get("", summary="Daftar kebutuhan / List needs")
def list_needs(
    principal: Readers,
    session: SessionDep,
    page: PageDep,
    park: Annotated[str | None, Query(max_length=20, description="Kode kawasan, mis. IMIP")
    ] = None,
    category: Annotated[str | None, Query(max_length=60)] = None,
    status: Annotated[NeedStatus | None, Query(description="draft, open, closed, cancelled")
    ] = None,
) -> NeedPage:
    """The needs the principal may see, by id."""
    rows, total = queries.list_needs(principal, session=session, page=page, park=park,
                                     category=category, status=status)
    return _page(rows, total, page, session=session)


@park_router.get("/{park_id}/needs", summary="Kebutuhan satu kawasan / A park's needs")
def list_park_needs(principal: Readers, session: SessionDep, page: PageDep, park_id: IdPath,
                    status: Annotated[NeedStatus | None, Query()] = None) -> NeedPage:
    queries.get_park(park_id, principal, session=session)
    rows, total = queries.list_needs(principal, session=session, page=page, park_id=park_id,
                                     status=status)
    return _page(rows, total, page, session=session)


@park_router.post("/{park_id}/needs", status_code=status.HTTP_201_CREATED,
                  responses=BAD_BODY_RESPONSES, summary="Pasang kebutuhan / Post a need")
def post_need(request: Request, response: Response, principal: Writers, session: SessionDep,
              park_id: IdPath, body: NeedIn) -> NeedOut:
    """A new open need of the park. The product name goes through the normaliser: the answer
    shows the category it found, with its score and status (``review`` or ``unknown`` ask the
    agency to look). The quantity is converted into the category's unit."""
    need = usecases.post_need(principal, park_id, body, state=request.app.state,
                              session=session)
    response.headers["Location"] = f"{request.url.path.rsplit('/parks', 1)[0]}/needs/{need.id}"
    return _out(need, response, session=session)


@router.get("/{need_id}", summary="Satu kebutuhan / One need")
def get_need(response: Response, principal: Readers, session: SessionDep,
             need_id: IdPath) -> NeedOut:
    return _out(queries.get_need(need_id, principal, session=session), response,
                session=session)


@router.patch("/{need_id}", responses={**BAD_BODY_RESPONSES, **CHANGE_RESPONSES},
              summary="Ubah kebutuhan / Change a need")
def patch_need(request: Request, response: Response, principal: Writers,
               session: SessionDep, need_id: IdPath, body: NeedPatch,
               if_match: IfMatch = None) -> NeedOut:
    """Change some of a need's fields; send the ETag last read in ``If-Match`` (428 without it,
    412 when someone changed the need since)."""
    need = queries.get_need(need_id, principal, session=session, for_update=True)
    check_version(if_match, "need", need.id, need.version)
    given = body.model_dump(exclude_unset=True)
    certificates = given.pop("required_certificates", None)
    record = _record_of(need, _unit(need, session) or need.unit_typed, given, certificates)
    try:
        prepared = prepare_need(record, catalog_context(request.app.state, session=session))
    except InvalidRecord as error:
        # The stored quantities are in the old category's unit: a new name of another unit
        # fails their conversion, which is the new name's doing.
        if "product_name" in given and any(p.field == "unit" for p in error.problems):
            raise _unit_changes("v.category_unit_changes") from None
        raise
    # The unit as typed stays what the buyer first wrote; status and park are not changed here.
    changes = {column: value for column, value in prepared.row.items()
               if column not in ("status", "park_id", "unit_typed")
               and getattr(need, column) != value}
    if "category_code" in changes and _unit(need, session) != _unit_of(
            prepared.row["category_code"], session):
        raise _unit_changes("v.category_unit_changes")
    need = queries.update_need(need, changes, certificates, session=session)
    audit(principal, "update", "need", need.id,
          {**changes, **({"required_certificates": certificates} if certificates is not None
                         else {})}, session=session)
    return _out(need, response, session=session)


@router.delete("/{need_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=REMOVAL_RESPONSES, summary="Hapus kebutuhan / Delete a need")
def delete_need(principal: Writers, session: SessionDep, need_id: IdPath,
                if_match: IfMatch = None) -> None:
    """Remove a need (runs already finished keep what they found for it). ``If-Match`` is
    checked when it is sent."""
    need = queries.get_need(need_id, principal, session=session, for_update=True)
    if if_match is not None:
        check_version(if_match, "need", need.id, need.version)
    audit(principal, "delete", "need", need.id, {"product_name": need.product_name,
                                                  "park_id": need.park_id}, session=session)
    queries.delete_need(need, session=session)


def _unit_changes(key: str) -> ApiProblem:
    return ApiProblem(422, "validation", "detail.validation", params={"count": 1},
                      fields=[("product_name", key)])


def _unit_of(category_code: str | None, session: Any) -> str | None:
    if category_code is None:
        return None
    return category_units([category_code], session=session).get(category_code)


def _unit(need: Need, session: Any) -> str | None:
    return _unit_of(need.category_code, session)


def _record_of(need: Need, unit: str, given: dict[str, Any],
               certificates: list[str] | None) -> NeedRecord:
    """The need as a record in its canonical ``unit`` (what it stores), with the changes."""
    record = NeedRecord(
        park_code=need.park.code, product_name=need.product_name, quantity=need.quantity,
        unit=unit, due_date=need.due_date, period=need.period,
        required_certificates=tuple(c.kind for c in need.required_certificates),
        max_unit_price_idr=need.max_unit_price_idr, split_allowed=need.split_allowed,
        min_lot=need.min_lot, max_suppliers=need.max_suppliers,
        max_distance_km=need.max_distance_km, status=need.status,
        category_code=need.category_code)
    renamed = {"split": "split_allowed"}
    fields = {renamed.get(name, name): value for name, value in given.items()}
    if "product_name" in fields:
        fields["category_code"] = None  # normalised again from the new name
    if certificates is not None:
        fields["required_certificates"] = tuple(certificates)
    return dataclasses.replace(record, **fields)
