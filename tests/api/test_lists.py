"""The read-only lists and details under /api/v1: paging, filters, ordering and contents."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import headers_for


def _get(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("resource", "total", "key"), [
    ("regions", 6, "id_or_code"), ("parks", 2, "id"), ("enterprises", 7, "id"),
    ("needs", 3, "id"),
])
def test_every_list_pages_with_limit_and_offset(client: TestClient, resource: str,
                                                total: int, key: str) -> None:
    """limit/offset slice a stable order; total counts everything; pages do not overlap."""
    everything = _get(client, f"/api/v1/{resource}?limit=500")
    assert everything["total"] == total
    assert everything["limit"] == 500
    assert everything["offset"] == 0
    first = _get(client, f"/api/v1/{resource}?limit=2")
    second = _get(client, f"/api/v1/{resource}?limit=2&offset=2")
    assert first["total"] == second["total"] == total
    assert (first["limit"], first["offset"]) == (2, 0)
    assert (second["limit"], second["offset"]) == (2, 2)
    assert first["items"] + second["items"] == everything["items"][:4]
    past_the_end = _get(client, f"/api/v1/{resource}?offset={total}")
    assert past_the_end["items"] == []
    assert past_the_end["total"] == total


@pytest.mark.parametrize("resource", ["parks", "enterprises", "needs"])
def test_lists_are_ordered_by_id_and_walk_by_keyset(client: TestClient, resource: str) -> None:
    """Items come by ascending id; ``after`` continues after the last id seen."""
    items = _get(client, f"/api/v1/{resource}")["items"]
    ids = [item["id"] for item in items]
    assert ids == sorted(ids)
    rest = _get(client, f"/api/v1/{resource}?after={ids[0]}&limit=500")["items"]
    assert [item["id"] for item in rest] == ids[1:]


def test_taxonomy_walks_by_code(client: TestClient) -> None:
    """The taxonomy is ordered by code, and ``after`` takes a code."""
    codes = [c["code"] for c in _get(client, "/api/v1/taxonomy?limit=500")["items"]]
    assert codes == sorted(codes)
    after = _get(client, f"/api/v1/taxonomy?after={codes[9]}&limit=3")["items"]
    assert [c["code"] for c in after] == codes[10:13]


def test_regions_filter_by_level_and_parent(client: TestClient) -> None:
    """Regions filter by level and by the parent's BPS code."""
    districts = _get(client, "/api/v1/regions?level=district")
    assert districts["total"] == 3
    in_morowali = _get(client, "/api/v1/regions?parent_bps_code=7203")["items"]
    assert [r["name"] for r in in_morowali] == ["Bahodopi", "Bungku Tengah"]
    assert all(r["parent_bps_code"] == "7203" for r in in_morowali)


def test_region_detail_keeps_both_official_codes(client: TestClient) -> None:
    """A region shows its BPS and Kemendagri codes, its parent and its number of children."""
    morowali = _get(client, "/api/v1/regions/7203")
    assert morowali["kemendagri_code"] == "72.06"
    assert morowali["parent_name"] == "Sulawesi Tengah"
    assert morowali["children"] == 2


def test_park_detail_counts_needs_by_status(client: TestClient) -> None:
    """A park shows where its gate is and how many needs it has posted, by status."""
    [imip] = [p for p in _get(client, "/api/v1/parks")["items"] if p["code"] == "IMIP"]
    assert imip["region_name"] == "Bahodopi"
    detail = _get(client, f"/api/v1/parks/{imip['id']}")
    assert detail["needs_by_status"] == {"open": 2}
    assert detail["workers"] == 87_000


def test_taxonomy_filters_by_sector_kbli_and_text(client: TestClient) -> None:
    """Categories filter by sector, by KBLI code and by text in names or aliases."""
    food = _get(client, "/api/v1/taxonomy?sector=pangan&limit=500")["items"]
    assert food
    assert all(c["sector"] == "pangan" for c in food)
    by_kbli = _get(client, "/api/v1/taxonomy?kbli=56290")["items"]
    assert [c["code"] for c in by_kbli] == ["katering-kontrak"]
    by_alias = [c["code"] for c in _get(client, "/api/v1/taxonomy?q=NASBOX")["items"]]
    assert "katering-acara" in by_alias


def test_taxonomy_text_search_treats_wildcards_literally(client: TestClient) -> None:
    """``%`` and ``_`` in ``q`` are characters to find, not SQL wildcards."""
    assert _get(client, "/api/v1/taxonomy?q=%25")["total"] == 0
    assert _get(client, "/api/v1/taxonomy?q=_")["total"] == 0


def test_category_detail_has_kbli_titles_aliases_and_relations(client: TestClient) -> None:
    """A category shows each KBLI code with its title, its aliases and its relations."""
    detail = _get(client, "/api/v1/taxonomy/katering-kontrak")
    assert detail["kbli"] == ["56290"]
    assert detail["kbli_codes"][0]["code"] == "56290"
    assert detail["kbli_codes"][0]["primary"] is True
    assert detail["kbli_codes"][0]["title"]
    assert "katering" in {a["alias"] for a in detail["aliases"]}
    assert detail["relations"]
    assert all("katering-kontrak" in (r["source"], r["target"]) for r in detail["relations"])


@pytest.mark.parametrize(("query", "names"), [
    ("district_bps_code=7203030", ["Bengkel Las Maju"]),
    ("regency_bps_code=7212", ["Tani Sayur Segar"]),
    ("category=jasa-las", ["Bengkel Las Maju"]),
    ("size_class=menengah", ["Tani Sayur Segar"]),
    ("sentra=hortikultura", ["Tani Sayur Segar"]),
    ("q=bayam", ["Tani Sayur Segar"]),
    ("q=bengkel", ["Bengkel Las Maju"]),
    ("regency_bps_code=7203&category=katering-kontrak&limit=2",
     ["Katering Bu Ani", "Katering Dua"]),
])
def test_enterprises_filter(client: TestClient, query: str, names: list[str]) -> None:
    """IKM filter by kecamatan, kabupaten, category, size class, sentra and text."""
    page = _get(client, f"/api/v1/enterprises?{query}")
    assert [e["name"] for e in page["items"]] == names


def test_enterprises_filter_total_counts_all_matches(client: TestClient) -> None:
    """With a filter, total counts every match, not only the page."""
    page = _get(client, "/api/v1/enterprises?category=katering-kontrak&limit=2")
    assert page["total"] == 5
    assert len(page["items"]) == 2


def test_enterprise_list_item_shows_place_size_and_categories(client: TestClient) -> None:
    """A listed IKM shows its kecamatan and kabupaten, size class and offered categories."""
    [ani] = _get(client, "/api/v1/enterprises?q=bu%20ani")["items"]
    assert ani["district_name"] == "Bahodopi"
    assert ani["regency_name"] == "Morowali"
    assert ani["size_class"] == "mikro"
    assert ani["categories"] == ["katering-kontrak"]
    public = client.get("/api/v1/enterprises?q=bu%20ani",
                        headers=headers_for(client, "buyer.imip")).json()["items"][0]
    assert public["view"] == "public"
    assert "owner_phone" not in public
    assert "size_class" not in public


def test_enterprise_detail_marks_expired_certificates_invalid(client: TestClient) -> None:
    """An IKM's detail lists offers in canonical units and says which certificates count."""
    [ani] = _get(client, "/api/v1/enterprises?q=bu%20ani")["items"]
    detail = _get(client, f"/api/v1/enterprises/{ani['id']}")
    [offer] = detail["offers"]
    assert (offer["capacity"], offer["unit"], offer["unit_price_idr"]) == (300, "porsi", 25_000)
    validity = {c["kind"]: c["valid"] for c in detail["certificates"]}
    assert validity == {"HALAL": True, "HYGIENE": False}


@pytest.mark.parametrize(("query", "products"), [
    ("park=IMIP", ["nasi kotak shift pagi", "sayur daun dapur umum"]),
    ("park=IHIP", ["jasa las perbaikan conveyor"]),
    ("category=sayur-daun", ["sayur daun dapur umum"]),
    ("status=closed", ["jasa las perbaikan conveyor"]),
    ("park=IMIP&status=closed", []),
])
def test_needs_filter(client: TestClient, query: str, products: list[str]) -> None:
    """Needs filter by park code, category and status."""
    page = _get(client, f"/api/v1/needs?{query}")
    assert [n["product_name"] for n in page["items"]] == products
    assert page["total"] == len(products)


def test_need_detail_shows_rules_and_required_certificates(client: TestClient) -> None:
    """A need shows its park, quantity in the canonical unit and required certificates."""
    [need] = _get(client, "/api/v1/needs?category=katering-kontrak")["items"]
    detail = _get(client, f"/api/v1/needs/{need['id']}")
    assert detail == need
    assert detail["park_code"] == "IMIP"
    assert (detail["quantity"], detail["unit"]) == (5_000, "porsi")
    assert detail["required_certificates"] == ["HALAL"]


def test_empty_catalog_gives_empty_pages(empty_client: TestClient) -> None:
    """On an empty database every list is an empty page, not an error."""
    for resource in ("regions", "parks", "taxonomy", "enterprises", "needs"):
        assert _get(empty_client, f"/api/v1/{resource}") == {
            "items": [], "total": 0, "limit": 50, "offset": 0, "next_cursor": None}
