"""IKM: ``/api/v1/enterprises`` with their offers and certificates, and ``/api/v1/offers``.

Who (403 for a role that may not, 404 for an object outside the principal's scope):

* listing and reading IKM: everyone, each IKM in the view the reader may have of it (the
  owner's own in full, the agency's province without prices, everyone else the public
  catalogue); the agency sees only the IKM of its province;
* registering an IKM: an IKM owner (bound to it at once), the agency (in its province), an
  admin; changing one: its owner or an admin;
* offers and certificates: their owner or an admin read and write them; the agency reads
  those of its province (offers without prices); others see them only through the public
  catalogue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy import select

from api.auth.principal import CurrentPrincipal, Principal, require
from api.context import catalog_context
from api.deps import SessionDep
from api.enterprises import queries
from api.enterprises.schemas import (
    CertificateIn,
    CertificateOut,
    CertificatePage,
    EnterpriseAgency,
    EnterpriseIn,
    EnterpriseOwn,
    EnterprisePage,
    EnterprisePatch,
    EnterprisePublic,
    EnterpriseView,
    OfferAgency,
    OfferAgencyPage,
    OfferIn,
    OfferOwn,
    OfferOwnPage,
    OfferPatch,
    SizeClass,
)
from api.errors import BAD_BODY_RESPONSES, ApiProblem, problem_content
from api.pagination import IdPath, PageDep, next_cursor, paginate
from api.scope import districts_of_province
from api.taxonomy.queries import category_units
from api.writes import (
    CHANGE_RESPONSES,
    REMOVAL_RESPONSES,
    IfMatch,
    audit,
    check_version,
    set_etag,
)
from catalog.models import Certificate, Enterprise, Offer, Region
from catalog.records import CertificateRecord, EnterpriseRecord, OfferRecord
from catalog.store import (
    InvalidRecord,
    prepare_certificate,
    prepare_enterprise,
    prepare_offer,
)

__all__ = ["offer_router", "router"]

router = APIRouter(prefix="/enterprises", tags=["enterprises"])
offer_router = APIRouter(prefix="/offers", tags=["enterprises"])

Registrars = Annotated[Principal, Depends(require("ikm_owner", "agency", "admin"))]
Owners = Annotated[Principal, Depends(require("ikm_owner", "admin"))]
OfferReaders = Annotated[Principal, Depends(require("ikm_owner", "agency", "admin"))]


def _view(enterprise: Enterprise, principal: Principal, *, session: Any) -> EnterpriseView:
    today = dt.date.today()
    if queries.is_own(principal, enterprise.id):
        units = category_units((o.category_code for o in enterprise.offers), session=session)
        return EnterpriseOwn.of(enterprise, units, today)
    if principal.role == "agency":  # the query already kept the agency to its province
        units = category_units((o.category_code for o in enterprise.offers), session=session)
        return EnterpriseAgency.of(enterprise, units, today)
    return EnterprisePublic.of(enterprise, today)


@router.get("", summary="Daftar IKM / List IKM")
def list_enterprises(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    district_bps_code: Annotated[str | None, Query(
        max_length=13, description="Kode BPS kecamatan. / BPS code of the kecamatan.")] = None,
    regency_bps_code: Annotated[str | None, Query(
        max_length=13, description="Kode BPS kabupaten/kota. / BPS code of the regency.")
    ] = None,
    category: Annotated[str | None, Query(
        max_length=60, description="Kategori yang ditawarkan. / Category offered.")] = None,
    size_class: Annotated[SizeClass | None, Query(description="mikro, kecil, menengah, besar")
    ] = None,
    sentra: Annotated[str | None, Query(
        max_length=120, description="Bagian nama sentra. / Part of the sentra's name.")] = None,
    q: Annotated[str | None, Query(
        max_length=100, description="Cari di nama IKM dan nama produk. / Search IKM and "
        "product names.")] = None,
    own: Annotated[bool, Query(description="Hanya IKM saya. / Only my IKM.")] = False,
) -> EnterprisePage:
    """IKM by id, each in the view the reader may have of it (``view``: own, agency or
    public)."""
    rows, total = queries.list_enterprises(
        principal, session=session, page=page, district_bps_code=district_bps_code,
        regency_bps_code=regency_bps_code, category=category, size_class=size_class,
        sentra=sentra, q=q, own=own)
    return EnterprisePage(items=[_view(e, principal, session=session) for e in rows],
                          total=total, limit=page.limit, offset=page.offset,
                          next_cursor=next_cursor([e.id for e in rows], page))


@router.post("", status_code=status.HTTP_201_CREATED, responses=BAD_BODY_RESPONSES,
             summary="Daftarkan IKM / Register an IKM")
def post_enterprise(request: Request, response: Response, principal: Registrars,
                    session: SessionDep, body: EnterpriseIn) -> EnterpriseView:
    """A new IKM (offers and certificates are added to it afterwards). An owner's account is
    bound to it; the agency may register IKM of its own province only."""
    district = session.execute(select(Region.id, Region.latitude, Region.longitude).where(
        Region.bps_code == body.district_bps_code, Region.level == "district")).first()
    if principal.role == "agency" and district is not None and district[0] not in set(
            session.scalars(districts_of_province(principal.province_id))):
        raise ApiProblem(422, "validation", "detail.validation", params={
            "count": 1, "value": body.district_bps_code},
            fields=[("district_bps_code", "v.district_outside_province")])
    fields = body.model_dump()
    latitude = fields.pop("latitude") or (district[1] if district else 0.0)
    longitude = fields.pop("longitude") or (district[2] if district else 0.0)
    record = EnterpriseRecord(latitude=latitude, longitude=longitude, **fields)
    prepared = prepare_enterprise(record, catalog_context(request.app.state, session=session))
    enterprise = queries.create_enterprise(prepared.row, principal, session=session)
    audit(principal, "create", "enterprise", enterprise.id, prepared.row, session=session)
    response.headers["Location"] = f"{request.url.path}/{enterprise.id}"
    set_etag(response, "enterprise", enterprise.id, enterprise.version)
    return _view(enterprise, _with(principal, enterprise.id), session=session)


def _with(principal: Principal, enterprise_id: int) -> Principal:
    """The principal as it is after registering ``enterprise_id`` (an owner now owns it)."""
    if principal.role != "ikm_owner":
        return principal
    return dataclasses.replace(principal,
                               enterprise_ids=principal.enterprise_ids | {enterprise_id})


@router.get("/{enterprise_id}", summary="Satu IKM / One IKM")
def get_enterprise(response: Response, principal: CurrentPrincipal, session: SessionDep,
                   enterprise_id: IdPath) -> EnterpriseView:
    enterprise = queries.get_enterprise(enterprise_id, principal, session=session)
    if queries.is_own(principal, enterprise.id):
        set_etag(response, "enterprise", enterprise.id, enterprise.version)
    return _view(enterprise, principal, session=session)


@router.patch("/{enterprise_id}", responses={**BAD_BODY_RESPONSES, **CHANGE_RESPONSES},
              summary="Ubah profil IKM / Change an IKM's profile")
def patch_enterprise(request: Request, response: Response, principal: Owners,
                     session: SessionDep, enterprise_id: IdPath, body: EnterprisePatch,
                     if_match: IfMatch = None) -> EnterpriseView:
    """Change the profile; ``If-Match`` must carry the ETag last read (428, 412)."""
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
    prepared = prepare_enterprise(record, catalog_context(request.app.state, session=session))
    changes = {column: value for column, value in prepared.row.items()
               if getattr(enterprise, column) != value}
    queries.update_row(enterprise, changes, session=session)
    audit(principal, "update", "enterprise", enterprise.id, changes, session=session)
    set_etag(response, "enterprise", enterprise.id, enterprise.version)
    return _view(enterprise, principal, session=session)


# --- offers --------------------------------------------------------------------------------


def _offers_of(enterprise_id: int, principal: Principal, session: Any) -> Enterprise:
    """The IKM whose offers or certificates the principal may read: its own, or for the
    agency those of its province; anything else is not found."""
    own = principal.role == "ikm_owner"
    return queries.get_enterprise(enterprise_id, principal, session=session, own=own)


@router.get("/{enterprise_id}/offers", summary="Penawaran IKM / An IKM's offers")
def list_offers(principal: OfferReaders, session: SessionDep, page: PageDep,
                enterprise_id: IdPath) -> OfferOwnPage | OfferAgencyPage:
    """The IKM's offers by id: with prices for its owner, without for the agency."""
    enterprise = _offers_of(enterprise_id, principal, session)
    offers, total = paginate(select(Offer).where(Offer.enterprise_id == enterprise.id),
                             Offer.id, page, session=session)
    units = category_units((o.category_code for o in offers), session=session)
    fields = {"total": total, "limit": page.limit, "offset": page.offset,
              "next_cursor": next_cursor([o.id for o in offers], page)}
    if queries.is_own(principal, enterprise.id):
        return OfferOwnPage(items=[OfferOwn.of(o, units) for o in offers], **fields)
    return OfferAgencyPage(items=[OfferAgency.of(o, units) for o in offers], **fields)


@router.post("/{enterprise_id}/offers", status_code=status.HTTP_201_CREATED,
             responses=BAD_BODY_RESPONSES, summary="Tambah penawaran / Add an offer")
def post_offer(request: Request, response: Response, principal: Owners, session: SessionDep,
               enterprise_id: IdPath, body: OfferIn) -> OfferOwn:
    """A new offer of the IKM: the product name goes through the normaliser and the quantity,
    minimum order and price are converted into its category's unit."""
    enterprise = queries.get_enterprise(enterprise_id, principal, session=session, own=True)
    record = OfferRecord(**body.model_dump())
    row = prepare_offer(record, catalog_context(request.app.state, session=session))
    offer = queries.add_offer(enterprise, row, session=session)
    audit(principal, "create", "offer", offer.id, {**row, "enterprise_id": enterprise.id},
          session=session)
    response.headers["Location"] = f"/api/v1/offers/{offer.id}"
    set_etag(response, "offer", offer.id, offer.version)
    return OfferOwn.of(offer, category_units([offer.category_code], session=session))


@offer_router.patch("/{offer_id}", responses={**BAD_BODY_RESPONSES, **CHANGE_RESPONSES},
                    summary="Ubah penawaran / Change an offer")
def patch_offer(request: Request, response: Response, principal: Owners, session: SessionDep,
                offer_id: IdPath, body: OfferPatch, if_match: IfMatch = None) -> OfferOwn:
    """Change an offer; capacity, price and minimum order are in the category's canonical
    unit. ``If-Match`` must carry the ETag last read (428, 412)."""
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
        row = prepare_offer(record, catalog_context(request.app.state, session=session))
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
    set_etag(response, "offer", offer.id, offer.version)
    return OfferOwn.of(offer, category_units([offer.category_code], session=session))


@offer_router.delete("/{offer_id}", status_code=status.HTTP_204_NO_CONTENT,
                     responses=REMOVAL_RESPONSES, summary="Hapus penawaran / Delete an offer")
def delete_offer(principal: Owners, session: SessionDep, offer_id: IdPath,
                 if_match: IfMatch = None) -> None:
    offer = queries.get_offer(offer_id, principal, session=session)
    if if_match is not None:
        check_version(if_match, "offer", offer.id, offer.version)
    audit(principal, "delete", "offer", offer.id,
          {"product_name": offer.product_name, "enterprise_id": offer.enterprise_id},
          session=session)
    session.delete(offer)


# --- certificates --------------------------------------------------------------------------


@router.get("/{enterprise_id}/certificates", summary="Sertifikat IKM / An IKM's certificates")
def list_certificates(principal: OfferReaders, session: SessionDep, page: PageDep,
                      enterprise_id: IdPath) -> CertificatePage:
    """Certificates by id, with validity and a warning when they end within 60 days."""
    enterprise = _offers_of(enterprise_id, principal, session)
    certificates, total = paginate(
        select(Certificate).where(Certificate.enterprise_id == enterprise.id),
        Certificate.id, page, session=session)
    today = dt.date.today()
    return CertificatePage(items=[CertificateOut.of(c, today) for c in certificates],
                           total=total, limit=page.limit, offset=page.offset,
                           next_cursor=next_cursor([c.id for c in certificates], page))


@router.post("/{enterprise_id}/certificates", status_code=status.HTTP_201_CREATED,
             responses={**BAD_BODY_RESPONSES, 409: problem_content(
                 "Sertifikat itu sudah tercatat / That certificate is already recorded")},
             summary="Tambah sertifikat / Add a certificate")
def post_certificate(principal: Owners, session: SessionDep, enterprise_id: IdPath,
                     body: CertificateIn) -> CertificateOut:
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
    return CertificateOut.of(certificate, dt.date.today())

