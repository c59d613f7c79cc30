"""Needs through the API: posted in the buyer's words, changed with If-Match, deleted, each
write in the audit log; other parks' needs are not found."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from catalog.db import make_sessionmaker
from catalog.models import AuditEvent

from .conftest import headers_for

NEED = {"product_name": "nasbox ayam geprek", "quantity": 2, "unit": "lusin",
        "due_date": "2026-12-20", "required_certificates": ["HALAL"]}


def _park_id(client: TestClient, code: str) -> int:
    return next(p["id"] for p in client.get("/api/v1/parks").json()["items"]
                if p["code"] == code)


def _post(client: TestClient, username: str = "buyer.imip", park: str = "IMIP",
          body: dict[str, object] | None = None) -> dict[str, object]:
    response = client.post(f"/api/v1/parks/{_park_id(client, park)}/needs",
                           json=body or NEED, headers=headers_for(client, username))
    assert response.status_code == 201, response.json()
    return {**response.json(), "_etag": response.headers["etag"],
            "_location": response.headers["location"]}


def _events(client: TestClient) -> list[AuditEvent]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_posted_need_is_normalised_and_converted(client: TestClient) -> None:
    """'nasbox ayam geprek', 2 lusin: a catering category found by the normaliser, with its
    score and status, and 24 porsi; an ETag and the Location of the new need."""
    need = _post(client)
    assert need["category_code"] in ("katering-acara", "katering-kontrak")
    assert need["category_status"] in ("auto", "review")
    assert 0 < need["category_score"] <= 100  # type: ignore[operator]
    assert (need["quantity"], need["unit"], need["unit_typed"]) == (24, "porsi", "lusin")
    assert need["status"] == "open"
    assert need["_location"] == f"/api/v1/needs/{need['id']}"
    assert need["_etag"] == need["etag"] == f'"need-{need["id"]}-v1"'


def test_a_buyer_posts_only_for_its_own_park(client: TestClient) -> None:
    """IMIP's buyer posting for IHIP: not found; the agency and IKM owners may not post."""
    ihip = _park_id(client, "IHIP")
    assert client.post(f"/api/v1/parks/{ihip}/needs", json=NEED,
                       headers=headers_for(client, "buyer.imip")).status_code == 404
    for username in ("agency.sulteng", "owner.ani"):
        assert client.post(f"/api/v1/parks/{ihip}/needs", json=NEED,
                           headers=headers_for(client, username)).status_code == 403


def test_status_park_and_unknown_fields_cannot_be_set(client: TestClient) -> None:
    """Fields the route does not take are refused, each named."""
    body = {**NEED, "status": "closed", "park_id": 2, "colour": "merah"}
    response = client.post(f"/api/v1/parks/{_park_id(client, 'IMIP')}/needs", json=body,
                           headers=headers_for(client, "buyer.imip"))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"status", "park_id", "colour"}


def test_bad_values_are_422_naming_each_field_and_nothing_is_written(
        client: TestClient) -> None:
    """A negative quantity, a date that is not one and a unit that does not convert: each
    named, no need added."""
    before = client.get("/api/v1/needs").json()["total"]
    response = client.post(f"/api/v1/parks/{_park_id(client, 'IMIP')}/needs",
                           json={**NEED, "quantity": -1, "due_date": "besok"},
                           headers=headers_for(client, "buyer.imip"))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"quantity", "due_date"}
    wrong_unit = client.post(f"/api/v1/parks/{_park_id(client, 'IMIP')}/needs",
                             json={**NEED, "unit": "kg"},
                             headers=headers_for(client, "buyer.imip"))
    assert wrong_unit.status_code == 422
    assert wrong_unit.json()["errors"][0]["field"] == "unit"
    assert client.get("/api/v1/needs").json()["total"] == before


def test_patch_needs_the_current_etag(client: TestClient) -> None:
    """Without If-Match: 428; with the ETag read: applied, the version goes up; with the old
    ETag again: 412 and nothing changes."""
    need = _post(client)
    buyer = headers_for(client, "buyer.imip")
    path = f"/api/v1/needs/{need['id']}"
    assert client.patch(path, json={"quantity": 30}, headers=buyer).status_code == 428
    changed = client.patch(path, json={"quantity": 30},
                           headers={**buyer, "If-Match": str(need["_etag"])})
    assert changed.status_code == 200
    assert changed.json()["quantity"] == 30
    assert changed.headers["etag"] == f'"need-{need["id"]}-v2"'
    stale = client.patch(path, json={"quantity": 40},
                         headers={**buyer, "If-Match": str(need["_etag"])})
    assert stale.status_code == 412
    assert stale.headers["etag"] == changed.headers["etag"]
    assert client.get(path, headers=buyer).json()["quantity"] == 30


def test_patch_of_the_product_name_normalises_again(client: TestClient) -> None:
    """A new product name in a category of the same unit is normalised again; one of another
    unit is refused on product_name."""
    need = _post(client)
    buyer = headers_for(client, "buyer.imip")
    path = f"/api/v1/needs/{need['id']}"
    renamed = client.patch(path, json={"product_name": "katering karyawan harian"},
                           headers={**buyer, "If-Match": str(need["_etag"])})
    assert renamed.status_code == 200
    assert renamed.json()["category_code"] == "katering-kontrak"
    other_unit = client.patch(path, json={"product_name": "sayur bayam"},
                              headers={**buyer, "If-Match": renamed.headers["etag"]})
    assert other_unit.status_code == 422
    assert other_unit.json()["errors"][0]["field"] == "product_name"


def test_other_parks_needs_are_not_found_and_the_agency_only_reads(client: TestClient) -> None:
    """IHIP's buyer cannot read or change IMIP's need (404); the agency reads it (the park is
    in its province) but may not change it (403); an IKM owner may not read needs (403)."""
    need = _post(client)
    path = f"/api/v1/needs/{need['id']}"
    other = headers_for(client, "buyer.ihip")
    assert client.get(path, headers=other).status_code == 404
    assert client.patch(path, json={"quantity": 1},
                        headers={**other, "If-Match": "*"}).status_code == 404
    assert client.delete(path, headers=other).status_code == 404
    agency = headers_for(client, "agency.sulteng")
    assert client.get(path, headers=agency).status_code == 200
    assert client.patch(path, json={"quantity": 1},
                        headers={**agency, "If-Match": "*"}).status_code == 403
    assert client.get(path, headers=headers_for(client, "owner.ani")).status_code == 403


def test_lists_hold_only_the_buyers_park(client: TestClient) -> None:
    """IMIP's buyer lists IMIP's needs only, on /needs and on its park's list; another park's
    list is not found."""
    buyer = headers_for(client, "buyer.imip")
    listed = client.get("/api/v1/needs", headers=buyer).json()["items"]
    assert {n["park_code"] for n in listed} == {"IMIP"}
    assert client.get(f"/api/v1/parks/{_park_id(client, 'IHIP')}/needs",
                      headers=buyer).status_code == 404


def test_delete_removes_the_need(client: TestClient) -> None:
    """DELETE answers 204 and the need is gone."""
    need = _post(client)
    buyer = headers_for(client, "buyer.imip")
    assert client.delete(f"/api/v1/needs/{need['id']}", headers=buyer).status_code == 204
    assert client.get(f"/api/v1/needs/{need['id']}", headers=buyer).status_code == 404


def test_every_write_is_in_the_audit_log(client: TestClient) -> None:
    """Create, update and delete each add an event naming who, what and what changed."""
    need = _post(client)
    buyer = headers_for(client, "buyer.imip")
    client.patch(f"/api/v1/needs/{need['id']}", json={"quantity": 30},
                 headers={**buyer, "If-Match": str(need["_etag"])})
    client.delete(f"/api/v1/needs/{need['id']}", headers=buyer)
    events = [e for e in _events(client) if e.object_type == "need"
              and e.object_id == str(need["id"])]
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert {e.username for e in events} == {"buyer.imip"}
    assert json.loads(events[1].changes) == {"quantity": 30}


def test_a_write_whose_commit_fails_is_not_answered_as_done(client: TestClient) -> None:
    """The transaction commits before the response is sent: when the commit fails (the
    database went away), the client gets a 503 problem with Retry-After, not a 201, and the
    need is not there."""
    app = client.app
    factory = app.state.write_sessionmaker  # type: ignore[attr-defined]

    def refuse(_session: object) -> None:
        raise OperationalError("COMMIT", {}, Exception("the database went away"))

    park = _park_id(client, "IMIP")
    headers = headers_for(client, "buyer.imip")
    before = client.get(f"/api/v1/parks/{park}/needs", headers=headers).json()["items"]
    event.listen(factory, "before_commit", refuse)
    try:
        response = client.post(f"/api/v1/parks/{park}/needs", json=NEED, headers=headers)
    finally:
        event.remove(factory, "before_commit", refuse)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"] == "urn:simpul:problem:database-unavailable"
    after = client.get(f"/api/v1/parks/{park}/needs", headers=headers).json()["items"]
    assert after == before
