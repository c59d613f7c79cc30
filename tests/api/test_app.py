"""The app as a whole: health, OpenAPI, offline docs, the landing page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.app import create_app
from api.i18n import format_count
from api.settings import Settings

EXTERNAL = re.compile(r"https?://", re.IGNORECASE)


def test_healthz_reports_database_ok(client: TestClient) -> None:
    """/healthz answers ok when the database answers SELECT 1."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_problem_when_database_unreachable() -> None:
    """/healthz answers a 503 problem, not a 500, when the database cannot be reached."""
    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503
    assert body["detail"] == "The database cannot be reached."


def test_openapi_lists_every_resource_path(client: TestClient) -> None:
    """/openapi.json documents the health check and each list and detail path."""
    paths = client.get("/openapi.json").json()["paths"]
    for resource, key in [("regions", "bps_code"), ("parks", "park_id"),
                          ("taxonomy", "code"), ("enterprises", "enterprise_id"),
                          ("needs", "need_id")]:
        assert f"/api/v1/{resource}" in paths
        assert f"/api/v1/{resource}/{{{key}}}" in paths
    assert "/healthz" in paths


def test_openapi_documents_problem_responses(client: TestClient) -> None:
    """Errors are documented as application/problem+json for the API's routes."""
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/enterprises"]["get"]
    assert list(operation["responses"]["422"]["content"]) == ["application/problem+json"]
    parameters = {p["name"] for p in operation["parameters"]}
    assert {"limit", "offset", "after", "lang", "category", "size_class"} <= parameters


def test_docs_load_nothing_from_outside(client: TestClient) -> None:
    """/docs and /redoc name no CDN and no external http(s) address; their assets are local."""
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "cdn" not in html.lower()
        assert not EXTERNAL.search(html), page
    docs = client.get("/docs").text
    for asset in re.findall(r'(?:src|href)="([^"]+)"', docs):
        assert client.get(asset).status_code == 200, asset


def test_landing_page_is_indonesian_by_default(client: TestClient) -> None:
    """/ says what Simpul is in Bahasa Indonesia, with the catalog's counts and links."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="id">' in html
    assert "mempertemukan industri kecil dan menengah" in html
    assert '<span class="number">7</span> IKM' in html
    assert '<span class="number">3</span> kebutuhan' in html
    assert '<span class="number">2</span> kawasan industri' in html
    assert 'href="/docs"' in html
    assert 'href="/api/v1/enterprises?lang=id"' in html
    assert not EXTERNAL.search(html)


def test_landing_page_speaks_english_when_asked(client: TestClient) -> None:
    """/ is in English with ?lang=en, and stays English on the next visit (cookie)."""
    for response in (client.get("/?lang=en"), client.get("/")):
        assert '<html lang="en">' in response.text
        assert "joins small and medium industries" in response.text
        assert response.headers["content-language"] == "en"


def test_landing_page_ignores_an_english_browser(client: TestClient) -> None:
    """A browser set to English still gets Indonesian until the person chooses English."""
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="id">' in response.text


def test_landing_page_groups_thousands_the_indonesian_way(client: TestClient) -> None:
    """Counts of four digits or more use '.' in Indonesian and ',' in English."""
    assert format_count(87_000, "id") == "87.000"
    assert format_count(87_000, "en") == "87,000"


def test_stylesheet_is_served(client: TestClient) -> None:
    """The landing page's stylesheet is served from /static."""
    response = client.get("/static/simpul.css")
    assert response.status_code == 200
    assert "text/css" in response.headers["content-type"]
