"""The park buyer's "Kebutuhan" pages: who sees which need (as the API decides), the form
(its suggestions, its errors next to their fields, the input kept), what a need's page shows
of the current run, and errors as pages."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.needs import queries as needs_queries
from catalog.db import make_engine, make_sessionmaker
from catalog.models import AuditEvent, Need

from ..api.conftest import headers_for
from .conftest import csrf_of, need_ids, sign_in

#: A need as the form posts it, valid.
GOOD = {"product_name": "nasi kotak shift malam", "quantity": "300", "unit": "porsi",
        "period": "hari", "due_date": "2026-12-20", "split": "on",
        "certificates": ["HALAL", "HYGIENE"], "max_unit_price_idr": "30000"}


def post_form(client: TestClient, **fields: object) -> object:
    token = csrf_of(client.get("/kebutuhan/baru").text)
    return client.post("/kebutuhan/baru", data={"csrf_token": token, **fields},
                       follow_redirects=False)


def count_needs(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return len(session.scalars(select(Need.id)).all())
    finally:
        engine.dispose()


def test_the_list_shows_the_parks_own_needs_only(buyer: TestClient) -> None:
    """IMIP's buyer sees IMIP's needs with their category, quantity and due date, and none of
    IHIP's."""
    html = buyer.get("/kebutuhan").text
    assert "nasi kotak shift pagi" in html
    assert "Katering kontrak (kantin kawasan)" in html
    assert "5.000 porsi" in html
    assert "1 Des 2026" in html
    assert "jasa las perbaikan conveyor" not in html
    assert "Belum ada pencocokan yang selesai" in html


def test_another_parks_need_is_a_not_found_page(buyer: TestClient, pages_url: str) -> None:
    """IHIP's need is not found for IMIP's buyer: a 404 page in Bahasa Indonesia, as the API
    answers 404 for it (the same query decides)."""
    ihip = need_ids(pages_url)["jasa las perbaikan conveyor"]
    response = buyer.get(f"/kebutuhan/{ihip}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "tidak ditemukan, atau bukan bagian Anda" in response.text
    assert buyer.get(f"/api/v1/needs/{ihip}",
                     headers=headers_for(buyer, "buyer.imip")).status_code == 404


@pytest.mark.parametrize("path", ["/kebutuhan/abc", "/kebutuhan/0", "/kebutuhan/99999999999"])
def test_a_malformed_need_id_is_a_not_found_page(buyer: TestClient, path: str) -> None:
    """An id that cannot exist is a 404 page, not a validation error."""
    response = buyer.get(path)
    assert response.status_code == 404
    assert "<h1>Ada masalah</h1>" in response.text


def test_an_ikm_owner_may_not_open_the_needs_pages(client: TestClient) -> None:
    """Needs are the parks' (and the agency's): an IKM owner gets a 403 page."""
    sign_in(client, "owner.ani")
    response = client.get("/kebutuhan")
    assert response.status_code == 403
    assert "Peran Anda tidak bisa membuka halaman ini." in response.text


def test_the_agency_reads_needs_but_may_not_post(client: TestClient) -> None:
    """The agency reads the needs of its province's parks (both) but has no form."""
    sign_in(client, "agency.sulteng")
    html = client.get("/kebutuhan").text
    assert "nasi kotak shift pagi" in html
    assert "jasa las perbaikan conveyor" in html
    assert 'href="/kebutuhan/baru"' not in html
    assert client.get("/kebutuhan/baru").status_code == 403


def test_the_form_labels_every_field(buyer: TestClient) -> None:
    """Every input, select and checkbox of the form has a label naming it."""
    html = buyer.get("/kebutuhan/baru").text
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert {"product_name", "quantity", "unit", "period", "due_date", "category_code",
            "max_unit_price_idr", "split", "min_lot", "max_suppliers",
            "max_distance_km", "certificate-HALAL"} <= set(ids)
    for field_id in ids:
        assert f'<label for="{field_id}">' in html, field_id
    assert "Nama produk atau jasa" in html


def test_a_form_with_errors_keeps_the_input_and_names_each_field(
        buyer: TestClient, pages_url: str) -> None:
    """A negative quantity and a missing due date: 422, the form again with what was typed,
    each message next to its field (and in the summary), nothing written."""
    before = count_needs(pages_url)
    response = post_form(buyer, **{**GOOD, "quantity": "-3", "due_date": ""})
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    assert 'value="nasi kotak shift malam"' in html
    assert 'value="-3"' in html
    assert 'value="30000"' in html
    assert 'value="HALAL" checked' in html
    assert 'value="HYGIENE" checked' in html
    assert re.search(r'id="quantity"[^>]*aria-describedby="quantity-error"', html)
    assert '<span class="error" id="quantity-error">harus lebih dari 0' in html
    assert '<span class="error" id="due_date-error">wajib diisi</span>' in html
    assert "Ada 2 isian yang perlu diperbaiki." in html
    assert "Traceback" not in html
    assert count_needs(pages_url) == before


def test_form_errors_are_in_english_after_the_switch(buyer: TestClient) -> None:
    """The same errors in English once the person chose English."""
    buyer.get("/kebutuhan/baru?lang=en")
    response = post_form(buyer, **{**GOOD, "quantity": "-3", "due_date": "besok"})
    html = response.text  # type: ignore[attr-defined]
    assert "must be more than 0" in html
    assert "is not a date" in html
    assert "2 field(s) need correcting." in html


def test_a_catalog_rule_is_shown_at_its_field(buyer: TestClient) -> None:
    """A minimum lot above the quantity breaks a catalog rule: the message is at the
    minimum lot's field, the input kept."""
    response = post_form(buyer, **{**GOOD, "min_lot": "500"})
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    assert 'id="min_lot-error"' in html
    assert 'value="500"' in html


def test_posting_a_need_runs_the_apis_use_case(buyer: TestClient, pages_url: str) -> None:
    """A valid form writes the need as the API would (normalised, certificates, audited) and
    leads to its page; the API reads it back."""
    response = post_form(buyer, **GOOD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    need_id = int(re.fullmatch(r"/kebutuhan/(\d+)\?baru=1", location).group(1))  # type: ignore[union-attr]
    page = buyer.get(location).text
    assert "Kebutuhan tersimpan" in page
    assert "Sertifikat Halal (BPJPH)" in page
    assert "Rp30.000" in page
    api = buyer.get(f"/api/v1/needs/{need_id}", headers=headers_for(buyer, "buyer.imip"))
    body = api.json()
    assert (body["park_code"], body["quantity"], body["unit"]) == ("IMIP", 300, "porsi")
    assert body["required_certificates"] == ["HALAL", "HYGIENE"]
    assert body["category_code"] is not None
    engine = make_engine(pages_url)
    with make_sessionmaker(engine)() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(need_id),
                                                         AuditEvent.object_type == "need")).one()
    engine.dispose()
    assert (event.username, event.action) == ("buyer.imip", "create")
    assert json.loads(event.changes)["product_name"] == "nasi kotak shift malam"


def test_posting_without_the_csrf_token_writes_nothing(buyer: TestClient,
                                                       pages_url: str) -> None:
    """A need posted without the form's token (from another site) is a 403 page."""
    before = count_needs(pages_url)
    response = buyer.post("/kebutuhan/baru", data=GOOD)
    assert response.status_code == 403
    assert "Formulir ini kedaluwarsa" in response.text
    assert count_needs(pages_url) == before


def test_the_suggestion_shows_category_kbli_confidence_and_runners_up(
        buyer: TestClient) -> None:
    """As a name is typed the page fetches the normaliser's answer: the category, its KBLI,
    the confidence, and other categories one click away."""
    response = buyer.get("/kebutuhan/saran", params={"product_name": "nasbox ayam"})
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert "Usulan kategori" in html
    assert re.search(r'data-category="[a-z-]+"', html)
    assert "KBLI 5" in html
    assert re.search(r"keyakinan \d+%", html)
    assert re.search(r'<button type="submit" name="pick" value="[a-z-]+"', html)
    assert "Ketik nama produk" in buyer.get("/kebutuhan/saran").text


def test_picking_a_runner_up_without_script_shows_it_chosen(buyer: TestClient,
                                                            pages_url: str) -> None:
    """Without script, a runner-up button posts the form back with that category chosen
    and everything typed kept; nothing is written."""
    before = count_needs(pages_url)
    response = post_form(buyer, **{**GOOD, "pick": "katering-acara"})
    assert response.status_code == 200  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    assert '<option value="katering-acara" selected>' in html
    assert 'value="nasi kotak shift malam"' in html
    assert count_needs(pages_url) == before


def test_a_need_shows_its_allocations_and_the_reasons_for_what_is_unmet(
        matched: TestClient, pages_url: str) -> None:
    """After a run, a need's page lists the IKM allocated (quantity, landed cost, km, local)
    and the unmet units by reason; the list shows how much is covered."""
    sign_in(matched, "buyer.imip")
    nasi = need_ids(pages_url)["nasi kotak shift pagi"]
    html = matched.get(f"/kebutuhan/{nasi}").text
    assert "Katering Bu Ani" in html
    assert "9.000 porsi" in html
    assert "Rp25.000" in html
    assert "Sertifikat yang diminta tidak dimiliki atau kedaluwarsa" in html
    assert "Tidak ada IKM yang membuat produk ini" in html
    assert "9.000 dari 150.000 porsi" in html
    listing = matched.get("/kebutuhan").text
    assert "6%" in listing
    assert "Cakupan menurut pencocokan #1" in listing


def test_the_agency_sees_no_rupiah_per_allocation(matched: TestClient,
                                                  pages_url: str) -> None:
    """As in the API's agency view, the agency's page of a need shows who serves it but not
    at what landed cost (one IKM's price would show)."""
    sign_in(matched, "agency.sulteng")
    nasi = need_ids(pages_url)["nasi kotak shift pagi"]
    html = matched.get(f"/kebutuhan/{nasi}").text
    assert "Katering Bu Ani" in html
    assert "Rp25.000" not in html
    assert "Ongkos sampai" not in html


def test_an_unexpected_error_is_a_friendly_page(buyer: TestClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Anything unexpected is a 500 page saying so in the reader's language, without a
    traceback."""
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(needs_queries, "list_needs", broken)
    response = buyer.get("/kebutuhan")
    assert response.status_code == 500
    assert "Terjadi kesalahan yang tidak terduga" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
