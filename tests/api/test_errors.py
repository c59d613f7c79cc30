"""Errors: RFC 9457 problems, in Bahasa Indonesia by default and English on request."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.i18n import parse_accept_language
from api.settings import Settings
from catalog.exceptions import InvalidValue
from catalog.messages import message
from catalog.store import InvalidRecord

from .conftest import headers_for

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("path", ["/api/v1/enterprises/999999", "/api/v1/needs/999999",
                                  "/api/v1/parks/999999", "/api/v1/regions/9999",
                                  "/api/v1/taxonomy/tidak-ada"])
def test_unknown_id_is_404_problem_in_indonesian(client: TestClient, path: str) -> None:
    """An id that does not exist is a 404 problem saying so in Indonesian."""
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:simpul:problem:not-found"
    assert body["title"] == "Tidak ditemukan"
    assert body["detail"].endswith("tidak ditemukan.")
    assert body["instance"] == path


def test_unknown_id_is_404_problem_in_english_when_asked(client: TestClient) -> None:
    """?lang=en and Accept-Language: en both give the English problem."""
    by_query = client.get("/api/v1/enterprises/999999?lang=en").json()
    by_header = client.get("/api/v1/enterprises/999999",
                           headers={"Accept-Language": "en-US,en;q=0.8"}).json()
    assert by_query == by_header
    assert by_query["title"] == "Not found"
    assert by_query["detail"] == "IKM '999999' was not found."


def test_unknown_route_is_404_problem(client: TestClient) -> None:
    """A path the app does not have is a problem too, not FastAPI's default JSON."""
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == "Alamat /api/v1/tidak-ada tidak ada."


@pytest.mark.parametrize(("query", "field", "indonesian"), [
    ("limit=0", "limit", "harus paling sedikit 1; tertulis 0"),
    ("limit=100000", "limit", "harus paling banyak 500; tertulis 100000"),
    ("offset=-1", "offset", "harus paling sedikit 0; tertulis -1"),
    ("limit=banyak", "limit", "'banyak' bukan bilangan bulat"),
])
@pytest.mark.parametrize("resource", ["regions", "parks", "taxonomy", "enterprises", "needs"])
def test_bad_paging_is_422_problem_naming_the_field(client: TestClient, resource: str,
                                                    query: str, field: str,
                                                    indonesian: str) -> None:
    """A bad limit or offset is a 422 problem naming the query parameter, on every list."""
    response = client.get(f"/api/v1/{resource}?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:simpul:problem:validation"
    assert body["title"] == "Permintaan tidak valid"
    assert body["errors"] == [{"field": field, "message": indonesian}]


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/enterprises?size_class=raksasa", "size_class"),
    ("/api/v1/needs?status=selesai", "status"),
    ("/api/v1/regions?level=pulau", "level"),
])
def test_bad_filter_choice_is_422_problem_listing_the_choices(client: TestClient, path: str,
                                                              field: str) -> None:
    """A filter value outside its choices is a 422 problem naming the filter."""
    [error] = client.get(path).json()["errors"]
    assert error["field"] == field
    assert "bukan salah satu dari" in error["message"]


def test_validation_problem_in_english(client: TestClient) -> None:
    """The 422 problem's title and messages follow the request's language."""
    body = client.get("/api/v1/needs?limit=100000&lang=en").json()
    assert body["title"] == "Invalid request"
    assert body["errors"] == [{"field": "limit", "message": "must be at most 500; got 100000"}]


def test_page_size_maximum_follows_settings(catalog_url: str) -> None:
    """page_size_max from the settings bounds limit; page_size_default is the default."""
    settings = Settings(database_url=catalog_url, page_size_default=2, page_size_max=3)
    with TestClient(create_app(settings)) as client:
        client.headers.update(headers_for(client, "admin"))
        assert client.get("/api/v1/enterprises").json()["limit"] == 2
        assert client.get("/api/v1/enterprises?limit=3").status_code == 200
        response = client.get("/api/v1/enterprises?limit=4")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def _app_raising(catalog_url: str, error: Exception) -> TestClient:
    app = create_app(Settings(database_url=catalog_url))

    @app.get("/boom")
    def boom() -> None:
        raise error

    return TestClient(app, raise_server_exceptions=False)


def test_invalid_record_is_422_problem_naming_each_field(catalog_url: str) -> None:
    """The catalog's InvalidRecord becomes a 422 problem listing every field and reason."""
    error = InvalidRecord([
        InvalidValue("offers[0].unit", message("unknown_unit", value="ons")),
        InvalidValue("nib", message("bad_nib", value="123")),
    ])
    with _app_raising(catalog_url, error) as client:
        body = client.get("/boom?lang=en").json()
    assert body["status"] == 422
    assert body["type"] == "urn:simpul:problem:invalid-value"
    assert body["errors"] == [
        {"field": "offers[0].unit", "message": "unknown unit 'ons'"},
        {"field": "nib", "message": "NIB must be 13 digits; got '123'"},
    ]


def test_unexpected_error_is_500_problem_without_traceback(catalog_url: str) -> None:
    """A bug is a logged 500 problem that shows the client no traceback or internals."""
    with _app_raising(catalog_url, RuntimeError("rahasia internal")) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert "rahasia" not in response.text
    assert "Traceback" not in response.text
    assert response.json()["title"] == "Kesalahan di server"


@pytest.mark.parametrize(("header", "expected"), [
    ("en", "en"), ("en-GB,en;q=0.9", "en"), ("id-ID,id;q=0.9,en;q=0.8", "id"),
    ("fr-FR,en;q=0.5", "en"), ("fr", None), ("en;q=0,id;q=0.1", "id"), ("", None),
    ("id;q=0.5,en;q=0.7", "en"), ("en;q=abc", None),
])
def test_accept_language_picks_the_most_preferred_supported_language(
        header: str, expected: str | None) -> None:
    """Accept-Language is read by quality, ignoring languages Simpul does not speak."""
    assert parse_accept_language(header) == expected
