"""The authorisation matrix: every operation under ``/api/v1`` × every role × an object of
the role's own tenant and one of another's.

Each cell checks the status the rules give (no credentials 401, a function outside the role
403, an object outside the principal's scope 404, see ``docs/api.md``, "Roles and who sees
what") and that nothing of another tenant appears anywhere in the body: no other park's needs,
no other IKM's price, capacity, contact, NIB, certificates, offers or what it won, no other
account's API keys; for the agency nothing outside its province. A refused write changes
nothing (read again as the admin); an allowed one succeeds and is undone. A test fails when
the API documents an operation the matrix does not list, so a new endpoint cannot go
unchecked.

The catalog of ``conftest.py``, with East Java beside it (a park with a need, an IKM), details
that are each one tenant's own (contacts, NIBs, prices and capacities no other IKM has), unsure
rows in the review queue, an API key per account and a finished match run, is seeded once per
module and backend; cells that write use objects of their own or put back what they changed.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, TypedDict

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from api.agency.report import XLSX_MEDIA_TYPE
from api.app import API_PREFIX, create_app
from api.auth.accounts import create_key
from api.runs.worker import execute_run
from api.settings import Settings
from catalog.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from catalog.models import Account, ApiKey, Certificate, Enterprise, MatchRun, Need, Offer, Park
from catalog.records import (
    CertificateRecord,
    EnterpriseRecord,
    OfferRecord,
    ParkRecord,
    RegionRecord,
)
from catalog.store import (
    CatalogContext,
    load_parks,
    load_regions,
    prepare_enterprise,
    write_enterprises,
)

from ..conftest import BACKENDS, _empty_postgres
from .conftest import ACCOUNTS, PASSWORD, headers_for, seed_catalog
from .conftest import test_settings as app_settings

# --- the tenants and what is each one's own ------------------------------------------------

EAST_JAVA = [
    RegionRecord("35", "35", "province", "provinsi", "Jawa Timur", None, -7.5, 112.5),
    RegionRecord("3525", "35.25", "regency", "kabupaten", "Gresik", "35", -7.16, 112.65),
    RegionRecord("3525100", "35.25.10", "district", "kecamatan", "Manyar", "3525",
                 -7.12, 112.6),
]
JIIPE = ParkRecord("JIIPE", "Java Integrated Industrial and Port Estate", "PT BKMS", "3525100",
                   -7.1, 112.6)
#: Kecamatan in the agency's province (Bahodopi) and outside it (Manyar, East Java).
DISTRICTS = ("7203021", "3525100")

#: Each park's needs by product name: the seeded ones, East Java's, and two the normaliser was
#: unsure of, in the review queue ("sayur campur dapur" of IMIP, "galon pelabuhan" of JIIPE).
PARK_NEEDS = {
    "IMIP": ("nasi kotak shift pagi", "sayur daun dapur umum", "sayur campur dapur"),
    "IHIP": ("jasa las perbaikan conveyor",),
    "JIIPE": ("kardus kemasan produk", "galon pelabuhan"),
}
#: The need of each park the cells about one need read.
PARK_NEED = {park: names[0] for park, names in PARK_NEEDS.items()}


@dataclass(frozen=True)
class Ikm:
    """What is one IKM's own: nobody but its owner, the admin and (without price and contact)
    the agency of its province may see it."""

    name: str
    offers: tuple[str, ...]
    price: int
    capacity: int
    nib: str
    contact: tuple[str, ...]
    certificates: tuple[str, ...]


#: Prices and capacities no other IKM has, so that finding one in a body is finding a leak.
IKM = {
    "ani": Ikm("Katering Bu Ani", ("nasi kotak Katering Bu Ani",), 26_750, 1_313,
               "9120001234567", ("Ani Rahmawati", "0812-7203-0210", "ani@katering.example",
                                 "Jl. Trans Sulawesi Fatufia 7"),
               ("ID311100001", "SLHS-7")),
    "las": Ikm("Bengkel Las Maju", ("las pagar dan teralis",), 151_250, 4_147,
               "9120007654321", ("Darto Wibisono", "0813-5550-4242", "las.maju@bengkel.example",
                                 "Jl. Bungku Raya 12"),
               ("SNI-LAS-0042",)),
    "kardus": Ikm("Kardus Gresik Jaya", ("kardus packing", "kotak karton gresik"), 4_321, 5_207,
                  "3525000000001", ("Hendra Gunawan", "0821-3525-0001", "kardus@gresik.example",
                                    "Jl. Manyar Sejati 3"),
                  ("SNI-KRD-0099",)),
}
IKM_KINDS = ("name", "offer", "price", "capacity", "nib", "contact", "certificate")

ROLES = ("anonymous", *ACCOUNTS)
GROUPS = {"anonymous": "anonymous",
          **{username: {"park_buyer": "buyer", "ikm_owner": "owner"}.get(role, role)
             for username, (role, _) in ACCOUNTS.items()}}

#: Whose park, IKM and account is "own" and "other" for each role: for a buyer its park and
#: the IKM supplying it; for an owner its IKM and the park it supplies; for the agency and the
#: admin Central Sulawesi and East Java.
PARK_PAIRS = {"anonymous": ("IMIP", "IHIP"), "buyer.imip": ("IMIP", "IHIP"),
              "buyer.ihip": ("IHIP", "IMIP"), "owner.ani": ("IMIP", "IHIP"),
              "owner.las": ("IHIP", "IMIP"), "agency.sulteng": ("IMIP", "JIIPE"),
              "admin": ("IMIP", "JIIPE")}
IKM_PAIRS = {"anonymous": ("ani", "las"), "buyer.imip": ("ani", "las"),
             "buyer.ihip": ("las", "ani"), "owner.ani": ("ani", "las"),
             "owner.las": ("las", "ani"), "agency.sulteng": ("ani", "kardus"),
             "admin": ("ani", "kardus")}
ACCOUNT_PAIRS = {"anonymous": ("admin", "buyer.imip"),
                 "buyer.imip": ("buyer.imip", "buyer.ihip"),
                 "buyer.ihip": ("buyer.ihip", "buyer.imip"),
                 "owner.ani": ("owner.ani", "owner.las"), "owner.las": ("owner.las", "owner.ani"),
                 "agency.sulteng": ("agency.sulteng", "admin"),
                 "admin": ("admin", "agency.sulteng")}

Seen = frozenset[tuple[str, str]]


def _ikm_seen(*keys: str, kinds: tuple[str, ...] = IKM_KINDS) -> Seen:
    return frozenset((key, kind) for key in keys for kind in kinds)


#: What each role may see anywhere, as (tenant, kind): a park's needs, an IKM's name (the
#: public catalogue), offers, price, ... and an account's keys. The admin sees everything.
SEES: dict[str, Seen] = {
    "anonymous": frozenset(),
    "buyer.imip": frozenset({("IMIP", "need")}) | _ikm_seen(*IKM, kinds=("name",)),
    "buyer.ihip": frozenset({("IHIP", "need")}) | _ikm_seen(*IKM, kinds=("name",)),
    "owner.ani": _ikm_seen("ani") | _ikm_seen(*IKM, kinds=("name",)),
    "owner.las": _ikm_seen("las") | _ikm_seen(*IKM, kinds=("name",)),
    "agency.sulteng": frozenset({("IMIP", "need"), ("IHIP", "need")})
    | _ikm_seen("ani", "las", kinds=("name", "offer", "capacity", "nib", "certificate")),
}
#: What a role sees besides in the results of a run: a buyer the landed cost its park pays
#: (the price of the IKM supplying it), an owner the needs its IKM won or nearly won.
RESULT_SEES: dict[str, Seen] = {
    "buyer.imip": frozenset({("ani", "price")}), "buyer.ihip": frozenset({("las", "price")}),
    "owner.ani": frozenset({("IMIP", "need")}), "owner.las": frozenset({("IHIP", "need")}),
}
#: JSON keys holding the id of a tenant's object, and the kind of data that id gives away: a
#: need, or a row about one (``park_id``: parks are public, their needs are not), an offer, or
#: an IKM (public by name, except to the agency of another province).
ID_KEYS = {"need_id": "need", "park_id": "need", "offer_id": "offer", "enterprise_id": "name"}


# --- the world the cells work in -----------------------------------------------------------


@dataclass
class World:
    """The seeded app on one backend and what the cells need to know of it."""

    client: TestClient
    parks: dict[str, int]
    needs: dict[str, int]
    enterprises: dict[str, int]
    accounts: dict[str, int]
    run_id: int
    headers: dict[str, dict[str, str]]
    markers: list[tuple[str, str, re.Pattern[str]]]
    tenants_of_ids: dict[str, dict[int, str]]
    serial: Iterator[int] = field(default_factory=itertools.count)

    def tag(self) -> int:
        """A number no other cell uses, for names of objects a cell makes."""
        return next(self.serial)

    def session(self) -> AbstractContextManager[Session]:
        """A session committing at its end, on the app's database."""
        engine = self.client.app.state.engine  # type: ignore[attr-defined]
        return session_scope(make_sessionmaker(engine))

    def delete(self, model: Any, condition: ColumnElement[bool]) -> None:
        with self.session() as session:
            session.execute(delete(model).where(condition))

    def admin(self, path: str) -> httpx.Response:
        response: httpx.Response = self.client.get(API_PREFIX + path,
                                                   headers=self.headers["admin"])
        return response

    def admin_json(self, path: str) -> Any:
        response = self.admin(path)
        assert response.status_code == 200, response.text
        return response.json()

    def fill(self, path: str, role: str, variant: str | None) -> str:
        """``path`` with its parameters naming the role's own or the other object."""
        which = 0 if variant in (None, "own") else 1
        park, ikm = PARK_PAIRS[role][which], IKM_PAIRS[role][which]
        return path.format(park_id=self.parks[park], need_id=self.needs[PARK_NEED[park]],
                           enterprise_id=self.enterprises[ikm], run_id=self.run_id,
                           code="katering-kontrak", bps_code="7203021")


def _number(value: int) -> re.Pattern[str]:
    # Not inside a longer number, nor the decimals of a coordinate.
    return re.compile(rf"(?<![\d.]){value}(?!\d)")


def _text(value: str) -> re.Pattern[str]:
    return re.compile(re.escape(value))


def _ids(session: Session, *columns: Any) -> dict[Any, int]:
    return dict(session.execute(select(*columns)).all())


def seed_matrix(url: str) -> None:
    """The catalog of ``conftest.py`` made ready to match today, with East Java, each IKM's
    own details, review items and an API key per account."""
    seed_catalog(url)
    due = dt.date.today() + dt.timedelta(days=30)
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            load_regions(EAST_JAVA, session=session)
            load_parks([JIIPE], session=session)
            context = CatalogContext.load(session=session)
            kardus = IKM["kardus"]
            write_enterprises([prepare_enterprise(EnterpriseRecord(
                kardus.name, "3525100", -7.1, 112.6, workers=12, investment_idr=500_000_000,
                legal_form="CV", nib=kardus.nib, owner_name=kardus.contact[0],
                owner_phone=kardus.contact[1], owner_email=kardus.contact[2],
                address=kardus.contact[3],
                # Price and capacity are set below, in the canonical unit, as for the others.
                offers=(OfferRecord(kardus.offers[0], 100, "pcs", 1_000,
                                    category_code="kardus"),),
                certificates=(CertificateRecord("SNI", kardus.certificates[0], "BSN",
                                                dt.date(2099, 1, 1)),)), context)],
                session=session)
            parks = _ids(session, Park.code, Park.id)
            firms = _ids(session, Enterprise.name, Enterprise.id)
            for key, ikm in IKM.items():
                session.execute(update(Enterprise).where(Enterprise.id == firms[ikm.name]).values(
                    nib=ikm.nib, owner_name=ikm.contact[0], owner_phone=ikm.contact[1],
                    owner_email=ikm.contact[2], address=ikm.contact[3]))
                session.execute(update(Offer).where(
                    Offer.enterprise_id == firms[ikm.name],
                    Offer.product_name == ikm.offers[0]).values(
                        unit_price_idr=ikm.price, capacity=ikm.capacity))
                if key == "las":
                    session.add(Certificate(enterprise_id=firms[ikm.name], kind="SNI",
                                            number=ikm.certificates[0], issuer="BSN",
                                            valid_until=dt.date(2099, 1, 1)))
            session.add_all([
                Offer(enterprise_id=firms[kardus.name], product_name=kardus.offers[1],
                      category_code="kardus", category_score=74, category_status="review",
                      category_method="alias", capacity=700, period="hari", unit_typed="pcs",
                      unit_price_idr=kardus.price, delivery_radius_km=50),
                Offer(enterprise_id=firms["Katering Dua"], product_name="rantangan bu tini",
                      category_code="katering-kontrak", category_score=75,
                      category_status="review", category_method="alias", capacity=200,
                      period="hari", unit_typed="porsi", unit_price_idr=24_000,
                      delivery_radius_km=50),
                *(Need(park_id=parks[park], product_name=name, category_code=category,
                       category_score=72, category_status=status, category_method="fuzzy",
                       quantity=quantity, period="hari", unit_typed=unit, due_date=due)
                  for park, name, category, unit, quantity, status in (
                      ("IMIP", "sayur campur dapur", "sayur-daun", "kg", 800, "review"),
                      ("JIIPE", "kardus kemasan produk", "kardus", "pcs", 3_000, "auto"),
                      ("JIIPE", "galon pelabuhan", "air-minum-kemasan", "liter", 1_900,
                       "review")))])
            session.execute(update(Need).values(due_date=due))
            session.execute(update(Need).where(Need.product_name == PARK_NEED["IHIP"])
                            .values(status="open"))
            for username, account_id in _ids(session, Account.username, Account.id).items():
                create_key(account_id, f"kunci {username}", session=session)
    finally:
        engine.dispose()


def build_world(client: TestClient) -> World:
    """Ids, credentials and the markers of each tenant's own data, after a run has been
    queued by the admin and executed."""
    headers = {"anonymous": {}, **{u: headers_for(client, u) for u in ACCOUNTS}}
    queued = client.post(f"{API_PREFIX}/runs", json={"time_limit_s": 20},
                         headers=headers["admin"])
    assert queued.status_code == 202, queued.text
    run_id = int(queued.json()["id"])
    engine = make_engine(str(client.app.state.settings.database_url))  # type: ignore[attr-defined]
    try:
        assert execute_run(run_id, engine=engine) == "succeeded"
    finally:
        engine.dispose()
    with make_sessionmaker(client.app.state.engine)() as session:  # type: ignore[attr-defined]
        parks = _ids(session, Park.code, Park.id)
        needs = _ids(session, Need.product_name, Need.id)
        firms = _ids(session, Enterprise.name, Enterprise.id)
        accounts = _ids(session, Account.username, Account.id)
        prefixes = dict(session.execute(
            select(Account.username, ApiKey.prefix).join(ApiKey)).all())
        offers = session.execute(select(Offer.id, Enterprise.name).join(Enterprise)).all()
    enterprises = {key: firms[ikm.name] for key, ikm in IKM.items()}
    markers = [(park, "need", _text(name)) for park, names in PARK_NEEDS.items()
               for name in names]
    for key, ikm in IKM.items():
        markers += [(key, "name", _text(ikm.name)), (key, "price", _number(ikm.price)),
                    (key, "capacity", _number(ikm.capacity)), (key, "nib", _text(ikm.nib)),
                    *((key, "offer", _text(offer)) for offer in ikm.offers),
                    *((key, "contact", _text(contact)) for contact in ikm.contact),
                    *((key, "certificate", _text(number)) for number in ikm.certificates)]
    for username in ACCOUNTS:
        markers += [(username, "key", _text(f"kunci {username}")),
                    (username, "key", _text(prefixes[username]))]
    ikm_of_name = {ikm.name: key for key, ikm in IKM.items()}
    park_of_need = {needs[name]: park for park, names in PARK_NEEDS.items() for name in names}
    tenants_of_ids = {
        "need_id": park_of_need,
        "park_id": {park_id: code for code, park_id in parks.items()},
        "enterprise_id": {firm_id: key for key, firm_id in enterprises.items()},
        "offer_id": {offer_id: ikm_of_name[name] for offer_id, name in offers
                     if name in ikm_of_name},
    }
    return World(client=client, parks=parks, needs=needs, enterprises=enterprises,
                 accounts=accounts, run_id=run_id, headers=headers, markers=markers,
                 tenants_of_ids=tenants_of_ids)


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The seeded app with a finished run, once per backend for the whole module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'simpul.db'}"
        engine = make_engine(url)
        upgrade_database(engine)
        engine.dispose()
    else:
        url = request.getfixturevalue("_postgres_ready")
    try:
        seed_matrix(url)
        with TestClient(create_app(app_settings(url))) as client:
            yield build_world(client)
    finally:
        if request.param != "sqlite":
            _empty_postgres(url)


# --- what a cell sends, and how it knows what happened -------------------------------------


@dataclass
class Call:
    """One cell's request, and for a write how to read the state it may change (as the
    admin, before and after), what an allowed write must have done, and how to undo it."""

    path: str
    json: Any = None
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    observe: Callable[[], Any] | None = None
    succeeded: Callable[[httpx.Response, Any, Any], None] | None = None
    undo: list[Callable[[], None]] = field(default_factory=list)
    #: Names of objects made for the cell that a refused request must not show.
    hidden: tuple[str, ...] = ()


Prepare = Callable[[World, str, str | None], Call]


def _pick(pairs: dict[str, tuple[str, str]], role: str, variant: str | None) -> str:
    return pairs[role][0 if variant in (None, "own") else 1]


def _need_body(name: str) -> dict[str, Any]:
    return {"product_name": name, "quantity": 40, "unit": "porsi",
            "due_date": (dt.date.today() + dt.timedelta(days=60)).isoformat()}


def _fresh_need(w: World, park: str) -> tuple[int, str]:
    name = f"nasi kotak matrix {w.tag()}"
    made = w.client.post(f"{API_PREFIX}/parks/{w.parks[park]}/needs", json=_need_body(name),
                         headers=w.headers["admin"])
    assert made.status_code == 201, made.text
    return int(made.json()["id"]), name


def _fresh_offer(w: World, ikm: str) -> tuple[int, str]:
    name = f"kue basah matrix {w.tag()}"
    made = w.client.post(f"{API_PREFIX}/enterprises/{w.enterprises[ikm]}/offers",
                         json=_offer_body(name), headers=w.headers["admin"])
    assert made.status_code == 201, made.text
    return int(made.json()["id"]), name


def _offer_body(name: str) -> dict[str, Any]:
    return {"product_name": name, "quantity": 10, "unit": "lusin", "unit_price_idr": 24_000}


def _offer(w: World, ikm: str, offer_id: int) -> Any:
    """The offer as its IKM's list shows it to the admin, or ``None``."""
    items = w.admin_json(f"/enterprises/{w.enterprises[ikm]}/offers?limit=500")["items"]
    return next((o for o in items if o["id"] == offer_id), None)


def _read(w: World, role: str, variant: str | None, path: str) -> Call:
    return Call(path=w.fill(path, role, variant))


def _reader(path: str) -> Prepare:
    return lambda w, role, variant: _read(w, role, variant, path)


def _post_need(w: World, role: str, variant: str | None) -> Call:
    park = _pick(PARK_PAIRS, role, variant)
    name = f"nasi kotak matrix {w.tag()}"

    def observe() -> Any:
        return sorted(n["product_name"] for n in w.admin_json(
            f"/parks/{w.parks[park]}/needs?limit=500")["items"])

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["park_code"] == park
        assert sorted([*before, name]) == after

    return Call(path=f"/parks/{w.parks[park]}/needs", json=_need_body(name), observe=observe,
                succeeded=succeeded, undo=[lambda: w.delete(Need, Need.product_name == name)])


def _patch_need(w: World, role: str, variant: str | None) -> Call:
    need_id, name = _fresh_need(w, _pick(PARK_PAIRS, role, variant))

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["max_suppliers"] == after["max_suppliers"] == 7
        assert after["etag"] != before["etag"]

    return Call(path=f"/needs/{need_id}", json={"max_suppliers": 7},
                headers={"If-Match": w.admin(f"/needs/{need_id}").headers["etag"]},
                observe=lambda: w.admin_json(f"/needs/{need_id}"), succeeded=succeeded,
                undo=[lambda: w.delete(Need, Need.id == need_id)], hidden=(name,))


def _delete_need(w: World, role: str, variant: str | None) -> Call:
    need_id, name = _fresh_need(w, _pick(PARK_PAIRS, role, variant))

    def succeeded(_response: httpx.Response, before: Any, after: Any) -> None:
        assert (before, after) == (200, 404)

    return Call(path=f"/needs/{need_id}",
                headers={"If-Match": w.admin(f"/needs/{need_id}").headers["etag"]},
                observe=lambda: w.admin(f"/needs/{need_id}").status_code, succeeded=succeeded,
                undo=[lambda: w.delete(Need, Need.id == need_id)], hidden=(name,))


def _count_enterprises(w: World, name: str) -> int:
    return int(w.admin_json(f"/enterprises?q={name}")["total"])


def _post_enterprise(w: World, role: str, variant: str | None) -> Call:
    name = f"Tenun Matrix {w.tag()}"

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["name"] == name
        assert (before, after) == (0, 1)

    return Call(path="/enterprises",
                json={"name": name, "district_bps_code": DISTRICTS[variant == "other"],
                      "workers": 3, "investment_idr": 15_000_000},
                observe=lambda: _count_enterprises(w, name), succeeded=succeeded,
                undo=[lambda: w.delete(Enterprise, Enterprise.name == name)])


def _patch_enterprise(w: World, role: str, variant: str | None) -> Call:
    firm = w.enterprises[_pick(IKM_PAIRS, role, variant)]
    association = f"Asosiasi Matrix {w.tag()}"

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["association"] == after["association"] == association
        assert after["etag"] != before["etag"]

    def undo() -> None:
        with w.session() as session:
            session.execute(update(Enterprise).where(Enterprise.id == firm)
                            .values(association=None))

    return Call(path=f"/enterprises/{firm}", json={"association": association},
                headers={"If-Match": w.admin(f"/enterprises/{firm}").headers["etag"]},
                observe=lambda: w.admin_json(f"/enterprises/{firm}"), succeeded=succeeded,
                undo=[undo])


def _post_offer(w: World, role: str, variant: str | None) -> Call:
    firm = w.enterprises[_pick(IKM_PAIRS, role, variant)]
    name = f"kue basah matrix {w.tag()}"

    def observe() -> Any:
        return sorted(o["product_name"] for o in w.admin_json(
            f"/enterprises/{firm}/offers?limit=500")["items"])

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["product_name"] == name
        assert sorted([*before, name]) == after

    return Call(path=f"/enterprises/{firm}/offers", json=_offer_body(name), observe=observe,
                succeeded=succeeded, undo=[lambda: w.delete(Offer, Offer.product_name == name)])


def _post_certificate(w: World, role: str, variant: str | None) -> Call:
    firm = w.enterprises[_pick(IKM_PAIRS, role, variant)]
    number = f"PIRT-MATRIX-{w.tag()}"

    def observe() -> Any:
        return sorted(c["number"] for c in w.admin_json(
            f"/enterprises/{firm}/certificates?limit=500")["items"])

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["number"] == number
        assert sorted([*before, number]) == after

    return Call(path=f"/enterprises/{firm}/certificates",
                json={"kind": "PIRT", "number": number, "issuer": "Dinkes"}, observe=observe,
                succeeded=succeeded,
                undo=[lambda: w.delete(Certificate, Certificate.number == number)])


def _patch_offer(w: World, role: str, variant: str | None) -> Call:
    ikm = _pick(IKM_PAIRS, role, variant)
    offer_id, name = _fresh_offer(w, ikm)

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["lead_time_days"] == after["lead_time_days"] == 9
        assert after["etag"] != before["etag"]

    return Call(path=f"/offers/{offer_id}", json={"lead_time_days": 9},
                headers={"If-Match": _offer(w, ikm, offer_id)["etag"]},
                observe=lambda: _offer(w, ikm, offer_id), succeeded=succeeded,
                undo=[lambda: w.delete(Offer, Offer.id == offer_id)], hidden=(name,))


def _delete_offer(w: World, role: str, variant: str | None) -> Call:
    ikm = _pick(IKM_PAIRS, role, variant)
    offer_id, name = _fresh_offer(w, ikm)

    def succeeded(_response: httpx.Response, before: Any, after: Any) -> None:
        assert (before, after) == (True, False)

    return Call(path=f"/offers/{offer_id}",
                headers={"If-Match": _offer(w, ikm, offer_id)["etag"]},
                observe=lambda: _offer(w, ikm, offer_id) is not None, succeeded=succeeded,
                undo=[lambda: w.delete(Offer, Offer.id == offer_id)], hidden=(name,))


def _post_run(w: World, role: str, variant: str | None) -> Call:
    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["status"] == "queued"
        assert after == before + 1

    return Call(path="/runs", json={"seed": 1, "time_limit_s": 5},
                observe=lambda: w.admin_json("/runs")["total"], succeeded=succeeded,
                undo=[lambda: w.delete(MatchRun, MatchRun.status == "queued")])


def _keys_named(w: World, name: str) -> list[tuple[str, bool]]:
    with w.session() as session:
        return [(username, revoked is not None) for username, revoked in session.execute(
            select(Account.username, ApiKey.revoked_at).join(Account)
            .where(ApiKey.name == name))]


def _post_key(w: World, role: str, variant: str | None) -> Call:
    name = f"kunci matrix {w.tag()}"

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["key"].startswith("smp_")
        assert (before, after) == ([], [(role, False)])

    return Call(path="/auth/keys", json={"name": name}, observe=lambda: _keys_named(w, name),
                succeeded=succeeded, undo=[lambda: w.delete(ApiKey, ApiKey.name == name)])


def _delete_key(w: World, role: str, variant: str | None) -> Call:
    owner = _pick(ACCOUNT_PAIRS, role, variant)
    name = f"kunci matrix {w.tag()}"
    with w.session() as session:
        key_id = create_key(w.accounts[owner], name, session=session)[0].id

    def succeeded(_response: httpx.Response, before: Any, after: Any) -> None:
        assert (before, after) == ([(owner, False)], [(owner, True)])

    return Call(path=f"/auth/keys/{key_id}", observe=lambda: _keys_named(w, name),
                succeeded=succeeded, undo=[lambda: w.delete(ApiKey, ApiKey.id == key_id)],
                hidden=(name,))


def _post_review(w: World, role: str, variant: str | None) -> Call:
    park = _pick(PARK_PAIRS, role, variant)
    name = f"sayur campur matrix {w.tag()}"
    with w.session() as session:
        need = Need(park_id=w.parks[park], product_name=name, category_code="sayur-daun",
                    category_score=72, category_status="review", category_method="fuzzy",
                    quantity=500, period="sekali", unit_typed="kg",
                    due_date=dt.date.today() + dt.timedelta(days=30))
        session.add(need)
        session.flush()
        need_id = need.id

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["status"] == "confirmed"
        assert (before, after) == ("review", "confirmed")

    return Call(path=f"/review/need-{need_id}", json={"action": "confirm"},
                observe=lambda: w.admin_json(f"/needs/{need_id}")["category_status"],
                succeeded=succeeded, undo=[lambda: w.delete(Need, Need.id == need_id)],
                hidden=(name,))


IMPORT_HEADER = "Nama IKM,NIB,Kode Kecamatan,Produk,Kategori,Kapasitas,Satuan,Harga (Rp)\n"


def _post_import(w: World, role: str, variant: str | None) -> Call:
    name = f"Katering Matrix {w.tag()}"
    district = DISTRICTS[variant == "other"]
    row = f"{name},,{district},nasi kotak ayam,katering-kontrak,200,porsi,24000\n"

    def succeeded(response: httpx.Response, before: Any, after: Any) -> None:
        assert response.json()["written"] is True
        assert (before, after) == (0, 1)

    return Call(path="/imports", files={"file": ("ikm.csv", (IMPORT_HEADER + row).encode(),
                                                 "text/csv")},
                observe=lambda: _count_enterprises(w, name), succeeded=succeeded,
                undo=[lambda: w.delete(Enterprise, Enterprise.name == name)])


def _normalise(w: World, role: str, variant: str | None) -> Call:
    return Call(path="/normalise", json={"names": ["nasi kotak ayam", "las pagar besi"]})


def _sign_in(w: World, role: str, variant: str | None) -> Call:
    # Someone without an account signs in with a wrong password; the others as themselves.
    username, password = ("tamu", "salah") if role == "anonymous" else (role, PASSWORD)
    return Call(path="/auth/token", data={"username": username, "password": password})


# --- the matrix ----------------------------------------------------------------------------

Status = int | tuple[int, int]


@dataclass(frozen=True)
class Operation:
    """An operation and the status each group of roles gets: one for both objects, or (own,
    other). ``target`` says what "own" and "other" are: a ``park`` (its needs, its review
    items), an ``ikm`` (its offers, certificates, opportunities), an ``account`` (its API
    keys) or a ``district`` to register IKM in; ``None``: one cell per role."""

    method: str
    path: str
    target: str | None
    buyer: Status
    owner: Status
    agency: Status
    admin: Status
    prepare: Prepare | None = None
    anonymous: Status = 401
    #: Whether the body is a run's results (see :data:`RESULT_SEES`).
    results: bool = False

    def status(self, role: str, variant: str | None) -> int:
        expected: Status = getattr(self, GROUPS[role])
        if isinstance(expected, tuple):
            return expected[variant == "other"]
        return expected

    def call(self, w: World, role: str, variant: str | None) -> Call:
        return (self.prepare or _reader(self.path))(w, role, variant)


class Statuses(TypedDict):
    buyer: Status
    owner: Status
    agency: Status
    admin: Status


def _all(status: Status) -> Statuses:
    return {"buyer": status, "owner": status, "agency": status, "admin": status}


OK, MADE, GONE = 200, 201, 204
OWN_OR_404, MADE_OR_404, GONE_OR_404 = (200, 404), (201, 404), (204, 404)
OPERATIONS = [
    Operation("POST", "/auth/token", None, **_all(OK), prepare=_sign_in),
    Operation("GET", "/me", None, **_all(OK)),
    Operation("GET", "/auth/keys", None, **_all(OK)),
    Operation("POST", "/auth/keys", None, **_all(MADE), prepare=_post_key),
    # Keys are the account's own, the admin's too: another account's key is not found.
    Operation("DELETE", "/auth/keys/{key_id}", "account", **_all(GONE_OR_404),
              prepare=_delete_key),
    Operation("GET", "/parks", None, **_all(OK)),
    Operation("GET", "/parks/{park_id}", "park", **_all(OK)),
    Operation("GET", "/parks/{park_id}/needs", "park", buyer=OWN_OR_404, owner=403,
              agency=OWN_OR_404, admin=OK),
    Operation("POST", "/parks/{park_id}/needs", "park", buyer=MADE_OR_404, owner=403,
              agency=403, admin=MADE, prepare=_post_need),
    Operation("GET", "/needs", None, buyer=OK, owner=403, agency=OK, admin=OK),
    Operation("GET", "/needs/{need_id}", "park", buyer=OWN_OR_404, owner=403,
              agency=OWN_OR_404, admin=OK),
    Operation("PATCH", "/needs/{need_id}", "park", buyer=OWN_OR_404, owner=403, agency=403,
              admin=OK, prepare=_patch_need),
    Operation("DELETE", "/needs/{need_id}", "park", buyer=GONE_OR_404, owner=403, agency=403,
              admin=GONE, prepare=_delete_need),
    Operation("GET", "/enterprises", None, **_all(OK)),
    # "Own" and "other" are a kecamatan in and outside the agency's province.
    Operation("POST", "/enterprises", "district", buyer=403, owner=MADE, agency=(201, 422),
              admin=MADE, prepare=_post_enterprise),
    Operation("GET", "/enterprises/{enterprise_id}", "ikm", buyer=OK, owner=OK,
              agency=OWN_OR_404, admin=OK),
    Operation("PATCH", "/enterprises/{enterprise_id}", "ikm", buyer=403, owner=OWN_OR_404,
              agency=403, admin=OK, prepare=_patch_enterprise),
    Operation("GET", "/enterprises/{enterprise_id}/offers", "ikm", buyer=403,
              owner=OWN_OR_404, agency=OWN_OR_404, admin=OK),
    Operation("POST", "/enterprises/{enterprise_id}/offers", "ikm", buyer=403,
              owner=MADE_OR_404, agency=403, admin=MADE, prepare=_post_offer),
    Operation("GET", "/enterprises/{enterprise_id}/certificates", "ikm", buyer=403,
              owner=OWN_OR_404, agency=OWN_OR_404, admin=OK),
    Operation("POST", "/enterprises/{enterprise_id}/certificates", "ikm", buyer=403,
              owner=MADE_OR_404, agency=403, admin=MADE, prepare=_post_certificate),
    Operation("GET", "/enterprises/{enterprise_id}/opportunities", "ikm", buyer=403,
              owner=OWN_OR_404, agency=OWN_OR_404, admin=OK, results=True),
    Operation("PATCH", "/offers/{offer_id}", "ikm", buyer=403, owner=OWN_OR_404, agency=403,
              admin=OK, prepare=_patch_offer),
    Operation("DELETE", "/offers/{offer_id}", "ikm", buyer=403, owner=GONE_OR_404,
              agency=403, admin=GONE, prepare=_delete_offer),
    Operation("POST", "/runs", None, buyer=202, owner=403, agency=202, admin=202,
              prepare=_post_run),
    Operation("GET", "/runs", None, **_all(OK)),
    Operation("GET", "/runs/{run_id}", None, **_all(OK)),
    Operation("GET", "/runs/{run_id}/allocations", None, **_all(OK), results=True),
    Operation("GET", "/runs/{run_id}/unmet", None, buyer=OK, owner=403, agency=OK, admin=OK),
    Operation("GET", "/agency/gaps", None, buyer=403, owner=403, agency=OK, admin=OK),
    Operation("GET", "/agency/sentra", None, buyer=403, owner=403, agency=OK, admin=OK),
    Operation("GET", "/agency/interventions", None, buyer=403, owner=403, agency=OK, admin=OK),
    Operation("GET", "/agency/report.xlsx", None, buyer=403, owner=403, agency=OK, admin=OK),
    Operation("POST", "/normalise", None, **_all(OK), prepare=_normalise),
    Operation("GET", "/review", None, buyer=403, owner=403, agency=OK, admin=OK),
    Operation("POST", "/review/{item_id}", "park", buyer=403, owner=403, agency=OWN_OR_404,
              admin=OK, prepare=_post_review),
    # As for registering: a file of IKM in and outside the agency's province.
    Operation("POST", "/imports", "district", buyer=403, owner=403, agency=(200, 422),
              admin=OK, prepare=_post_import),
    Operation("GET", "/taxonomy", None, **_all(OK)),
    Operation("GET", "/taxonomy/{code}", None, **_all(OK)),
    Operation("GET", "/regions", None, **_all(OK)),
    Operation("GET", "/regions/{bps_code}", None, **_all(OK)),
]


@dataclass(frozen=True)
class Cell:
    operation: Operation
    role: str
    variant: str | None

    @property
    def id(self) -> str:
        path = self.operation.path
        if self.variant is not None:
            placeholder = "{" + self.variant + "}"
            replaced = re.sub(r"\{[a-z_]+_id\}", placeholder, path, count=1)
            path = replaced if replaced != path else f"{path} {placeholder}"
        return f"{self.operation.method} {path}-{self.role}"


CELLS = [Cell(operation, role, variant) for operation in OPERATIONS for role in ROLES
         for variant in (("own", "other") if operation.target else (None,))]


# --- what must not be in a body ------------------------------------------------------------


def _seen(role: str, operation: Operation) -> Seen:
    seen = SEES[role] | {(role, "key")}
    return seen | RESULT_SEES.get(role, frozenset()) if operation.results else seen


def _body_text(response: httpx.Response) -> str:
    if response.headers.get("content-type", "").startswith(XLSX_MEDIA_TYPE):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(value) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True)
                         for value in row if value is not None)
    return response.text


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def assert_nothing_foreign(w: World, cell: Cell, response: httpx.Response,
                           hidden: tuple[str, ...]) -> None:
    """Nothing of a tenant the role may not see is in the body: no marker of its data, no id
    of its objects, no need counts of a park whose needs it may not read."""
    if cell.role == "admin":
        return
    seen = _seen(cell.role, cell.operation)
    text = _body_text(response)
    for tenant, kind, marker in w.markers:
        if (tenant, kind) not in seen:
            match = marker.search(text)
            assert match is None, f"{tenant}'s {kind} {match.group()!r} in {text[:2000]}"
    for name in hidden:
        assert name not in text
    if not response.content or "json" not in response.headers.get("content-type", ""):
        return
    for found in _walk(response.json()):
        for key, kind in ID_KEYS.items():
            owner = w.tenants_of_ids[key].get(found.get(key, 0))
            assert owner is None or (owner, kind) in seen, f"{key} of {owner} in {found}"
        if "needs_by_status" in found and (found["code"], "need") not in seen:
            assert found["needs_by_status"] is None, found


# --- the tests -----------------------------------------------------------------------------


def test_the_matrix_covers_every_operation() -> None:
    """Every operation the API documents under /api/v1 is a row of the matrix, and every row
    is a documented operation: a new endpoint fails here until its rules are written down."""
    schema = create_app(Settings(database_url="sqlite://", run_dispatcher=False)).openapi()
    documented = {(method.upper(), path.removeprefix(API_PREFIX))
                  for path, operations in schema["paths"].items()
                  if path.startswith(f"{API_PREFIX}/") for method in operations}
    listed = [(o.method, o.path) for o in OPERATIONS]
    assert len(listed) == len(set(listed)), "an operation is listed twice"
    assert documented - set(listed) == set(), "operations without a row in the matrix"
    assert set(listed) - documented == set(), "rows of operations the API does not have"


def test_each_operation_with_an_object_names_it_in_its_path() -> None:
    """A row with own and other objects has them in its path (or is a write about a
    kecamatan); a row without has no object id in its path but a run's, a code or a region."""
    for operation in OPERATIONS:
        ids = re.findall(r"\{([a-z_]+)\}", operation.path)
        if operation.target is None:
            assert set(ids) <= {"run_id", "code", "bps_code"}, operation
        else:
            assert ids or operation.target == "district", operation


def test_the_markers_find_each_tenants_data(world: World) -> None:
    """The leak checks look for what is really there: every marker of a tenant's data is in
    the admin's answers (each IKM in full, every need, the run's allocations) or in the
    account's own list of keys, and each of the three IKM won something in the run."""
    texts = [world.admin(f"/enterprises/{firm}").text for firm in world.enterprises.values()]
    texts += [world.admin("/needs?limit=500").text,
              world.admin(f"/runs/{world.run_id}/allocations").text]
    texts += [world.client.get(f"{API_PREFIX}/auth/keys", headers=world.headers[u]).text
              for u in ACCOUNTS]
    text = "\n".join(texts)
    assert [(t, k, m.pattern) for t, k, m in world.markers if not m.search(text)] == []
    allocations = world.admin_json(f"/runs/{world.run_id}/allocations")["items"]
    assert set(world.enterprises.values()) <= {a["enterprise_id"] for a in allocations}


@pytest.mark.parametrize("cell", CELLS, ids=[cell.id for cell in CELLS])
def test_cell(world: World, cell: Cell) -> None:
    """The role gets the status the rules give for the operation on this object, sees
    nothing of another tenant in the answer, and a write changes exactly what it may: an
    allowed one succeeds, a refused one leaves everything as it was."""
    operation = cell.operation
    expected = operation.status(cell.role, cell.variant)
    call = operation.call(world, cell.role, cell.variant)
    try:
        before = call.observe() if call.observe else None
        headers = {**world.headers[cell.role], **call.headers}
        if operation.method == "POST":
            headers["Idempotency-Key"] = f"matrix-{world.tag()}"
        response = world.client.request(operation.method, API_PREFIX + call.path,
                                        json=call.json, data=call.data, files=call.files,
                                        headers=headers)
        assert response.status_code == expected, response.text
        if expected == 401:
            assert response.headers["www-authenticate"] == "Bearer"
        if expected >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        assert_nothing_foreign(world, cell, response, call.hidden if expected >= 400 else ())
        if call.observe is not None:
            after = call.observe()
            if expected < 300:
                assert call.succeeded is not None
                call.succeeded(response, before, after)
            else:
                assert after == before, "a refused write changed something"
    finally:
        for undo in call.undo:
            undo()


def test_every_cell_has_a_rule() -> None:
    """Each role and object of each operation has a status in the table: 2xx, 403, 404 or 422
    (a kecamatan outside the agency's province); without credentials always 401."""
    for cell in CELLS:
        status = cell.operation.status(cell.role, cell.variant)
        if cell.role == "anonymous":
            assert status == 401, cell.id
        else:
            assert status in (200, 201, 202, 204, 403, 404, 422), cell.id
