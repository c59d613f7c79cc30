"""Accounts: signing in, tokens, API keys, who the principal is, limits on guessing."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from api.auth.principal import app_secret_key
from api.auth.security import make_token

from .conftest import PASSWORD, headers_for


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, object]:
    response = client.post("/api/v1/auth/token",
                           data={"username": username, "password": password})
    return {"status": response.status_code, **response.json()}


def test_password_flow_gives_a_bearer_token_for_the_account(anonymous: TestClient) -> None:
    """POST /auth/token with the form fields gives a token that /me accepts."""
    answer = sign_in(anonymous, "buyer.imip")
    assert answer["status"] == 200
    assert answer["token_type"] == "bearer"
    assert answer["expires_in"] == 30 * 60
    me = anonymous.get("/api/v1/me",
                       headers={"Authorization": f"Bearer {answer['access_token']}"}).json()
    assert (me["username"], me["role"], me["park_code"]) == ("buyer.imip", "park_buyer", "IMIP")


def test_me_says_what_each_role_is_bound_to(anonymous: TestClient) -> None:
    """/me: a park for a buyer, enterprises for an owner, a province for the agency."""
    owner = anonymous.get("/api/v1/me", headers=headers_for(anonymous, "owner.ani")).json()
    agency = anonymous.get("/api/v1/me",
                           headers=headers_for(anonymous, "agency.sulteng")).json()
    admin = anonymous.get("/api/v1/me", headers=headers_for(anonymous, "admin")).json()
    assert owner["role"] == "ikm_owner"
    assert len(owner["enterprise_ids"]) == 1
    assert (agency["role"], agency["province"]) == ("agency", "72")
    assert admin["role"] == "admin"


def test_wrong_password_is_401_problem_and_unknown_user_looks_the_same(
        anonymous: TestClient) -> None:
    """A wrong password and a username that does not exist get the same 401 problem."""
    wrong = anonymous.post("/api/v1/auth/token",
                           data={"username": "buyer.imip", "password": "salah"})
    unknown = anonymous.post("/api/v1/auth/token",
                             data={"username": "siapa.ini", "password": "salah"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "Nama pengguna atau kata sandi salah."


def test_too_many_failures_are_429_with_retry_after(anonymous: TestClient) -> None:
    """After 5 failed sign-ins the username is locked for the window, even with the right
    password; other usernames are not."""
    for _ in range(5):
        assert sign_in(anonymous, "buyer.imip", "salah")["status"] == 401
    locked = anonymous.post("/api/v1/auth/token",
                            data={"username": "buyer.imip", "password": PASSWORD})
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 900
    assert sign_in(anonymous, "buyer.ihip")["status"] == 200


def test_missing_credentials_are_401_with_www_authenticate(anonymous: TestClient) -> None:
    """Without a token every API route answers 401 problem+json, saying how to sign in."""
    response = anonymous.get("/api/v1/parks")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"


def test_expired_or_forged_tokens_are_refused(anonymous: TestClient) -> None:
    """A token past its expiry, or signed with another key, is 401."""
    secret = app_secret_key(anonymous.app.state)  # type: ignore[attr-defined]
    old, _ = make_token(1, "admin", secret=secret, minutes=30,
                        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    forged, _ = make_token(1, "admin", secret="x" * 48, minutes=30)
    for token in (old, forged, "not-a-token"):
        response = anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_api_key_acts_as_its_account_until_revoked(anonymous: TestClient) -> None:
    """A new key is shown once, works as X-API-Key or bearer, and stops when revoked."""
    owner = headers_for(anonymous, "buyer.imip")
    made = anonymous.post("/api/v1/auth/keys", json={"name": "sistem pengadaan"},
                          headers=owner)
    assert made.status_code == 201
    key = made.json()["key"]
    for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
        assert anonymous.get("/api/v1/me", headers=headers).json()["username"] == "buyer.imip"
    listed = anonymous.get("/api/v1/auth/keys", headers=owner).json()
    assert [k["prefix"] for k in listed] == [made.json()["prefix"]]
    assert "key" not in listed[0]
    assert anonymous.delete(f"/api/v1/auth/keys/{made.json()['id']}",
                            headers=owner).status_code == 204
    assert anonymous.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 401


def test_keys_of_other_accounts_are_not_found(anonymous: TestClient) -> None:
    """One account cannot revoke another's key: 404."""
    made = anonymous.post("/api/v1/auth/keys", json={"name": "k"},
                          headers=headers_for(anonymous, "buyer.imip")).json()
    response = anonymous.delete(f"/api/v1/auth/keys/{made['id']}",
                                headers=headers_for(anonymous, "buyer.ihip"))
    assert response.status_code == 404
