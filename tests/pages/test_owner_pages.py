"""The IKM owner's pages, "Peluang" and "IKM saya": what each of its IKM won and nearly won
(the one change that would win it, in words), who sees which IKM (as the API decides), the
profile, offers and certificates with their expiry, and the forms that change them through
the API's own use cases (their errors next to their fields, the input kept)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.pages.owner import OfferFacts, change_in_words, plain_number
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import (
    Account,
    AccountEnterprise,
    AuditEvent,
    Certificate,
    Enterprise,
    Offer,
    RunNearMiss,
)

from ..api.conftest import headers_for
from .conftest import csrf_of, sign_in
from .test_contrast import contrast, palette

# --- helpers -------------------------------------------------------------------------------


def enterprise_ids(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return dict(session.execute(select(Enterprise.name, Enterprise.id)).all())
    finally:
        engine.dispose()


def offer_of(url: str, enterprise_id: int) -> Offer:
    """The (first) offer of the IKM, detached."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            offer = session.scalars(select(Offer).where(Offer.enterprise_id == enterprise_id)
                                    .order_by(Offer.id)).first()
            assert offer is not None
            session.expunge(offer)
            return offer
    finally:
        engine.dispose()


def bind(url: str, username: str, enterprise: str) -> None:
    """Make ``username`` an owner of ``enterprise`` too."""
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            account = session.scalar(select(Account.id).where(Account.username == username))
            ikm = session.scalar(select(Enterprise.id).where(Enterprise.name == enterprise))
            session.add(AccountEnterprise(account_id=account, enterprise_id=ikm))
    finally:
        engine.dispose()


class _Form(HTMLParser):
    """The fields of a page's first POST form, as a browser would send them untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = self._done = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method") == "post" and not self._done:
            self._in_form = "/keluar" not in a.get("action", "")
        if not self._in_form or "name" not in a:
            if tag == "option" and self._select and "selected" in a:
                self.fields[self._select] = a.get("value", "")
            return
        if tag == "input" and (a.get("type") != "checkbox" or "checked" in a):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(a["name"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def form_fields(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    return parser.fields


def post_form(client: TestClient, path: str, **fields: object) -> Any:
    """Open the form at ``path``, change ``fields`` (``None`` unticks a box), send it."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    data: dict[str, object] = {**form_fields(page.text), **fields}
    return client.post(path, data={k: v for k, v in data.items() if v is not None},
                       follow_redirects=False)


def text_of(html: str) -> str:
    """The page's main content as plain text, spaces collapsed."""
    main = re.search(r"<main.*?</main>", html, re.DOTALL)
    assert main
    plain = re.sub(r"<[^>]+>", " ", main.group(0))
    plain = plain.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    return re.sub(r"\s+", " ", plain)


@pytest.fixture
def owner(client: TestClient) -> TestClient:
    """The client signed in as the owner of Katering Bu Ani, before any run."""
    assert sign_in(client, "owner.ani").status_code == 303
    return client


@pytest.fixture
def matched_owner(matched: TestClient) -> TestClient:
    """The owner of Katering Bu Ani signed in, with one run finished."""
    assert sign_in(matched, "owner.ani").status_code == 303
    return matched


# --- the one change, in words (pure) -------------------------------------------------------


def miss(kind: str, rule: str, **change: object) -> RunNearMiss:
    return RunNearMiss(run_id=1, offer_id=1, enterprise_id=1, need_id=1, park_id=1, kind=kind,
                       rule=rule, at_stake_idr=1, allocated=0, **change)


PORSI_PER_DAY = OfferFacts(unit="porsi", period="hari", unit_price_idr=25_000,
                           lead_time_days=3, delivery_radius_km=40)


def test_a_price_change_names_the_new_price_per_unit_and_the_price_now() -> None:
    """``price`` says the price to go down to, in rupiah as Indonesians write them."""
    change = change_in_words(miss("price", "over_price_ceiling", unit_price_idr=24_500),
                             PORSI_PER_DAY, horizon_days=30, held=(), language="id")
    assert change.action == "Turunkan harga ke Rp24.500 per porsi (sekarang Rp25.000)"
    assert change.reason == "Ongkos sampai Anda di atas harga tertinggi kawasan."


def test_a_price_lost_on_cost_says_others_are_cheaper() -> None:
    """``lost_on_cost`` is a price change too, with its own reason; in English as well."""
    change = change_in_words(miss("price", "lost_on_cost", unit_price_idr=1_234_500),
                             PORSI_PER_DAY, horizon_days=30, held=(), language="en")
    assert change.action == "Lower the price to Rp1,234,500 per porsi (now Rp25,000)"
    assert change.reason == "Other IKM are cheaper for this need."


def test_a_missing_certificate_is_to_obtain() -> None:
    """A kind the IKM never held is to obtain, by its full name."""
    change = change_in_words(miss("certificate", "certificate_missing", certificates="HALAL"),
                             PORSI_PER_DAY, horizon_days=30, held=(), language="id")
    assert change.action == "Dapatkan Sertifikat Halal (BPJPH)"


def test_a_certificate_held_but_expired_is_to_renew() -> None:
    """A kind the IKM holds (expired, or ending before the need) is to renew; kinds to
    obtain and to renew are said together."""
    both = change_in_words(miss("certificate", "certificate_missing",
                                certificates="HALAL,HYGIENE"),
                           PORSI_PER_DAY, horizon_days=30, held={"HYGIENE"}, language="id")
    assert both.action == ("Dapatkan Sertifikat Halal (BPJPH) dan perpanjang Sertifikat laik "
                           "higiene sanitasi (SLHS)")
    renew = change_in_words(miss("certificate", "certificate_missing", certificates="HYGIENE"),
                            PORSI_PER_DAY, horizon_days=30, held={"HYGIENE"}, language="en")
    assert renew.action == "Renew Hygiene and sanitation certificate (SLHS)"


def test_added_capacity_is_said_per_the_offers_own_period_rounded_up() -> None:
    """The run's units over its horizon become capacity per the offer's period: 200 units
    over 30 days of a weekly offer is 200 × 7 / 30 = 46.7, so 47 per week."""
    weekly = OfferFacts(unit="porsi", period="minggu")
    change = change_in_words(miss("capacity", "capacity_full", added_capacity=200), weekly,
                             horizon_days=30, held=(), language="id")
    assert change.action == "Tambah kapasitas 47 porsi per minggu"
    assert change.reason == "Harga Anda bersaing, tetapi kapasitas Anda sudah habis."
    daily = change_in_words(miss("capacity", "capacity_full", added_capacity=141_000),
                            PORSI_PER_DAY, horizon_days=30, held=(), language="id")
    assert daily.action == "Tambah kapasitas 4.700 porsi per hari"


def test_a_lead_time_change_says_how_many_days_sooner() -> None:
    """``lead_time`` says the days to cut, and what the lead time becomes."""
    change = change_in_words(miss("lead_time", "too_slow", days_to_cut=2), PORSI_PER_DAY,
                             horizon_days=30, held=(), language="id")
    assert change.action == "Percepat waktu kirim 2 hari (dari 3 menjadi 1 hari)"
    assert change.reason == "Kiriman Anda tiba setelah tanggal kebutuhan."


def test_a_radius_change_says_the_distance_to_reach_in_whole_km() -> None:
    """``radius`` says the delivery radius to extend to, rounded up to a km."""
    change = change_in_words(miss("radius", "too_far", radius_km=1_212.2), PORSI_PER_DAY,
                             horizon_days=30, held=(), language="id")
    assert change.action == "Perluas jangkauan kirim sampai 1.213 km (sekarang 40 km)"


@pytest.mark.parametrize(("typed", "plain"), [
    ("24500", "24500"), ("24.500", "24500"), ("24,500", "24500"), ("Rp 24.500", "24500"),
    ("rp1.234.500", "1234500"), ("24,5", "24,5"), ("murah", "murah"), ("2.45", "2.45")])
def test_whole_numbers_are_read_as_people_write_them(typed: str, plain: str) -> None:
    """Thousands separators and a leading "Rp" are dropped from whole numbers; anything else
    is left for the model to refuse."""
    assert plain_number(typed) == plain


def test_the_warning_colours_are_readable() -> None:
    """The warning text on its pale background and on white is at least 4.5:1."""
    colours = palette()
    assert contrast(colours["warn"], colours["warn-soft"]) >= 4.5
    assert contrast(colours["warn"], "#ffffff") >= 4.5


# --- who sees what -------------------------------------------------------------------------


def test_an_owner_starts_on_its_opportunities(client: TestClient) -> None:
    """Signing in takes an owner to "Peluang"; its menu has "Peluang" and "IKM saya"."""
    response = sign_in(client, "owner.ani")
    assert response.headers["location"] == "/peluang"
    html = client.get("/peluang").text
    assert '<a href="/peluang" aria-current="page">Peluang</a>' in html
    assert '<a href="/ikm">IKM saya</a>' in html
    assert "Kebutuhan</a>" not in html


def test_before_any_run_the_page_says_so_and_still_warns(owner: TestClient) -> None:
    """Without a finished run (the API answers 409) the page says when opportunities will
    appear, and still warns of the expired certificate."""
    response = owner.get("/peluang")
    assert response.status_code == 200
    page = text_of(response.text)
    assert "Belum ada pencocokan yang selesai." in page
    assert "Katering Bu Ani" in page
    assert ("Sertifikat laik higiene sanitasi (SLHS) sudah kedaluwarsa: kebutuhan yang "
            "mewajibkannya tidak bisa Anda menangkan.") in page
    assert "Yang dimenangkan" not in page


def test_the_page_shows_what_it_won_and_the_change_for_each_near_miss(
        matched_owner: TestClient) -> None:
    """Katering Bu Ani won 9.000 porsi of IMIP's Halal need at Rp25.000, locally, and would
    win the rest with 4.700 porsi a day more; nothing of another IKM shows."""
    response = matched_owner.get("/peluang")
    page = text_of(response.text)
    assert "Menurut pencocokan #1" in page
    assert ("nasi kotak shift pagi nasi kotak Katering Bu Ani IMIP Indonesia Morowali "
            "Industrial Park 9.000 porsi Rp25.000 0,0 ya") in page
    assert "Agar menang: Tambah kapasitas 4.700 porsi per hari" in page
    assert "Harga Anda bersaing, tetapi kapasitas Anda sudah habis." in page
    assert "Nilai kebutuhan: Rp3.750.000.000 · Sudah Anda menangkan: 9.000 porsi" in page
    for other in ("Katering Dua", "Bengkel Las Maju", "jasa las", "Kardus"):
        assert other not in response.text


def test_an_owner_of_several_ikm_sees_each(matched_owner: TestClient, pages_url: str) -> None:
    """An owner of two IKM sees both, each with its own near misses: Katering Dua lacks
    only the Halal certificate."""
    bind(pages_url, "owner.ani", "Katering Dua")
    page = text_of(matched_owner.get("/peluang").text)
    assert "Katering Bu Ani" in page
    assert "Katering Dua" in page
    dua = page[page.index("Katering Dua Bahodopi"):]
    assert "Belum ada yang dimenangkan pada pencocokan ini." in dua
    assert "Agar menang: Dapatkan Sertifikat Halal (BPJPH)" in dua
    assert "Kawasan mewajibkan sertifikat ini, berlaku sampai tanggal kebutuhan." in dua
    # "IKM saya" lists both, instead of going straight to the one
    listing = matched_owner.get("/ikm", follow_redirects=False)
    assert listing.status_code == 200
    assert "Katering Dua" in listing.text


def test_the_opportunities_read_in_english(matched_owner: TestClient) -> None:
    """``?lang=en`` gives the same page in English, numbers written the English way."""
    page = text_of(matched_owner.get("/peluang?lang=en").text)
    assert "To win it: Add 4,700 porsi of capacity per day" in page
    assert "9,000 porsi Rp25,000" in page
    assert "Hygiene and sanitation certificate (SLHS) has expired" in page


def test_another_owners_ikm_is_a_not_found_page(matched_owner: TestClient,
                                                pages_url: str) -> None:
    """Bengkel Las Maju is not Katering Bu Ani's owner's: its opportunities, profile, forms
    and offer are 404 pages, as the API answers 404 for them."""
    ids = enterprise_ids(pages_url)
    las, ani = ids["Bengkel Las Maju"], ids["Katering Bu Ani"]
    las_offer = offer_of(pages_url, las).id
    for path in (f"/peluang/{las}", f"/ikm/{las}", f"/ikm/{las}/profil",
                 f"/ikm/{las}/penawaran/baru", f"/ikm/{las}/sertifikat/baru",
                 f"/ikm/{las}/penawaran/{las_offer}", f"/ikm/{ani}/penawaran/{las_offer}",
                 "/ikm/abc", "/ikm/0"):
        response = matched_owner.get(path)
        assert response.status_code == 404, path
        assert "tidak ditemukan, atau bukan bagian Anda" in response.text
    headers = headers_for(matched_owner, "owner.ani")
    assert matched_owner.get(f"/api/v1/enterprises/{las}/opportunities",
                             headers=headers).status_code == 404
    assert matched_owner.get(f"/api/v1/enterprises/{las}/offers",
                             headers=headers).status_code == 404


def test_writing_to_another_owners_ikm_is_not_found_and_changes_nothing(
        owner: TestClient, pages_url: str) -> None:
    """A POST to another owner's offer, with a good CSRF token, is a 404 page."""
    las = enterprise_ids(pages_url)["Bengkel Las Maju"]
    offer = offer_of(pages_url, las)
    token = csrf_of(owner.get("/peluang").text)
    response = owner.post(f"/ikm/{las}/penawaran/{offer.id}", data={
        "csrf_token": token, "unit_price_idr": "1", "capacity": "1", "lead_time_days": "1",
        "delivery_radius_km": "1", "etag": f'"offer-{offer.id}-v1"'})
    assert response.status_code == 404
    assert offer_of(pages_url, las).unit_price_idr == offer.unit_price_idr


@pytest.mark.parametrize("username", ["buyer.imip", "agency.sulteng"])
def test_other_roles_may_not_open_the_owner_pages(client: TestClient, pages_url: str,
                                                  username: str) -> None:
    """A park buyer and the agency get a 403 page (the API's IKM writes are the owner's and
    an admin's)."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    sign_in(client, username)
    for path in ("/peluang", f"/ikm/{ani}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Peran Anda tidak bisa membuka halaman ini." in response.text


def test_an_admin_reads_any_ikm(client: TestClient, pages_url: str) -> None:
    """An admin may open any IKM's page, as the API gives it the owner's view."""
    sign_in(client, "admin")
    las = enterprise_ids(pages_url)["Bengkel Las Maju"]
    page = client.get(f"/ikm/{las}")
    assert page.status_code == 200
    assert "las pagar dan teralis" in page.text


def test_nobody_signed_in_is_sent_to_sign_in(client: TestClient) -> None:
    """Without a sign-in the page sends the browser to ``/`` and back afterwards."""
    response = client.get("/peluang", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/?needed=1&next=%2Fpeluang"


# --- the IKM's page ------------------------------------------------------------------------


def test_the_ikm_page_shows_profile_offers_and_certificates(owner: TestClient,
                                                           pages_url: str) -> None:
    """The profile, the offer with capacity, price, lead time and radius, and each
    certificate's state; an owner of one IKM goes from "IKM saya" straight to it."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    assert owner.get("/ikm", follow_redirects=False).headers["location"] == f"/ikm/{ani}"
    page = text_of(owner.get(f"/ikm/{ani}").text)
    assert "NIB 9120001234567" in page
    assert "Kecamatan Bahodopi, Morowali Desa/kelurahan Fatufia" in page
    assert ("nasi kotak Katering Bu Ani Katering kontrak (kantin kawasan) 300 porsi per hari "
            "Rp25.000 / porsi 1 hari 100 km ya") in page
    assert "Sertifikat Halal (BPJPH) ID311100001 BPJPH 1 Jan 2099 berlaku" in page
    assert "⚠ Kedaluwarsa sejak 1 Jan 2001" in page


# --- the forms -----------------------------------------------------------------------------


def audit_actions(url: str, object_type: str) -> list[tuple[str, str, dict[str, object]]]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return [(e.action, e.username, json.loads(e.changes)) for e in session.scalars(
                select(AuditEvent).where(AuditEvent.object_type == object_type)
                .order_by(AuditEvent.id))]
    finally:
        engine.dispose()


def test_the_profile_is_changed_as_the_api_changes_it(owner: TestClient,
                                                      pages_url: str) -> None:
    """Saving the profile changes what the API shows (version, audit log included); an
    emptied optional field is cleared."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    response = post_form(owner, f"/ikm/{ani}/profil", name="Katering Bu Ani Jaya", nib="",
                         village="Labota", owner_name="Ani", owner_phone="0812 3456 789",
                         owner_email="ani@example.id", workers="6")
    assert response.status_code == 303
    assert response.headers["location"] == f"/ikm/{ani}?disimpan=profil"
    assert "Profil tersimpan." in owner.get(response.headers["location"]).text
    api = owner.get(f"/api/v1/enterprises/{ani}", headers=headers_for(owner, "owner.ani"))
    body = api.json()
    assert (body["name"], body["nib"], body["village"], body["owner_phone"],
            body["workers"]) == ("Katering Bu Ani Jaya", None, "Labota", "0812 3456 789", 6)
    assert api.headers["etag"] == f'"enterprise-{ani}-v2"'
    [(action, username, changes)] = audit_actions(pages_url, "enterprise")
    assert (action, username) == ("update", "owner.ani")
    assert changes["name"] == "Katering Bu Ani Jaya"


def test_profile_errors_are_next_to_their_fields_and_keep_the_input(
        owner: TestClient, pages_url: str) -> None:
    """A NIB that is not 13 digits, an empty name and workers that are not a number: 422,
    a message at each, everything typed kept, nothing saved."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    response = post_form(owner, f"/ikm/{ani}/profil", name="", nib="12ab",
                         village="Desa Baru", workers="banyak")
    assert response.status_code == 422
    html = response.text
    assert "Ada 3 isian yang perlu diperbaiki." in html
    assert re.search(r'id="name-error">wajib diisi<', html)
    assert re.search(r'id="nib-error">[^<]*12ab', html)
    assert re.search(r'id="workers-error">[^<]*banyak', html)
    assert 'value="Desa Baru"' in html
    assert 'value="12ab"' in html
    assert "Traceback" not in html
    assert audit_actions(pages_url, "enterprise") == []


def test_a_nib_of_another_ikm_is_refused_at_its_field(owner: TestClient,
                                                     pages_url: str) -> None:
    """The NIB of another IKM: the form comes back (409) saying so at the NIB field, with
    what was typed; nothing saved."""
    ids = enterprise_ids(pages_url)
    engine = make_engine(pages_url)
    with session_scope(make_sessionmaker(engine)) as session:
        session.get(Enterprise, ids["Bengkel Las Maju"]).nib = "9120009999999"  # type: ignore[union-attr]
    engine.dispose()
    ani = ids["Katering Bu Ani"]
    response = post_form(owner, f"/ikm/{ani}/profil", name="Katering Bu Ani",
                         nib="9120009999999", village="Fatufia", workers="4")
    assert response.status_code == 409
    assert re.search(r'id="nib-error">sudah terdaftar untuk IKM lain<', response.text)
    assert 'value="9120009999999"' in response.text
    assert audit_actions(pages_url, "enterprise") == []


def test_an_offers_price_is_changed_and_shown(owner: TestClient, pages_url: str) -> None:
    """A price typed as "24.500" is saved as Rp24.500 per porsi, through the API's PATCH
    rule (version up, audit log), and shown on the IKM's page."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    offer = offer_of(pages_url, ani)
    response = post_form(owner, f"/ikm/{ani}/penawaran/{offer.id}", unit_price_idr="24.500",
                         capacity="350", active="on")
    assert response.status_code == 303
    page = text_of(owner.get(response.headers["location"]).text)
    assert "Penawaran tersimpan." in page
    assert "350 porsi per hari Rp24.500 / porsi" in page
    saved = offer_of(pages_url, ani)
    assert (saved.unit_price_idr, saved.capacity, saved.version) == (24_500, 350, 2)
    [(action, _, changes)] = audit_actions(pages_url, "offer")
    assert action == "update"
    assert changes == {"unit_price_idr": 24_500, "capacity": 350}


def test_offer_errors_are_next_to_their_fields_and_keep_the_input(
        owner: TestClient, pages_url: str) -> None:
    """A price in words, no capacity and a radius of 0: 422 in Bahasa Indonesia at each
    field, with what was typed; the offer is unchanged."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    offer = offer_of(pages_url, ani)
    response = post_form(owner, f"/ikm/{ani}/penawaran/{offer.id}", unit_price_idr="murah",
                         capacity="", delivery_radius_km="0")
    assert response.status_code == 422
    html = response.text
    assert 'id="unit_price_idr-error">&#39;murah&#39; bukan bilangan bulat<' in html
    assert re.search(r'id="capacity-error">wajib diisi<', html)
    assert re.search(r'id="delivery_radius_km-error">[^<]+', html)
    assert 'value="murah"' in html
    assert offer_of(pages_url, ani).version == 1


def test_an_offer_changed_meanwhile_is_not_overwritten_unseen(owner: TestClient,
                                                              pages_url: str) -> None:
    """When the offer changed after the form was opened (here through the API), saving
    shows the form again (409) with the input and says so; saving again goes through."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    offer = offer_of(pages_url, ani)
    path = f"/ikm/{ani}/penawaran/{offer.id}"
    form = owner.get(path).text
    api = owner.patch(f"/api/v1/offers/{offer.id}", json={"capacity": 320},
                      headers={**headers_for(owner, "owner.ani"),
                               "If-Match": f'"offer-{offer.id}-v1"'})
    assert api.status_code == 200
    fields = {"csrf_token": csrf_of(form), "etag": f'"offer-{offer.id}-v1"',
              "unit_price_idr": "24000", "capacity": "300", "lead_time_days": "1",
              "delivery_radius_km": "100", "active": "on"}
    stale = owner.post(path, data=fields, follow_redirects=False)
    assert stale.status_code == 409
    assert "Data ini sudah diubah orang lain sejak Anda membukanya." in stale.text
    assert 'value="24000"' in stale.text
    assert offer_of(pages_url, ani).unit_price_idr == 25_000
    again = post_form(owner, path, **{k: v for k, v in fields.items()
                                      if k not in ("csrf_token", "etag")})
    assert again.status_code == 303
    assert offer_of(pages_url, ani).unit_price_idr == 24_000


def test_an_offer_is_added_through_the_normaliser(owner: TestClient, pages_url: str) -> None:
    """A new offer's name is normalised into its category, shown with its unit."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    response = post_form(owner, f"/ikm/{ani}/penawaran/baru", product_name="nasi kotak ayam",
                         quantity="200", unit="porsi", unit_price_idr="Rp 27.000",
                         period="hari", lead_time_days="1", delivery_radius_km="60")
    assert response.status_code == 303, text_of(response.text)
    page = text_of(owner.get(response.headers["location"]).text)
    assert ("nasi kotak ayam Katering acara dan nasi kotak 200 porsi per hari Rp27.000 / porsi "
            "1 hari 60 km ya") in page
    assert [a for a, _, _ in audit_actions(pages_url, "offer")] == ["create"]


def test_a_new_offer_with_errors_keeps_the_input(owner: TestClient, pages_url: str) -> None:
    """An empty name and a quantity in words: 422, messages at the fields, input kept."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    response = post_form(owner, f"/ikm/{ani}/penawaran/baru", product_name="",
                         quantity="dua ratus", unit="porsi", unit_price_idr="27000")
    assert response.status_code == 422
    assert re.search(r'id="product_name-error">wajib diisi<', response.text)
    assert re.search(r'id="quantity-error">[^<]*dua ratus', response.text)
    assert 'value="dua ratus"' in response.text
    assert 'value="27000"' in response.text


def test_a_certificate_ending_soon_is_added_and_warned_of(owner: TestClient,
                                                          pages_url: str) -> None:
    """A certificate ending in 30 days is saved and flagged on the IKM's page and on
    "Peluang"; the same kind and number again is refused at the number."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    ends = dt.date.today() + dt.timedelta(days=30)
    fields = {"kind": "PIRT", "number": "P-IRT 206720101", "issuer": "Dinkes Morowali",
              "valid_until": ends.isoformat()}
    response = post_form(owner, f"/ikm/{ani}/sertifikat/baru", **fields)
    assert response.status_code == 303
    page = text_of(owner.get(response.headers["location"]).text)
    assert "Sertifikat tersimpan." in page
    assert "P-IRT 206720101" in page
    assert "hari lagi" in page
    assert "⚠ Berakhir" in page
    opportunities = text_of(owner.get("/peluang").text)
    assert "2 sertifikat perlu diperhatikan" in opportunities
    assert "P-IRT (pangan industri rumah tangga) berakhir" in opportunities
    twice = post_form(owner, f"/ikm/{ani}/sertifikat/baru", **fields)
    assert twice.status_code == 422
    assert re.search(r'id="number-error">Sertifikat PIRT nomor P-IRT 206720101 sudah '
                     r'tercatat.<', twice.text)
    assert 'value="Dinkes Morowali"' in twice.text


def test_a_certificate_without_kind_or_with_a_bad_date_keeps_the_input(
        owner: TestClient, pages_url: str) -> None:
    """No kind and a date that is not one: 422 with a message at each; in English too."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    response = post_form(owner, f"/ikm/{ani}/sertifikat/baru?lang=en", kind="",
                         number="SNI-1", valid_until="besok")
    assert response.status_code == 422
    assert re.search(r'id="kind-error">is required<', response.text)
    assert re.search(r'id="valid_until-error">[^<]*besok', response.text)
    assert 'value="SNI-1"' in response.text


def test_a_form_without_its_csrf_token_is_refused(owner: TestClient, pages_url: str) -> None:
    """A POST without the form's token is a 403 page and changes nothing."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    offer = offer_of(pages_url, ani)
    response = owner.post(f"/ikm/{ani}/penawaran/{offer.id}", data={
        "unit_price_idr": "1", "capacity": "1", "lead_time_days": "1",
        "delivery_radius_km": "1", "etag": f'"offer-{offer.id}-v1"'})
    assert response.status_code == 403
    assert "Formulir ini kedaluwarsa" in response.text
    assert offer_of(pages_url, ani).unit_price_idr == 25_000


def test_certificates_are_stored_as_the_api_stores_them(owner: TestClient,
                                                        pages_url: str) -> None:
    """The page's certificate is the API's: listed by ``GET /certificates`` with its
    warning."""
    ani = enterprise_ids(pages_url)["Katering Bu Ani"]
    ends = dt.date.today() + dt.timedelta(days=10)
    post_form(owner, f"/ikm/{ani}/sertifikat/baru", kind="SNI", number="SNI-8",
              valid_until=ends.isoformat())
    items = owner.get(f"/api/v1/enterprises/{ani}/certificates",
                      headers=headers_for(owner, "owner.ani")).json()["items"]
    [sni] = [c for c in items if c["kind"] == "SNI"]
    assert (sni["number"], sni["expires_soon"], sni["valid"]) == ("SNI-8", True, True)
    engine = make_engine(pages_url)
    try:
        with make_sessionmaker(engine)() as session:
            assert session.scalar(select(Certificate.issuer)
                                  .where(Certificate.number == "SNI-8")) is None
    finally:
        engine.dispose()

