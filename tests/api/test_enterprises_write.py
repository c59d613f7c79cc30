"""IKM through the API: each reader's view, registering and changing an IKM, its offers and
certificates; nothing of another IKM beyond the public catalogue."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import headers_for


def _ani(client: TestClient) -> int:
    [ani] = client.get("/api/v1/enterprises?q=bu%20ani").json()["items"]
    return int(ani["id"])


def test_owner_sees_its_own_ikm_in_full_and_others_in_the_public_catalogue(
        client: TestClient) -> None:
    """Bu Ani's owner: her IKM with prices and contact; the welder's IKM only by name,
    kecamatan, categories and certificate kinds."""
    owner = headers_for(client, "owner.ani")
    own = client.get(f"/api/v1/enterprises/{_ani(client)}", headers=owner).json()
    assert own["view"] == "own"
    assert own["offers"][0]["unit_price_idr"] == 25_000
    [welder] = client.get("/api/v1/enterprises?q=las", headers=owner).json()["items"]
    assert welder["view"] == "public"
    assert set(welder) == {"view", "id", "name", "district_bps_code", "district_name",
                           "regency_name", "categories", "certificates"}


def test_agency_sees_profile_and_capacity_but_no_prices(client: TestClient) -> None:
    """The agency's view of an IKM in its province has offers with capacity, no price."""
    agency = client.get(f"/api/v1/enterprises/{_ani(client)}",
                        headers=headers_for(client, "agency.sulteng")).json()
    assert agency["view"] == "agency"
    assert agency["offers"][0]["capacity"] == 300
    assert "unit_price_idr" not in agency["offers"][0]
    assert "owner_phone" not in agency


def test_registering_binds_the_owner_and_the_agency_stays_in_its_province(
        client: TestClient) -> None:
    """An owner registers an IKM and may change it at once; the agency may register one in
    its province, not elsewhere (422 naming the kecamatan)."""
    owner = headers_for(client, "owner.las")
    made = client.post("/api/v1/enterprises", json={
        "name": "Bubut Presisi", "district_bps_code": "7203030", "workers": 3,
        "investment_idr": 40_000_000}, headers=owner)
    assert made.status_code == 201
    assert made.json()["view"] == "own"
    assert client.get("/api/v1/enterprises?own=true", headers=owner).json()["total"] == 2
    agency = headers_for(client, "agency.sulteng")
    inside = client.post("/api/v1/enterprises", json={
        "name": "Tenun Morowali", "district_bps_code": "7203021", "workers": 5,
        "investment_idr": 20_000_000}, headers=agency)
    assert inside.status_code == 201
    assert client.post("/api/v1/enterprises", json={
        "name": "Di Luar", "district_bps_code": "3578070", "workers": 5,
        "investment_idr": 1}, headers=agency).status_code == 422
    assert client.post("/api/v1/enterprises", json={
        "name": "x", "district_bps_code": "7203021", "workers": 1, "investment_idr": 1},
        headers=headers_for(client, "buyer.imip")).status_code == 403


def test_a_nib_held_by_another_ikm_is_409_naming_the_field(client: TestClient) -> None:
    """Registering, or changing a profile to, the NIB of another IKM is a 409 that names
    ``nib`` (not a write conflict); nothing is written. The IKM's own NIB may be sent again."""
    owner = headers_for(client, "owner.las")
    taken = "9120001234567"  # Katering Bu Ani's
    before = client.get("/api/v1/enterprises", headers=owner).json()["total"]
    made = client.post("/api/v1/enterprises", json={
        "name": "Bubut Kembar", "district_bps_code": "7203030", "workers": 3,
        "investment_idr": 40_000_000, "nib": taken}, headers=owner)
    assert made.status_code == 409, made.text
    assert made.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in made.json()["errors"]] == ["nib"]
    assert taken in made.json()["detail"]
    assert client.get("/api/v1/enterprises", headers=owner).json()["total"] == before
    las = client.get("/api/v1/enterprises?own=true", headers=owner).json()["items"][0]["id"]
    changed = client.patch(f"/api/v1/enterprises/{las}", json={"nib": taken},
                           headers={**owner, "If-Match": "*", "Accept-Language": "en"})
    assert changed.status_code == 409, changed.text
    assert changed.json()["errors"][0] == {"field": "nib",
                                           "message": "already registered to another IKM"}
    ani = headers_for(client, "owner.ani")
    same = client.patch(f"/api/v1/enterprises/{_ani(client)}", json={"nib": taken},
                        headers={**ani, "If-Match": "*"})
    assert same.status_code == 200, same.text


def test_patch_of_an_ikm_needs_its_etag_and_its_owner(client: TestClient) -> None:
    """The owner changes the profile with If-Match; another owner's attempt is not found."""
    owner = headers_for(client, "owner.ani")
    path = f"/api/v1/enterprises/{_ani(client)}"
    read = client.get(path, headers=owner)
    changed = client.patch(path, json={"workers": 6},
                           headers={**owner, "If-Match": read.headers["etag"]})
    assert changed.status_code == 200
    assert changed.json()["workers"] == 6
    assert client.patch(path, json={"workers": 7},
                        headers={**owner, "If-Match": read.headers["etag"]}).status_code == 412
    assert client.patch(path, json={"workers": 7}, headers={
        **headers_for(client, "owner.las"), "If-Match": "*"}).status_code == 404
    assert client.patch(path, json={"district_bps_code": "7203030"},
                        headers={**owner, "If-Match": "*"}).status_code == 422


def test_offers_are_added_changed_and_removed_by_their_owner(client: TestClient) -> None:
    """A new offer is normalised and converted; a change needs its ETag; deleting removes
    it; another owner finds nothing."""
    owner = headers_for(client, "owner.ani")
    ani = _ani(client)
    made = client.post(f"/api/v1/enterprises/{ani}/offers", json={
        "product_name": "kue basah tradisional", "quantity": 10, "unit": "lusin",
        "unit_price_idr": 24_000}, headers=owner)
    assert made.status_code == 201
    offer = made.json()
    assert (offer["category_code"], offer["capacity"], offer["unit_price_idr"]) == (
        "kue-basah", 120, 2_000)
    path = f"/api/v1/offers/{offer['id']}"
    other = headers_for(client, "owner.las")
    assert client.patch(path, json={"capacity": 1}, headers={**other, "If-Match": "*"}
                        ).status_code == 404
    cheaper = client.patch(path, json={"unit_price_idr": 1_800},
                           headers={**owner, "If-Match": made.headers["etag"]})
    assert cheaper.status_code == 200
    assert cheaper.json()["unit_price_idr"] == 1_800
    assert client.delete(path, headers=owner).status_code == 204
    offers = client.get(f"/api/v1/enterprises/{ani}/offers", headers=owner).json()["items"]
    assert offer["id"] not in [o["id"] for o in offers]


def test_offers_of_another_ikm_are_out_of_reach(client: TestClient) -> None:
    """Another owner: 404 on Bu Ani's offers and certificates; a park buyer: 403; the agency
    reads them without prices."""
    ani = _ani(client)
    for resource in ("offers", "certificates"):
        path = f"/api/v1/enterprises/{ani}/{resource}"
        assert client.get(path, headers=headers_for(client, "owner.las")).status_code == 404
        assert client.get(path, headers=headers_for(client, "buyer.imip")).status_code == 403
    offers = client.get(f"/api/v1/enterprises/{ani}/offers",
                        headers=headers_for(client, "agency.sulteng")).json()["items"]
    assert offers
    assert all("unit_price_idr" not in o for o in offers)


def test_certificates_are_added_once_and_warn_before_they_expire(client: TestClient) -> None:
    """A certificate is added with its validity; the same kind and number again is 409; an
    expired one is not valid."""
    owner = headers_for(client, "owner.ani")
    path = f"/api/v1/enterprises/{_ani(client)}/certificates"
    made = client.post(path, json={"kind": "PIRT", "number": "P-IRT 2067203010123",
                                   "valid_until": "2031-01-01"}, headers=owner)
    assert made.status_code == 201
    assert made.json()["valid"] is True
    again = client.post(path, json={"kind": "PIRT", "number": "P-IRT 2067203010123"},
                        headers=owner)
    assert again.status_code == 409
    hygiene = [c for c in client.get(path, headers=owner).json()["items"]
               if c["kind"] == "HYGIENE"]
    assert hygiene[0]["valid"] is False
    assert client.post(path, json={"kind": "HALAL", "number": "x", "colour": "hijau"},
                       headers=owner).status_code == 422


def test_offers_and_certificates_are_paginated(client: TestClient) -> None:
    """A page at a time, by id, with a cursor to the next page."""
    owner = headers_for(client, "owner.ani")
    ani = _ani(client)
    assert client.post(f"/api/v1/enterprises/{ani}/offers", headers=owner, json={
        "product_name": "nasi kotak lauk ikan", "quantity": 300, "unit": "porsi",
        "unit_price_idr": 24_000}).status_code == 201
    assert client.post(f"/api/v1/enterprises/{ani}/certificates", headers=owner, json={
        "kind": "PIRT", "number": "P-IRT 2067203010999"}).status_code == 201
    for resource in ("offers", "certificates"):
        path = f"/api/v1/enterprises/{ani}/{resource}"
        everything = client.get(path, headers=owner).json()
        assert everything["total"] == len(everything["items"]) >= 2
        ids = [item["id"] for item in everything["items"]]
        assert ids == sorted(ids)
        first = client.get(path, params={"limit": 1}, headers=owner).json()
        assert [item["id"] for item in first["items"]] == ids[:1]
        rest = client.get(path, params={"cursor": first["next_cursor"]}, headers=owner).json()
        assert [item["id"] for item in rest["items"]] == ids[1:]
        assert rest["next_cursor"] is None
