"""Idempotency-Key on POST: a retry returns the first answer and creates nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from .conftest import headers_for


def _keys(client: TestClient, headers: dict[str, str]) -> list[dict[str, object]]:
    return list(client.get("/api/v1/auth/keys", headers=headers).json())


def test_retry_returns_the_first_answer_and_creates_nothing(anonymous: TestClient) -> None:
    """The same key and body twice: one API key made, the same answer twice, the second
    marked as replayed."""
    headers = {**headers_for(anonymous, "buyer.imip"), "Idempotency-Key": "kunci-1"}
    first = anonymous.post("/api/v1/auth/keys", json={"name": "a"}, headers=headers)
    again = anonymous.post("/api/v1/auth/keys", json={"name": "a"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len(_keys(anonymous, headers)) == 1


def test_same_key_with_another_body_is_422_naming_the_header(anonymous: TestClient) -> None:
    """Reusing a key for a different request is refused, the field named."""
    headers = {**headers_for(anonymous, "buyer.imip"), "Idempotency-Key": "kunci-2"}
    anonymous.post("/api/v1/auth/keys", json={"name": "a"}, headers=headers)
    other = anonymous.post("/api/v1/auth/keys", json={"name": "b"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert len(_keys(anonymous, headers)) == 1


def test_twenty_parallel_retries_create_one(anonymous: TestClient) -> None:
    """Twenty requests with one key at once: one object, twenty equal answers."""
    headers = {**headers_for(anonymous, "buyer.imip"), "Idempotency-Key": "kunci-3"}
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: anonymous.post(
            "/api/v1/auth/keys", json={"name": "paralel"}, headers=headers), range(20)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert len(_keys(anonymous, headers)) == 1


def test_keys_belong_to_an_account(anonymous: TestClient) -> None:
    """Two accounts may use the same key: each gets its own object."""
    for username in ("buyer.imip", "buyer.ihip"):
        headers = {**headers_for(anonymous, username), "Idempotency-Key": "sama"}
        assert anonymous.post("/api/v1/auth/keys", json={"name": "x"},
                              headers=headers).status_code == 201
        assert len(_keys(anonymous, headers)) == 1


def test_without_the_header_each_post_creates(anonymous: TestClient) -> None:
    """No Idempotency-Key: two POSTs, two objects."""
    headers = headers_for(anonymous, "buyer.imip")
    for _ in range(2):
        anonymous.post("/api/v1/auth/keys", json={"name": "x"}, headers=headers)
    assert len(_keys(anonymous, headers)) == 2


def test_a_key_that_is_too_long_is_422(anonymous: TestClient) -> None:
    """A key of 201 characters is refused before anything happens."""
    headers = {**headers_for(anonymous, "buyer.imip"), "Idempotency-Key": "k" * 201}
    response = anonymous.post("/api/v1/auth/keys", json={"name": "x"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert _keys(anonymous, headers) == []
