"""The wire format of IKM (enterprises), their offers and certificates.

Owners' phone numbers and e-mail addresses are personal data (UU 27/2022); they stay out of
this unauthenticated, read-only API until access control exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

from api.pagination import Page
from catalog.models import Certificate, Enterprise, Offer

__all__ = ["CertificateOut", "EnterpriseDetail", "EnterpriseOut", "EnterprisePage",
           "OfferOut", "SizeClass"]

SizeClass = Literal["mikro", "kecil", "menengah", "besar"]


class EnterpriseOut(BaseModel):
    """An IKM: where it is, how big, and the categories it actively offers."""

    id: int
    name: str = Field(examples=["Katering Bu Ani"])
    nib: str | None = Field(examples=["9120001234567"])
    legal_form: str = Field(examples=["UD"])
    size_class: SizeClass
    workers: int
    investment_idr: int
    district_bps_code: str = Field(examples=["7203010"])
    district_name: str = Field(examples=["Bahodopi"])
    regency_bps_code: str | None = Field(examples=["7203"])
    regency_name: str | None = Field(examples=["Morowali"])
    village: str | None
    sentra: str | None
    association: str | None
    latitude: float
    longitude: float
    categories: list[str] = Field(examples=[["katering-kontrak"]])
    offer_count: int

    @classmethod
    def of(cls, enterprise: Enterprise) -> EnterpriseOut:
        district = enterprise.district
        regency = district.parent
        return cls(
            id=enterprise.id, name=enterprise.name, nib=enterprise.nib,
            legal_form=enterprise.legal_form,
            size_class=enterprise.size_class,
            workers=enterprise.workers, investment_idr=enterprise.investment_idr,
            district_bps_code=district.bps_code, district_name=district.name,
            regency_bps_code=regency.bps_code if regency else None,
            regency_name=regency.name if regency else None,
            village=enterprise.village, sentra=enterprise.sentra,
            association=enterprise.association, latitude=enterprise.latitude,
            longitude=enterprise.longitude,
            categories=sorted({o.category_code for o in enterprise.offers
                               if o.active and o.category_code}),
            offer_count=len(enterprise.offers),
        )


class OfferOut(BaseModel):
    """An offer: capacity per period in the category's canonical ``unit``, price per unit."""

    id: int
    product_name: str = Field(examples=["nasbox ayam 500 porsi"])
    category_code: str | None
    category_status: str = Field(examples=["auto"])
    category_score: int
    capacity: int
    unit: str | None = Field(examples=["porsi"], description="Satuan kanonik / canonical unit")
    unit_typed: str
    period: str = Field(examples=["hari"])
    unit_price_idr: int
    min_order: int
    lead_time_days: int
    delivery_radius_km: int
    active: bool

    @classmethod
    def of(cls, offer: Offer, units: Mapping[str, str]) -> OfferOut:
        return cls(
            id=offer.id, product_name=offer.product_name, category_code=offer.category_code,
            category_status=offer.category_status, category_score=offer.category_score,
            capacity=offer.capacity,
            unit=units.get(offer.category_code) if offer.category_code else None,
            unit_typed=offer.unit_typed, period=offer.period,
            unit_price_idr=offer.unit_price_idr, min_order=offer.min_order,
            lead_time_days=offer.lead_time_days, delivery_radius_km=offer.delivery_radius_km,
            active=offer.active)


class CertificateOut(BaseModel):
    """A certificate; ``valid`` is false once ``valid_until`` has passed."""

    id: int
    kind: str = Field(examples=["HALAL"])
    number: str
    issuer: str | None
    valid_until: dt.date | None
    valid: bool

    @classmethod
    def of(cls, certificate: Certificate, today: dt.date) -> CertificateOut:
        return cls(id=certificate.id, kind=certificate.kind, number=certificate.number,
                   issuer=certificate.issuer, valid_until=certificate.valid_until,
                   valid=certificate.valid_until is None or certificate.valid_until >= today)


class EnterpriseDetail(EnterpriseOut):
    """An IKM with its address, owner, offers and certificates."""

    address: str | None
    owner_name: str | None
    offers: list[OfferOut]
    certificates: list[CertificateOut]


class EnterprisePage(Page[EnterpriseOut]):
    """A page of IKM."""
