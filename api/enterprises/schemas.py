"""The wire format of IKM (enterprises), their offers and certificates: one view per reader.

* :class:`EnterprisePublic` — the public catalogue everyone may see of any IKM: name,
  kecamatan, categories, certificate kinds held. Never a price, capacity, contact or what it
  won.
* :class:`EnterpriseAgency` — what the agency sees of an IKM in its province: the profile
  (size, workers, investment, NIB, sentra, association) and its offers with capacity, but no
  unit prices (the agency sees prices only aggregated over at least three IKM) and no owner
  contact.
* :class:`EnterpriseOwn` — the owner's (and an admin's) view: everything, offers with prices,
  certificates with their numbers, the owner's contact (personal data, UU 27/2022).

Request models refuse unknown fields, so nothing can be set that the route does not mean to
set (a version, an id, an owner).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.needs.schemas import CertificateKind
from api.pagination import Page
from api.writes import etag
from catalog.models import Certificate, Enterprise, Offer

__all__ = ["CertificateIn", "CertificateOut", "CertificatePage", "EnterpriseAgency",
           "EnterpriseIn", "EnterpriseOwn", "EnterprisePage", "EnterprisePatch",
           "EnterprisePublic", "EnterpriseView", "LegalForm", "OfferAgency", "OfferAgencyPage",
           "OfferIn", "OfferOwn", "OfferOwnPage", "OfferPatch", "SizeClass"]

SizeClass = Literal["mikro", "kecil", "menengah", "besar"]
LegalForm = Literal["perorangan", "UD", "CV", "PT", "koperasi", "firma"]
OfferPeriod = Literal["hari", "minggu", "bulan"]


def _valid_kinds(enterprise: Enterprise, today: dt.date) -> list[str]:
    return sorted({c.kind for c in enterprise.certificates
                   if c.valid_until is None or c.valid_until >= today})


class EnterprisePublic(BaseModel):
    """An IKM as the public catalogue shows it."""

    view: Literal["public"] = "public"
    id: int
    name: str = Field(examples=["Katering Bu Ani"])
    district_bps_code: str = Field(examples=["7203021"])
    district_name: str = Field(examples=["Bahodopi"])
    regency_name: str | None = Field(examples=["Morowali"])
    categories: list[str] = Field(examples=[["katering-kontrak"]])
    certificates: list[str] = Field(examples=[["HALAL", "NIB"]],
                                    description="Jenis sertifikat yang berlaku / kinds held")

    @classmethod
    def of(cls, enterprise: Enterprise, today: dt.date) -> EnterprisePublic:
        district = enterprise.district
        return cls(id=enterprise.id, name=enterprise.name,
                   district_bps_code=district.bps_code, district_name=district.name,
                   regency_name=district.parent.name if district.parent else None,
                   categories=sorted({o.category_code for o in enterprise.offers
                                      if o.active and o.category_code}),
                   certificates=_valid_kinds(enterprise, today))


class OfferAgency(BaseModel):
    """An offer without its price: capacity per period in the category's canonical unit."""

    id: int
    product_name: str = Field(examples=["nasbox ayam 500 porsi"])
    category_code: str | None
    category_status: str = Field(examples=["auto"])
    category_score: int
    capacity: int
    unit: str | None = Field(examples=["porsi"], description="Satuan kanonik / canonical unit")
    period: str = Field(examples=["hari"])
    lead_time_days: int
    delivery_radius_km: int
    active: bool

    @classmethod
    def fields_of(cls, offer: Offer, units: Mapping[str, str]) -> dict[str, object]:
        return {"id": offer.id, "product_name": offer.product_name,
                "category_code": offer.category_code, "category_status": offer.category_status,
                "category_score": offer.category_score, "capacity": offer.capacity,
                "unit": units.get(offer.category_code) if offer.category_code else None,
                "period": offer.period, "lead_time_days": offer.lead_time_days,
                "delivery_radius_km": offer.delivery_radius_km, "active": offer.active}

    @classmethod
    def of(cls, offer: Offer, units: Mapping[str, str]) -> OfferAgency:
        return cls.model_validate(cls.fields_of(offer, units))


class OfferOwn(OfferAgency):
    """An offer as its owner sees it: with the unit price, minimum order and ETag."""

    unit_typed: str
    unit_price_idr: int = Field(description="per satuan kanonik / per canonical unit")
    min_order: int
    etag: str

    @classmethod
    def of(cls, offer: Offer, units: Mapping[str, str]) -> OfferOwn:
        return cls.model_validate({**OfferAgency.fields_of(offer, units),
                                   "unit_typed": offer.unit_typed,
                                   "unit_price_idr": offer.unit_price_idr,
                                   "min_order": offer.min_order,
                                   "etag": etag("offer", offer.id, offer.version)})


class CertificateOut(BaseModel):
    """A certificate; ``valid`` is false once ``valid_until`` has passed, ``expires_soon`` when
    it ends within 60 days."""

    id: int
    kind: str = Field(examples=["HALAL"])
    number: str
    issuer: str | None
    valid_until: dt.date | None
    valid: bool
    expires_soon: bool

    @classmethod
    def of(cls, certificate: Certificate, today: dt.date) -> CertificateOut:
        until = certificate.valid_until
        valid = until is None or until >= today
        return cls(id=certificate.id, kind=certificate.kind, number=certificate.number,
                   issuer=certificate.issuer, valid_until=until, valid=valid,
                   expires_soon=valid and until is not None
                   and until <= today + dt.timedelta(days=60))


class EnterpriseAgency(BaseModel):
    """An IKM in the agency's province: profile and capacity, no prices or contact."""

    view: Literal["agency"] = "agency"
    id: int
    name: str
    nib: str | None
    legal_form: str
    size_class: SizeClass
    workers: int
    investment_idr: int
    district_bps_code: str
    district_name: str
    regency_bps_code: str | None
    regency_name: str | None
    village: str | None
    sentra: str | None
    association: str | None
    latitude: float
    longitude: float
    categories: list[str]
    offers: list[OfferAgency]
    certificates: list[CertificateOut]

    @classmethod
    def fields_of(cls, enterprise: Enterprise, units: Mapping[str, str],
                  today: dt.date) -> dict[str, object]:
        district = enterprise.district
        regency = district.parent
        return {
            "id": enterprise.id, "name": enterprise.name, "nib": enterprise.nib,
            "legal_form": enterprise.legal_form, "size_class": enterprise.size_class,
            "workers": enterprise.workers, "investment_idr": enterprise.investment_idr,
            "district_bps_code": district.bps_code, "district_name": district.name,
            "regency_bps_code": regency.bps_code if regency else None,
            "regency_name": regency.name if regency else None,
            "village": enterprise.village, "sentra": enterprise.sentra,
            "association": enterprise.association, "latitude": enterprise.latitude,
            "longitude": enterprise.longitude,
            "categories": sorted({o.category_code for o in enterprise.offers
                                  if o.active and o.category_code}),
            "certificates": [CertificateOut.of(c, today) for c
                             in sorted(enterprise.certificates, key=lambda c: c.id)],
        }

    @classmethod
    def of(cls, enterprise: Enterprise, units: Mapping[str, str],
           today: dt.date) -> EnterpriseAgency:
        return cls.model_validate({
            **cls.fields_of(enterprise, units, today),
            "offers": [OfferAgency.of(o, units)
                       for o in sorted(enterprise.offers, key=lambda o: o.id)]})


class EnterpriseOwn(EnterpriseAgency):
    """An IKM as its owner (or an admin) sees it: everything, with prices and contact."""

    view: Literal["own"] = "own"  # type: ignore[assignment]
    address: str | None
    owner_name: str | None
    owner_phone: str | None
    owner_email: str | None
    offers: list[OfferOwn]  # type: ignore[assignment]
    etag: str

    @classmethod
    def of(cls, enterprise: Enterprise, units: Mapping[str, str],
           today: dt.date) -> EnterpriseOwn:
        return cls.model_validate({
            **EnterpriseAgency.fields_of(enterprise, units, today),
            "address": enterprise.address, "owner_name": enterprise.owner_name,
            "owner_phone": enterprise.owner_phone, "owner_email": enterprise.owner_email,
            "offers": [OfferOwn.of(o, units)
                       for o in sorted(enterprise.offers, key=lambda o: o.id)],
            "etag": etag("enterprise", enterprise.id, enterprise.version)})


EnterpriseView = EnterpriseOwn | EnterpriseAgency | EnterprisePublic


class EnterprisePage(Page[EnterpriseView]):
    """A page of IKM, each in the view the reader may have of it (``view``)."""


class OfferOwnPage(Page[OfferOwn]):
    """A page of an IKM's offers, as its owner sees them."""


class OfferAgencyPage(Page[OfferAgency]):
    """A page of an IKM's offers, as the agency of its province sees them (no prices)."""


class CertificatePage(Page[CertificateOut]):
    """A page of an IKM's certificates."""


class EnterpriseIn(BaseModel):
    """A new IKM. Its offers and certificates are added afterwards; latitude and longitude
    default to the kecamatan's centre."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["Katering Bu Ani"])
    district_bps_code: str = Field(min_length=7, max_length=7, pattern=r"^[0-9]{7}$",
                                   examples=["7203021"])
    workers: int = Field(ge=0, le=100_000, examples=[4])
    investment_idr: int = Field(ge=0, le=10**15, examples=[50_000_000])
    legal_form: LegalForm = "perorangan"
    nib: str | None = Field(default=None, pattern=r"^[0-9]{13}$")
    village: str | None = Field(default=None, max_length=120)
    address: str | None = Field(default=None, max_length=500)
    owner_name: str | None = Field(default=None, max_length=120)
    owner_phone: str | None = Field(default=None, max_length=30)
    owner_email: str | None = Field(default=None, max_length=120)
    association: str | None = Field(default=None, max_length=120)
    sentra: str | None = Field(default=None, max_length=120)
    latitude: float | None = Field(default=None, ge=-11.5, le=6.5)
    longitude: float | None = Field(default=None, ge=94.5, le=141.5)


class EnterprisePatch(BaseModel):
    """Changes to an IKM's profile (the kecamatan stays: a move is a new IKM record). A field
    left out stays as it is; ``null`` clears the optional ones (NIB, contact, ...) and is
    refused for name, workers, investment and legal form, which every IKM has."""

    model_config = ConfigDict(extra="forbid")

    # Left out but not emptied: not nullable; the default is never seen (the route reads
    # ``model_dump(exclude_unset=True)``).
    name: Annotated[str, Field(default=None, min_length=1, max_length=200)]
    workers: Annotated[int, Field(default=None, ge=0, le=100_000)]
    investment_idr: Annotated[int, Field(default=None, ge=0, le=10**15)]
    legal_form: Annotated[LegalForm, Field(default=None)]
    nib: str | None = Field(default=None, pattern=r"^[0-9]{13}$")
    village: str | None = Field(default=None, max_length=120)
    address: str | None = Field(default=None, max_length=500)
    owner_name: str | None = Field(default=None, max_length=120)
    owner_phone: str | None = Field(default=None, max_length=30)
    owner_email: str | None = Field(default=None, max_length=120)
    association: str | None = Field(default=None, max_length=120)
    sentra: str | None = Field(default=None, max_length=120)


class OfferIn(BaseModel):
    """A new offer, as the owner says it: what, how much per period in its unit, at what
    price per that unit."""

    model_config = ConfigDict(extra="forbid")

    product_name: str = Field(min_length=1, max_length=300, examples=["nasbox ayam"])
    quantity: float = Field(gt=0, le=1e12, examples=[500],
                            description="Kapasitas per periode / capacity per period")
    unit: str = Field(min_length=1, max_length=30, examples=["porsi"])
    unit_price_idr: int = Field(ge=0, le=10**12, examples=[25_000])
    period: OfferPeriod = "hari"
    min_order: float = Field(default=0, ge=0, le=1e12)
    lead_time_days: int = Field(default=1, ge=0, le=365)
    delivery_radius_km: int = Field(default=100, ge=1, le=20_000)
    category_code: str | None = Field(default=None, max_length=60)


class OfferPatch(BaseModel):
    """Changes to an offer: capacity, price and minimum order in the category's canonical
    unit; a new product name is normalised again and must stay in a category of that unit.
    A field left out stays as it is; none may be ``null`` (every offer has them all)."""

    model_config = ConfigDict(extra="forbid")

    # Left out but not emptied: not nullable; the defaults are never seen (the route reads
    # ``model_dump(exclude_unset=True)``).
    product_name: Annotated[str, Field(default=None, min_length=1, max_length=300)]
    capacity: Annotated[int, Field(default=None, gt=0, le=10**12)]
    unit_price_idr: Annotated[int, Field(default=None, ge=0, le=10**12)]
    period: Annotated[OfferPeriod, Field(default=None)]
    min_order: Annotated[int, Field(default=None, ge=0, le=10**12)]
    lead_time_days: Annotated[int, Field(default=None, ge=0, le=365)]
    delivery_radius_km: Annotated[int, Field(default=None, ge=1, le=20_000)]
    active: Annotated[bool, Field(default=None)]


class CertificateIn(BaseModel):
    """A certificate the IKM holds."""

    model_config = ConfigDict(extra="forbid")

    kind: CertificateKind
    number: str = Field(min_length=1, max_length=60, examples=["ID31110000123"])
    issuer: str | None = Field(default=None, max_length=120, examples=["BPJPH"])
    valid_until: dt.date | None = Field(default=None, description="null: tidak kedaluwarsa")
