"""Fixtures of the API tests: a small seeded catalog and a client of the app on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.app import create_app
from api.auth.principal import app_secret_key
from api.auth.security import hash_password, make_token
from api.settings import Settings
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import Account, AccountEnterprise, Enterprise, Park, Region
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


#: The accounts of the seeded catalog: username → (role, what it is bound to).
ACCOUNTS: dict[str, tuple[str, dict[str, object]]] = {
    "buyer.imip": ("park_buyer", {"park": "IMIP"}),
    "buyer.ihip": ("park_buyer", {"park": "IHIP"}),
    "owner.ani": ("ikm_owner", {"enterprises": ["Katering Bu Ani"]}),
    "owner.las": ("ikm_owner", {"enterprises": ["Bengkel Las Maju"]}),
    "agency.sulteng": ("agency", {"province": "72"}),
    "admin": ("admin", {}),
}
PASSWORD = "rahasia-uji"


@cache
def _password_hash() -> str:
    # One argon2 hash for every test account: hashing takes a tenth of a second each.
    return hash_password(PASSWORD)


def seed_accounts(session: Session) -> dict[str, int]:
    """The accounts of :data:`ACCOUNTS`; their ids by username."""
    parks = dict(session.execute(select(Park.code, Park.id)).all())
    names = dict(session.execute(select(Enterprise.name, Enterprise.id)).all())
    ids = {}
    for username, (role, bound) in ACCOUNTS.items():
        province = bound.get("province")
        account = Account(
            username=username, display_name=username, password_hash=_password_hash(),
            role=role, park_id=parks.get(bound.get("park")),  # type: ignore[arg-type]
            province_id=session.scalar(select(Region.id).where(Region.bps_code == province))
            if province else None)
        session.add(account)
        session.flush()
        for name in bound.get("enterprises", []):  # type: ignore[attr-defined]
            session.add(AccountEnterprise(account_id=account.id, enterprise_id=names[name]))
        ids[username] = account.id
    return ids


def seed_catalog(url: str) -> None:
    """Write the taxonomy, regions, parks, IKM, needs and accounts above to the database at
    ``url``."""
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
            seed_accounts(session)
    finally:
        engine.dispose()


def headers_for(client: TestClient, username: str) -> dict[str, str]:
    """A bearer token of ``username`` for ``client``'s app (made directly, not by signing in,
    which would hash a password per call)."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine)() as session:
        account = session.scalar(select(Account).where(Account.username == username))
        assert account is not None, username
        token, _ = make_token(account.id, account.role,
                              secret=app_secret_key(client.app.state),  # type: ignore[attr-defined]
                              minutes=30)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def catalog_url(database_url: str) -> str:
    """A database holding the small catalog above."""
    seed_catalog(database_url)
    return database_url


def test_settings(url: str) -> Settings:
    """Settings of the apps under test: no run dispatcher unless a test starts one."""
    return Settings(database_url=url, run_dispatcher=False)


@pytest.fixture
def anonymous(catalog_url: str) -> Iterator[TestClient]:
    """A client of the app on the seeded catalog, without credentials."""
    with TestClient(create_app(test_settings(catalog_url))) as test_client:
        yield test_client


@pytest.fixture
def client(anonymous: TestClient) -> TestClient:
    """A client of the app on the seeded catalog, signed in as the admin (who sees
    everything); other roles: :func:`headers_for`."""
    anonymous.headers.update(headers_for(anonymous, "admin"))
    return anonymous


@pytest.fixture
def empty_client(database_url: str) -> Iterator[TestClient]:
    """A client of the app on a migrated, empty database, with one admin account."""
    engine = make_engine(database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        session.add(Account(username="admin", display_name="admin",
                            password_hash=_password_hash(), role="admin"))
    engine.dispose()
    with TestClient(create_app(test_settings(database_url))) as test_client:
        test_client.headers.update(headers_for(test_client, "admin"))
        yield test_client
