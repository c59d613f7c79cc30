"""What posting a need does, whoever asks: the API (``POST /api/v1/parks/{park_id}/needs``)
and the buyer's pages (``POST /kebutuhan/baru``) run this one function, so the park's scope,
the normaliser, the unit conversion and the audit log are the same for both."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.context import catalog_context
from api.needs import queries
from api.needs.schemas import NeedIn
from api.writes import audit
from catalog.models import Need
from catalog.records import NeedRecord
from catalog.store import prepare_need

__all__ = ["post_need"]


def post_need(principal: Principal, park_id: int, body: NeedIn, *, state: Any,
              session: Session) -> Need:
    """A new open need of park ``park_id``, written and audited (not committed).

    The park must be one the principal may see (else NotFound); the product name goes through
    the app's normaliser (``state``) and the quantity into the category's unit; a value
    breaking a catalog rule raises :class:`catalog.store.InvalidRecord` naming its field."""
    park = queries.get_park(park_id, principal, session=session)
    record = NeedRecord(
        park_code=park.code, product_name=body.product_name, quantity=body.quantity,
        unit=body.unit, due_date=body.due_date, period=body.period,
        required_certificates=tuple(body.required_certificates),
        max_unit_price_idr=body.max_unit_price_idr, split_allowed=body.split,
        min_lot=body.min_lot, max_suppliers=body.max_suppliers,
        max_distance_km=body.max_distance_km, category_code=body.category_code)
    prepared = prepare_need(record, catalog_context(state, session=session))
    need = queries.create_need(prepared, session=session)
    audit(principal, "create", "need", need.id,
          {**prepared.row, "required_certificates": prepared.certificates}, session=session)
    return need
