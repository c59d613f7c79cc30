"""Fixtures of the API tests: a small seeded catalog and a client of the app on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.records import (
    CertificateRecord,
    EnterpriseRecord,
    NeedRecord,
    OfferRecord,
    ParkRecord,
    RegionRecord,
)
from catalog.store import (
    CatalogContext,
    load_parks,
    load_regions,
    load_taxonomy,
    prepare_enterprise,
    prepare_need,
    write_enterprises,
    write_needs,
)

TODAY = dt.date(2026, 11, 22)
REGIONS = [
    RegionRecord("72", "72", "province", "provinsi", "Sulawesi Tengah", None, -0.9, 119.87),
    RegionRecord("7203", "72.06", "regency", "kabupaten", "Morowali", "72", -2.55, 121.96),
    RegionRecord("7212", "72.12", "regency", "kabupaten", "Morowali Utara", "72", -2.0, 121.34),
    RegionRecord("7203021", "72.06.10", "district", "kecamatan", "Bahodopi", "7203",
                 -2.87, 122.19),
    RegionRecord("7203030", "72.06.05", "district", "kecamatan", "Bungku Tengah", "7203",
                 -2.56, 121.95),
    RegionRecord("7212031", "72.12.03", "district", "kecamatan", "Petasia Timur", "7212",
                 -1.95, 121.45),
]
PARKS = [
    ParkRecord("IMIP", "Indonesia Morowali Industrial Park", "PT IMIP", "7203021",
               -2.81, 122.16, 87_000),
    ParkRecord("IHIP", "Indonesia Huabao Industrial Park", "PT IHIP", "7203030",
               -2.6, 121.9),
]


def _caterer(name: str, **changes: object) -> EnterpriseRecord:
    fields: dict[str, object] = {
        "name": name, "district_bps_code": "7203021", "latitude": -2.87, "longitude": 122.19,
        "workers": 4, "investment_idr": 50_000_000, "village": "Fatufia",
        "sentra": "Sentra Katering Fatufia",
        "offers": (OfferRecord(f"nasi kotak {name}", 300, "porsi", 25_000,
                               category_code="katering-kontrak"),),
    }
    fields.update(changes)
    return EnterpriseRecord(**fields)  # type: ignore[arg-type]


#: Seven IKM: five caterers in Bahodopi (one with a valid and an expired certificate), a
#: welding shop in Bungku Tengah and a vegetable grower in Petasia Timur (Morowali Utara).
ENTERPRISES = [
    _caterer("Katering Bu Ani", nib="9120001234567", legal_form="UD",
             certificates=(CertificateRecord("HALAL", "ID311100001", "BPJPH",
                                             dt.date(2099, 1, 1)),
                           CertificateRecord("HYGIENE", "SLHS-7", "Dinkes",
                                             dt.date(2001, 1, 1)))),
    _caterer("Katering Dua"),
    _caterer("Katering Tiga"),
    _caterer("Katering Empat"),
    _caterer("Katering Lima"),
    EnterpriseRecord("Bengkel Las Maju", "7203030", -2.56, 121.95, workers=10,
                     investment_idr=300_000_000,
                     offers=(OfferRecord("las pagar dan teralis", 40, "jam", 150_000,
                                         period="minggu", category_code="jasa-las"),)),
    EnterpriseRecord("Tani Sayur Segar", "7212031", -1.95, 121.45, workers=30,
                     investment_idr=2_000_000_000, sentra="Sentra Hortikultura",
                     offers=(OfferRecord("sayur bayam kangkung", 200, "kg", 9_000,
                                         category_code="sayur-daun"),)),
]
NEEDS = [
    NeedRecord("IMIP", "nasi kotak shift pagi", 5_000, "porsi", dt.date(2026, 12, 1),
               required_certificates=("HALAL",), category_code="katering-kontrak"),
    NeedRecord("IMIP", "sayur daun dapur umum", 1_000, "kg", dt.date(2026, 12, 1),
               category_code="sayur-daun"),
    NeedRecord("IHIP", "jasa las perbaikan conveyor", 80, "jam", dt.date(2026, 12, 15),
               period="minggu", status="closed", category_code="jasa-las"),
]


def seed_catalog(url: str) -> None:
    """Write the taxonomy, regions, parks, IKM and needs above to the database at ``url``."""
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            load_taxonomy(session=session)
            load_regions(REGIONS, session=session)
            load_parks(PARKS, session=session)
            context = CatalogContext.load(session=session, today=TODAY)
            write_enterprises([prepare_enterprise(r, context) for r in ENTERPRISES],
                              session=session)
            write_needs([prepare_need(r, context) for r in NEEDS], session=session)
    finally:
        engine.dispose()


@pytest.fixture
def catalog_url(database_url: str) -> str:
    """A database holding the small catalog above."""
    seed_catalog(database_url)
    return database_url


@pytest.fixture
def client(catalog_url: str) -> Iterator[TestClient]:
    """A client of the app on the seeded catalog (lifespan run, so the engine exists)."""
    with TestClient(create_app(Settings(database_url=catalog_url))) as test_client:
        yield test_client


@pytest.fixture
def empty_client(database_url: str) -> Iterator[TestClient]:
    """A client of the app on a migrated, empty database."""
    with TestClient(create_app(Settings(database_url=database_url))) as test_client:
        yield test_client
