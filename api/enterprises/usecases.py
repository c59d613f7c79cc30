"""What changing an IKM does, whoever asks: the API (``/api/v1/enterprises/...``,
``/api/v1/offers/...``) and the owner's pages (``/ikm/...``) run these functions, so the
owner's scope, the version check, the normaliser, the unit conversion and the audit log are
the same for both. Nothing here commits: the request owns the transaction.

Each raises what the API maps to HTTP once: :class:`catalog.exceptions.NotFound` for an IKM
or offer that is not the principal's, :class:`catalog.store.InvalidRecord` for a value
breaking a catalog rule (naming its field), :class:`api.errors.ApiProblem` for a stale or
missing version (412, 428), an offer whose new name leaves its unit (422) and a certificate
recorded twice (409).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.context import catalog_context
from api.enterprises import queries
from api.enterprises.schemas import CertificateIn, EnterprisePatch, OfferIn, OfferPatch
from api.errors import ApiProblem
from api.taxonomy.queries import category_units
from api.writes import audit, check_version
from catalog.models import Certificate, Enterprise, Offer
from catalog.records import CertificateRecord, EnterpriseRecord, OfferRecord
from catalog.store import InvalidRecord, prepare_certificate, prepare_enterprise, prepare_offer

__all__ = ["add_certificate", "add_offer", "change_enterprise", "change_offer", "check_nib_free"]


def check_nib_free(nib: str | None, *, session: Session, of: int | None = None) -> None:
    """A 409 naming ``nib`` if another IKM than ``of`` holds the NIB ``nib`` already: a NIB
    belongs to one business in the whole country (it is unique in the catalog too, but the
    database's refusal would not say which field)."""
    if nib is None:
        return
    holder = session.scalar(select(Enterprise.id).where(Enterprise.nib == nib))
    if holder is not None and holder != of:
        raise ApiProblem(409, "conflict", "detail.nib_taken", params={"nib": nib},
                         fields=[("nib", "v.nib_taken")])


def change_enterprise(principal: Principal, enterprise_id: int, body: EnterprisePatch, *,
                      if_match: str | None, state: Any, session: Session) -> Enterprise:
    """The principal's IKM with the profile fields given in ``body`` changed (a field left
    out stays as it is), if ``if_match`` names its current version."""
    enterprise = queries.get_enterprise(enterprise_id, principal, session=session, own=True)
    check_version(if_match, "enterprise", enterprise.id, enterprise.version)
    record = EnterpriseRecord(
        name=enterprise.name, district_bps_code=enterprise.district.bps_code,
        latitude=enterprise.latitude, longitude=enterprise.longitude,
        workers=enterprise.workers, investment_idr=enterprise.investment_idr,
        legal_form=enterprise.legal_form, nib=enterprise.nib, village=enterprise.village,
        address=enterprise.address, owner_name=enterprise.owner_name,
        owner_phone=enterprise.owner_phone, owner_email=enterprise.owner_email,
        association=enterprise.association, sentra=enterprise.sentra)
    record = dataclasses.replace(record, **body.model_dump(exclude_unset=True))
    prepared = prepare_enterprise(record, catalog_context(state, session=session))
    changes = {column: value for column, value in prepared.row.items()
               if getattr(enterprise, column) != value}
    if "nib" in changes:
        check_nib_free(changes["nib"], session=session, of=enterprise.id)
    queries.update_row(enterprise, changes, session=session)
    audit(principal, "update", "enterprise", enterprise.id, changes, session=session)
    return enterprise


def add_offer(principal: Principal, enterprise_id: int, body: OfferIn, *, state: Any,
              session: Session) -> Offer:
    """A new offer of the principal's IKM: the product name goes through the normaliser and
    the quantity, minimum order and price into its category's unit."""
    enterprise = queries.get_enterprise(enterprise_id, principal, session=session, own=True)
    record = OfferRecord(**body.model_dump())
    row = prepare_offer(record, catalog_context(state, session=session))
    offer = queries.add_offer(enterprise, row, session=session)
    audit(principal, "create", "offer", offer.id, {**row, "enterprise_id": enterprise.id},
          session=session)
    return offer


def change_offer(principal: Principal, offer_id: int, body: OfferPatch, *,
                 if_match: str | None, state: Any, session: Session) -> Offer:
    """An offer of the principal's with the fields given in ``body`` changed (capacity, price
    and minimum order in the category's canonical unit), if ``if_match`` names its current
    version. A new product name is normalised again and must keep the offer's unit."""
    offer = queries.get_offer(offer_id, principal, session=session)
    check_version(if_match, "offer", offer.id, offer.version)
    given = body.model_dump(exclude_unset=True)
    unit = category_units([offer.category_code], session=session).get(
        offer.category_code or "", offer.unit_typed)
    record = OfferRecord(
        product_name=given.get("product_name", offer.product_name),
        quantity=given.get("capacity", offer.capacity), unit=unit,
        unit_price_idr=given.get("unit_price_idr", offer.unit_price_idr),
        period=given.get("period", offer.period),
        min_order=given.get("min_order", offer.min_order),
        lead_time_days=given.get("lead_time_days", offer.lead_time_days),
        delivery_radius_km=given.get("delivery_radius_km", offer.delivery_radius_km),
        category_code=None if "product_name" in given else offer.category_code)
    unit_changes = ApiProblem(422, "validation", "detail.validation", params={"count": 1},
                              fields=[("product_name", "v.offer_unit_changes")])
    try:
        row = prepare_offer(record, catalog_context(state, session=session))
    except InvalidRecord as error:
        if "product_name" in given and any(p.field == "unit" for p in error.problems):
            raise unit_changes from None
        raise
    if category_units([row["category_code"]], session=session).get(row["category_code"]) \
            != unit:
        raise unit_changes
    row["active"] = given.get("active", offer.active)
    changes = {column: value for column, value in row.items()
               if column != "unit_typed" and getattr(offer, column) != value}
    queries.update_row(offer, changes, session=session)
    audit(principal, "update", "offer", offer.id, changes, session=session)
    return offer


def add_certificate(principal: Principal, enterprise_id: int, body: CertificateIn, *,
                    session: Session) -> Certificate:
    """A certificate the principal's IKM holds; the same kind and number twice is 409."""
    enterprise = queries.get_enterprise(enterprise_id, principal, session=session, own=True)
    row = prepare_certificate(CertificateRecord(**body.model_dump()))
    duplicate = any(c.kind == row["kind"] and c.number == row["number"]
                    for c in enterprise.certificates)
    if duplicate:
        raise ApiProblem(409, "conflict", "detail.duplicate_certificate",
                         params={"kind": row["kind"], "number": row["number"]})
    certificate = queries.add_certificate(enterprise, row, session=session)
    audit(principal, "create", "certificate", certificate.id,
          {**row, "enterprise_id": enterprise.id}, session=session)
    return certificate
