"""Normalising product names, and the agency's review of unsure ones: who may do what, what
stays outside the agency's province, and what an answer changes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import AuditEvent, Enterprise, Need, Offer, Park, Region
from catalog.records import ParkRecord, RegionRecord
from catalog.store import load_parks, load_regions

from .conftest import headers_for
from .conftest import test_settings as app_settings

ROLES = ["buyer.imip", "buyer.ihip", "owner.ani", "owner.las", "agency.sulteng", "admin"]
EAST_JAVA = [
    RegionRecord("35", "35", "province", "provinsi", "Jawa Timur", None, -7.5, 112.5),
    RegionRecord("3525", "35.25", "regency", "kabupaten", "Gresik", "35", -7.16, 112.65),
    RegionRecord("3525100", "35.25.10", "district", "kecamatan", "Manyar", "3525",
                 -7.12, 112.6),
]
#: Names of the queue items outside Central Sulawesi.
OUTSIDE = ("Katering Gresik", "Manyar", "JIIPE", "nasi box gresik", "galon pelabuhan")


def seed_queue(url: str) -> dict[str, int]:
    """Unsure rows: in Central Sulawesi an offer of Katering Dua (review), a need of IMIP
    (review) and one of IHIP (unknown); in East Java an offer of a Gresik caterer and a need of
    JIIPE, both in review. Returns their ids by name."""
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        load_regions(EAST_JAVA, session=session)
        load_parks([ParkRecord("JIIPE", "Java Integrated Industrial and Port Estate",
                               "PT BKMS", "3525100", -7.1, 112.6)], session=session)
        manyar = session.scalar(select(Region.id).where(Region.bps_code == "3525100"))
        gresik = Enterprise(name="Katering Gresik Jaya", name_key="katering gresik jaya",
                            legal_form="UD", district_id=manyar, latitude=-7.12,
                            longitude=112.6, workers=6, investment_idr=50_000_000,
                            size_class="kecil")
        session.add(gresik)
        session.flush()
        dua = session.scalar(select(Enterprise.id).where(Enterprise.name == "Katering Dua"))
        parks = dict(session.execute(select(Park.code, Park.id)).all())

        def offer(enterprise: int | None, name: str, category: str, score: int) -> Offer:
            return Offer(enterprise_id=enterprise, product_name=name, category_code=category,
                         category_score=score, category_status="review",
                         category_method="alias", capacity=200, period="hari",
                         unit_typed="porsi", unit_price_idr=24_000, delivery_radius_km=50)

        def need(park: str, name: str, category: str | None, unit: str, quantity: int,
                 status: str = "review", ceiling: int | None = None) -> Need:
            return Need(park_id=parks[park], product_name=name, category_code=category,
                        category_score=72 if category else 30, category_status=status,
                        category_method="fuzzy" if category else "none", quantity=quantity,
                        period="sekali", unit_typed=unit, due_date=dt.date(2026, 12, 1),
                        max_unit_price_idr=ceiling)

        rows: dict[str, Offer | Need] = {
            "rantangan bu tini": offer(dua, "rantangan bu tini", "katering-kontrak", 75),
            "nasi box gresik": offer(gresik.id, "nasi box gresik", "katering-kontrak", 74),
            "sayur campur dapur": need("IMIP", "sayur campur dapur", "sayur-daun", "kg", 800),
            "air tangki mess": need("IHIP", "air tangki mess", "air-minum-kemasan", "liter",
                                    30_000, ceiling=50),
            "barang titipan": need("IHIP", "barang titipan", None, "pcs", 10,
                                   status="unknown"),
            "galon pelabuhan": need("JIIPE", "galon pelabuhan", "air-minum-kemasan", "liter",
                                    1_900),
        }
        session.add_all(rows.values())
        session.flush()
        ids = {name: row.id for name, row in rows.items()}
    engine.dispose()
    return ids


@pytest.fixture
def queue(catalog_url: str) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """A client of the app on the seeded catalog with the unsure rows, and their ids."""
    ids = seed_queue(catalog_url)
    with TestClient(create_app(app_settings(catalog_url))) as client:
        yield client, ids


def _review(client: TestClient, username: str, query: str = "") -> Any:
    response = client.get(f"/api/v1/review{query}", headers=headers_for(client, username))
    assert response.status_code == 200, response.text
    return response.json()


def _answer(client: TestClient, item: str, body: dict[str, Any],
            username: str = "agency.sulteng") -> Any:
    return client.post(f"/api/v1/review/{item}", json=body,
                       headers=headers_for(client, username))


def _unsure_in_province(client: TestClient) -> list[str]:
    """The ids the agency's queue should hold: every unsure need of IMIP and IHIP, then every
    unsure offer of an IKM in Central Sulawesi (the seeded catalog has some of its own)."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    unsure = ("review", "unknown")
    with make_sessionmaker(engine)() as session:
        needs = session.scalars(select(Need.id).join(Park).where(
            Park.code.in_(["IMIP", "IHIP"]), Need.category_status.in_(unsure))
            .order_by(Need.id)).all()
        offers = session.scalars(select(Offer.id).join(Enterprise).join(Region).where(
            Region.bps_code.startswith("72"), Offer.category_status.in_(unsure))
            .order_by(Offer.id)).all()
    return [f"need-{i}" for i in needs] + [f"offer-{i}" for i in offers]


def _row(client: TestClient, model: Any, id_: int) -> Any:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine)() as session:
        row = session.get(model, id_)
        session.expunge_all()
        return row


# --- normalise -----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ROLES)
def test_every_role_may_normalise(queue: tuple[TestClient, dict[str, int]],
                                  username: str) -> None:
    """POST /normalise answers every signed-in role."""
    client, _ids = queue
    response = client.post("/api/v1/normalise", json={"names": ["nasbox ayam"]},
                           headers=headers_for(client, username))
    assert response.status_code == 200, response.text


def test_normalise_answers_each_name_in_order(queue: tuple[TestClient, dict[str, int]]
                                              ) -> None:
    """Each name gets its category with name and KBLI codes, score, status, method and
    runners-up, in the order asked; a blank name is unknown, not an error."""
    client, _ids = queue
    response = client.post(
        "/api/v1/normalise",
        json={"names": ["catering karyawan", "nasbox ayam 500 porsi", "asdfgh qwerty", " "]},
        headers=headers_for(client, "owner.ani"))
    catering, nasbox, nonsense, blank = response.json()["items"]
    assert catering["input"] == "catering karyawan"
    assert (catering["category"], catering["status"], catering["method"]) == (
        "katering-kontrak", "auto", "exact")
    assert catering["category_name"] == "Katering kontrak (kantin kawasan)"
    assert catering["kbli"] == ["56290"]
    assert nasbox["input"] == "nasbox ayam 500 porsi"
    assert nasbox["status"] == "review"
    assert nasbox["alternatives"]
    assert all(set(a) == {"category", "category_name", "score"} and a["category_name"]
               for a in nasbox["alternatives"])
    assert (nonsense["status"], nonsense["category"]) == ("unknown", None)
    assert (blank["status"], blank["category"], blank["kbli"]) == ("unknown", None, [])
    english = client.post("/api/v1/normalise?lang=en", json={"names": ["catering karyawan"]},
                          headers=headers_for(client, "admin")).json()
    assert english["items"][0]["category_name"] == "Contract catering (canteens)"


@pytest.mark.parametrize(("body", "field"), [
    ({"names": []}, "names"),
    ({"names": ["x"] * 1001}, "names"),
    ({"names": ["x" * 301]}, "names[0]"),
    ({"names": ["nasbox"], "limit": 3}, "limit"),
    ({}, "names"),
])
def test_a_bad_normalise_body_is_422_naming_the_field(
        queue: tuple[TestClient, dict[str, int]], body: dict[str, Any], field: str) -> None:
    """No names, more than 1,000, an over-long name or an unknown field is a 422 problem
    naming it."""
    client, _ids = queue
    response = client.post("/api/v1/normalise", json=body, headers=headers_for(client, "admin"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


# --- the queue -----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["buyer.imip", "buyer.ihip", "owner.ani", "owner.las"])
def test_only_the_agency_and_the_admin_review(queue: tuple[TestClient, dict[str, int]],
                                              username: str) -> None:
    """Other roles get 403 on the queue and on answering, whatever the item."""
    client, ids = queue
    headers = headers_for(client, username)
    assert client.get("/api/v1/review", headers=headers).status_code == 403
    answer = client.post(f"/api/v1/review/offer-{ids['rantangan bu tini']}",
                         json={"action": "confirm"}, headers=headers)
    assert answer.status_code == 403
    assert _row(client, Offer, ids["rantangan bu tini"]).category_status == "review"


def test_the_queue_lists_unsure_rows_with_suggestions(queue: tuple[TestClient, dict[str, int]]
                                                      ) -> None:
    """The agency's queue holds the unsure offers and needs of its province (needs first, by
    id), each with a stable id, its name, where it comes from, the suggestion and runners-up;
    confirmed and automatic rows are not in it."""
    client, ids = queue
    body = _review(client, "agency.sulteng")
    expected = _unsure_in_province(client)
    assert [item["id"] for item in body["items"]] == expected
    assert body["total"] == len(expected)
    mine = {item["id"]: item for item in body["items"]}
    vegetables = mine[f"need-{ids['sayur campur dapur']}"]
    unknown = mine[f"need-{ids['barang titipan']}"]
    rantangan = mine[f"offer-{ids['rantangan bu tini']}"]
    assert (vegetables["kind"], vegetables["park_code"], vegetables["district_name"]) == (
        "need", "IMIP", "Bahodopi")
    assert (vegetables["category"], vegetables["status"], vegetables["unit"]) == (
        "sayur-daun", "review", "kg")
    assert (unknown["category"], unknown["status"]) == (None, "unknown")
    assert (rantangan["enterprise_name"], rantangan["category"]) == (
        "Katering Dua", "katering-kontrak")
    for item in body["items"]:
        assert item["category"] not in [a["category"] for a in item["alternatives"]]
        assert len(item["alternatives"]) <= 3


def test_the_agency_never_sees_another_provinces_items(
        queue: tuple[TestClient, dict[str, int]]) -> None:
    """East Java's unsure rows are in the admin's queue, not in the agency's, and answering
    them is 404 for the agency."""
    client, ids = queue
    agency = client.get("/api/v1/review?limit=500",
                        headers=headers_for(client, "agency.sulteng")).text
    admin = client.get("/api/v1/review?limit=500", headers=headers_for(client, "admin")).text
    for name in OUTSIDE:
        assert name not in agency, name
    assert "nasi box gresik" in admin
    assert "galon pelabuhan" in admin
    for item in (f"offer-{ids['nasi box gresik']}", f"need-{ids['galon pelabuhan']}"):
        response = _answer(client, item, {"action": "confirm"})
        assert response.status_code == 404, item
        assert "Gresik" not in response.text
    assert _row(client, Offer, ids["nasi box gresik"]).category_status == "review"


def test_the_queue_filters_and_walks_by_cursor(queue: tuple[TestClient, dict[str, int]]
                                               ) -> None:
    """``kind``, ``status`` and ``category`` narrow the queue; ``next_cursor`` walks it."""
    client, ids = queue
    offers = _review(client, "agency.sulteng", "?kind=offer")["items"]
    assert offers
    assert {i["kind"] for i in offers} == {"offer"}
    unknown = _review(client, "agency.sulteng", "?status=unknown")
    assert [i["id"] for i in unknown["items"]] == [f"need-{ids['barang titipan']}"]
    water = _review(client, "admin", "?category=air-minum-kemasan")
    assert water["total"] == 2
    expected = _unsure_in_province(client)
    first = _review(client, "agency.sulteng", "?limit=3")
    assert first["next_cursor"] == expected[2]
    rest = _review(client, "agency.sulteng", f"?limit=500&cursor={first['next_cursor']}")
    assert [i["id"] for i in rest["items"]] == expected[3:]
    assert rest["total"] == len(expected)
    assert rest["next_cursor"] is None


# --- answers -------------------------------------------------------------------------------


def test_confirming_changes_the_row_and_later_normalisations(
        queue: tuple[TestClient, dict[str, int]]) -> None:
    """Confirming puts the row in its category as ``confirmed``, takes it out of the queue,
    records an audit event, and from then on the normaliser answers the name itself."""
    client, ids = queue
    before = client.post("/api/v1/normalise", json={"names": ["Rantangan Bu Tini"]},
                         headers=headers_for(client, "owner.ani")).json()["items"][0]
    assert before["method"] != "person"
    response = _answer(client, f"offer-{ids['rantangan bu tini']}", {"action": "confirm"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["status"], answer["category"], answer["method"]) == (
        "confirmed", "katering-kontrak", "person")
    assert answer["taught"] == "rantangan bu tini"
    offer = _row(client, Offer, ids["rantangan bu tini"])
    assert (offer.category_code, offer.category_status, offer.category_score) == (
        "katering-kontrak", "confirmed", 100)
    assert offer.version == 2
    queue_ids = [i["id"] for i in _review(client, "agency.sulteng")["items"]]
    assert f"offer-{ids['rantangan bu tini']}" not in queue_ids
    after = client.post("/api/v1/normalise", json={"names": ["Rantangan Bu Tini"]},
                        headers=headers_for(client, "owner.ani")).json()["items"][0]
    assert (after["category"], after["method"], after["status"]) == (
        "katering-kontrak", "person", "auto")
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine)() as session:
        [event] = session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "offer",
            AuditEvent.object_id == str(ids["rantangan bu tini"]))).all()
    assert (event.action, event.username) == ("confirm", "agency.sulteng")
    changes = json.loads(event.changes)
    assert changes["action"] == "confirm"
    assert changes["category_status"] == {"before": "review", "after": "confirmed"}


def test_correcting_puts_the_row_in_another_category(queue: tuple[TestClient, dict[str, int]]
                                                     ) -> None:
    """Correcting to another category of the same unit changes the category and keeps the
    quantity; the normaliser learns the corrected one."""
    client, ids = queue
    response = _answer(client, f"need-{ids['sayur campur dapur']}",
                       {"action": "correct", "category_code": "sayur-buah"})
    assert response.status_code == 200, response.text
    need = _row(client, Need, ids["sayur campur dapur"])
    assert (need.category_code, need.category_status, need.quantity) == (
        "sayur-buah", "confirmed", 800)
    learned = client.post("/api/v1/normalise", json={"names": ["sayur campur dapur"]},
                          headers=headers_for(client, "admin")).json()["items"][0]
    assert (learned["category"], learned["method"]) == ("sayur-buah", "person")


def test_correcting_converts_into_the_new_categorys_unit(
        queue: tuple[TestClient, dict[str, int]]) -> None:
    """Water by the litre corrected to clean water by the cubic metre: the quantity and the
    price ceiling are converted into m3."""
    client, ids = queue
    response = _answer(client, f"need-{ids['air tangki mess']}",
                       {"action": "correct", "category_code": "air-bersih"})
    assert response.status_code == 200, response.text
    assert response.json()["unit"] == "m3"
    need = _row(client, Need, ids["air tangki mess"])
    assert (need.quantity, need.max_unit_price_idr) == (30, 50_000)


def test_an_unknown_item_gets_a_category_by_correction(
        queue: tuple[TestClient, dict[str, int]]) -> None:
    """An item without a suggestion cannot be confirmed as it is (422 naming category_code),
    but can be given a category."""
    client, ids = queue
    item = f"need-{ids['barang titipan']}"
    refused = _answer(client, item, {"action": "confirm"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["category_code"]
    given = _answer(client, item, {"action": "correct", "category_code": "kardus"})
    assert given.status_code == 200, given.text
    assert _row(client, Need, ids["barang titipan"]).category_code == "kardus"


@pytest.mark.parametrize(("body", "field"), [
    ({"action": "correct", "category_code": "tidak-ada"}, "category_code"),
    ({"action": "correct"}, "category_code"),
    ({"action": "confirm", "category_code": "sayur-buah"}, "category_code"),
    ({"action": "correct", "category_code": "katering-kontrak"}, "category_code"),
    ({"action": "approve"}, "action"),
    ({"action": "confirm", "category_status": "confirmed"}, "category_status"),
])
def test_a_bad_answer_is_422_naming_the_field_and_changes_nothing(
        queue: tuple[TestClient, dict[str, int]], body: dict[str, Any], field: str) -> None:
    """An unknown category, a missing one, confirming another than the suggestion, a category
    whose unit the quantities cannot be converted into (kg → porsi), an unknown action or an
    extra field: a 422 problem naming the field, and the row stays as it was."""
    client, ids = queue
    response = _answer(client, f"need-{ids['sayur campur dapur']}", body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    need = _row(client, Need, ids["sayur campur dapur"])
    assert (need.category_code, need.category_status, need.version) == (
        "sayur-daun", "review", 1)


@pytest.mark.parametrize("item", ["offer-999999", "need-0", "enterprise-1", "offer-abc",
                                  "offer-99999999999"])
def test_an_unknown_item_is_404(queue: tuple[TestClient, dict[str, int]], item: str) -> None:
    """An id that names no offer or need, or cannot be one, is a 404 problem."""
    client, _ids = queue
    response = _answer(client, item, {"action": "confirm"}, username="admin")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_the_admin_answers_items_of_every_province(queue: tuple[TestClient, dict[str, int]]
                                                   ) -> None:
    """The admin may confirm an East Java item."""
    client, ids = queue
    response = _answer(client, f"offer-{ids['nasi box gresik']}", {"action": "confirm"},
                       username="admin")
    assert response.status_code == 200, response.text
    assert _row(client, Offer, ids["nasi box gresik"]).category_status == "confirmed"


@pytest.mark.parametrize("query", ["cursor=offer-abc", "cursor=offer-99999999999", "limit=0",
                                   "kind=enterprise", "status=auto"])
def test_bad_queue_parameters_are_422_naming_them(queue: tuple[TestClient, dict[str, int]],
                                                  query: str) -> None:
    """A cursor that cannot be an item, a bad limit or an unknown kind or status is a 422
    problem naming the parameter."""
    client, _ids = queue
    response = client.get(f"/api/v1/review?{query}", headers=headers_for(client, "admin"))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [query.split("=")[0]]
