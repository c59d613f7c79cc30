"""Plain records of what enters the catalog, before it is stored.

Importers (Excel, CSV), the demo data and the synthetic generator all produce these; the
functions in :mod:`catalog.store` validate them, convert quantities to canonical units, resolve
codes to rows and write them. Values are as the source gave them: quantities in ``unit`` as
typed, prices in rupiah per typed unit, regions by BPS code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = [
    "CertificateRecord",
    "EnterpriseRecord",
    "LinkRecord",
    "NeedRecord",
    "OfferRecord",
    "ParkRecord",
    "RegionRecord",
]


@dataclass(frozen=True, slots=True)
class RegionRecord:
    """A region with both official codes (BPS "7203", Kemendagri "72.06" for Morowali)."""

    bps_code: str
    kemendagri_code: str
    level: str  # province | regency | district | village
    kind: str  # provinsi | kabupaten | kota | kecamatan | desa | kelurahan
    name: str
    parent_bps_code: str | None
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """A road or sea link between two regions, usable in both directions."""

    from_bps_code: str
    to_bps_code: str
    mode: str  # road | sea
    km: float
    hours: float


@dataclass(frozen=True, slots=True)
class ParkRecord:
    code: str
    name: str
    operator: str
    region_bps_code: str  # the kecamatan the gate is in
    gate_latitude: float
    gate_longitude: float
    workers: int | None = None
    #: Percent below landed cost at which offers from the park's kabupaten are weighed.
    local_preference_percent: int = 0


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    kind: str  # NIB | HALAL | PIRT | BPOM_MD | SNI | ISO9001 | SMK3 | HYGIENE
    number: str
    issuer: str | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class OfferRecord:
    """An offer as typed: "nasbox ayam", 500 porsi a day at Rp 25.000 per porsi."""

    product_name: str
    quantity: float  # capacity per period, in ``unit``
    unit: str
    unit_price_idr: int  # rupiah per ``unit``
    period: str = "hari"  # hari | minggu | bulan
    min_order: float = 0  # in ``unit``
    lead_time_days: int = 1
    delivery_radius_km: int = 100
    #: When the source states the category (a "Kategori" column, generated data); otherwise
    #: the product name is normalised.
    category_code: str | None = None


@dataclass(frozen=True, slots=True)
class EnterpriseRecord:
    name: str
    district_bps_code: str  # kecamatan
    latitude: float
    longitude: float
    workers: int
    investment_idr: int
    legal_form: str = "perorangan"
    nib: str | None = None
    village: str | None = None
    address: str | None = None
    owner_name: str | None = None
    owner_phone: str | None = None
    owner_email: str | None = None
    association: str | None = None
    sentra: str | None = None
    offers: tuple[OfferRecord, ...] = field(default_factory=tuple)
    certificates: tuple[CertificateRecord, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class NeedRecord:
    """A park's need as its procurement team typed it."""

    park_code: str
    product_name: str
    quantity: float  # per period, in ``unit``
    unit: str
    due_date: dt.date
    period: str = "hari"  # hari | minggu | bulan | sekali
    required_certificates: tuple[str, ...] = ()
    max_unit_price_idr: int | None = None  # rupiah per ``unit``
    split_allowed: bool = True
    min_lot: float = 0  # in ``unit``
    max_suppliers: int | None = None
    max_distance_km: int | None = None
    status: str = "open"
    category_code: str | None = None
