"""Every main page works on a closed network and a slow phone: it references nothing outside
this site, forbids loading anything from elsewhere (Content-Security-Policy), and weighs at
most 300 KB with every asset it references."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from .conftest import need_ids, sign_in

#: The most one page may weigh with its assets.
MAX_PAGE_BYTES = 300 * 1024
EXTERNAL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
ASSET = re.compile(r'<(?:link|script|img|source)\b[^>]*?\b(?:href|src)="([^"]+)"', re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def assets_of(html: str) -> list[str]:
    """The stylesheets, scripts and images a page loads."""
    return sorted(set(ASSET.findall(html)))


def weigh(client: TestClient, path: str) -> tuple[int, list[str]]:
    """The bytes of the page at ``path`` and of every asset it loads (and those the
    stylesheets load), and the assets' paths."""
    response = client.get(path)
    assert response.status_code == 200, path
    total = len(response.content)
    assets = assets_of(response.text)
    for asset in assets:
        assert asset.startswith("/static/"), f"{path} loads {asset} from elsewhere"
        loaded = client.get(asset)
        assert loaded.status_code == 200, asset
        total += len(loaded.content)
        assert not EXTERNAL.search(loaded.text), f"{asset} names an outside address"
        for inner in CSS_URL.findall(loaded.text) if asset.endswith(".css") else []:
            assert not inner.startswith(("http", "//")), f"{asset} loads {inner}"
    return total, assets


@pytest.fixture
def main_pages(matched: TestClient, pages_url: str) -> list[str]:
    """The buyer signed in on a catalog with a finished run; the main pages' paths."""
    nasi = need_ids(pages_url)["nasi kotak shift pagi"]
    sign_in(matched, "buyer.imip")
    return ["/kebutuhan", "/kebutuhan/baru", f"/kebutuhan/{nasi}",
            "/kebutuhan/saran?product_name=nasbox"]


def test_the_sign_in_page_is_light_and_local(client: TestClient) -> None:
    """``/`` with its assets is under 300 KB and names no outside address."""
    total, assets = weigh(client, "/")
    assert total <= MAX_PAGE_BYTES
    assert "/static/pages.css" in assets
    assert not EXTERNAL.search(client.get("/").text)


def test_every_main_page_is_light_and_local(matched: TestClient,
                                            main_pages: list[str]) -> None:
    """Each of the buyer's pages, with its assets, is under 300 KB, loads only from
    ``/static`` and names no outside address."""
    for path in main_pages:
        total, _ = weigh(matched, path)
        assert total <= MAX_PAGE_BYTES, (path, total)
        assert not EXTERNAL.search(matched.get(path).text), path


def test_pages_forbid_loading_from_elsewhere(matched: TestClient,
                                             main_pages: list[str]) -> None:
    """Every page sends a Content-Security-Policy allowing only this site, and is never
    cached (it shows one person's data)."""
    for path in ["/", *main_pages]:
        headers = matched.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "http" not in policy
        assert headers["cache-control"] == "no-store"


def test_the_owners_pages_are_light_and_local(matched: TestClient, pages_url: str) -> None:
    """Each of the IKM owner's pages ("Peluang", the IKM, its forms), with its assets, is
    under 300 KB, loads only from ``/static``, names no outside address and sends the
    policy."""
    sign_in(matched, "owner.ani")
    ani = matched.get("/ikm", follow_redirects=False).headers["location"]
    offer = re.search(rf'href="({ani}/penawaran/\d+)"', matched.get(ani).text)
    assert offer, "the IKM's page links its offer's form"
    for path in ["/peluang", ani, f"{ani}/profil", offer.group(1), f"{ani}/penawaran/baru",
                 f"{ani}/sertifikat/baru"]:
        total, _ = weigh(matched, path)
        assert total <= MAX_PAGE_BYTES, (path, total)
        response = matched.get(path)
        assert not EXTERNAL.search(response.text), path
        assert "default-src 'self'" in response.headers["content-security-policy"]


def test_the_agencys_pages_are_light_and_local(matched: TestClient) -> None:
    """Each of the agency's pages (the dashboard with its charts, the map, sentra,
    interventions, the review queue, match runs, a run and its status part), with its
    assets, is under 300 KB, loads only from ``/static``, names no outside address (the
    SVG is inline, without tiles) and sends the policy."""
    sign_in(matched, "agency.sulteng")
    run = re.search(r'href="(/dinas/pencocokan/\d+)"', matched.get("/dinas/pencocokan").text)
    assert run, "the runs page links the finished run"
    for path in ["/dinas/dasbor", "/dinas/peta", "/dinas/sentra", "/dinas/intervensi",
                 "/dinas/tinjauan", "/dinas/pencocokan", run.group(1),
                 f"{run.group(1)}/status"]:
        total, _ = weigh(matched, path)
        assert total <= MAX_PAGE_BYTES, (path, total)
        response = matched.get(path)
        assert not EXTERNAL.search(response.text), path
        assert "default-src 'self'" in response.headers["content-security-policy"]
