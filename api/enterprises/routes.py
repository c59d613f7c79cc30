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

Changing an IKM, an offer or adding a certificate is :mod:`api.enterprises.usecases`, which
the owner's pages (:mod:`api.pages.owner`) call too; the routes add the HTTP around it.
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
from api.enterprises import queries, usecases
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
from catalog.records import EnterpriseRecord
from catalog.store import (
    prepare_enterprise,
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
    usecases.check_nib_free(prepared.row.get("nib"), session=session)
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
    enterprise = usecases.change_enterprise(principal, enterprise_id, body, if_match=if_match,
                                            state=request.app.state, session=session)
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
    offer = usecases.add_offer(principal, enterprise_id, body, state=request.app.state,
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
    offer = usecases.change_offer(principal, offer_id, body, if_match=if_match,
                                  state=request.app.state, session=session)
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
    certificate = usecases.add_certificate(principal, enterprise_id, body, session=session)
    return CertificateOut.of(certificate, dt.date.today())

