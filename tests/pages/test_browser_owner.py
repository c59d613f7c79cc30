"""The IKM owner's main journey in a real browser (the system Chromium, headless, the size of
a phone): sign in as the owner of two IKM, read what each won and nearly won with the change
that would win it, see the expired certificate warned of, change an offer's price and see it
saved, switch to English, sign out. Screenshots of each main page go to
``test-artifacts/screenshots/``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import Account, AccountEnterprise, Enterprise

from ..api.conftest import PASSWORD
from .conftest import LiveServer
from .test_browser_buyer import expect_fits_a_phone

pytestmark = pytest.mark.browser

Screenshot = Callable[[Any, str], Path]


@pytest.fixture(scope="module")
def owner_server(live_server: LiveServer) -> LiveServer:
    """The live server, its owner of Katering Bu Ani owning Katering Dua too (after the run:
    the binding is the account's, not the run's)."""
    engine = make_engine(live_server.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            account = session.scalar(select(Account.id).where(Account.username == "owner.ani"))
            dua = session.scalar(select(Enterprise.id).where(Enterprise.name == "Katering Dua"))
            known = session.scalar(select(AccountEnterprise.enterprise_id).where(
                AccountEnterprise.account_id == account, AccountEnterprise.enterprise_id == dua))
            if known is None:
                session.add(AccountEnterprise(account_id=account, enterprise_id=dua))
    finally:
        engine.dispose()
    return live_server


def test_the_owner_reads_its_opportunities_and_changes_a_price(
        owner_server: LiveServer, page: Any, screenshot: Screenshot) -> None:
    """Log in; "Peluang" with both IKM: what Katering Bu Ani won, its near miss with the
    capacity to add, Katering Dua's with the certificate to obtain, the expired certificate
    warned of; the IKM's page; an offer's price changed through its form and shown saved; the
    English switch; out."""
    from playwright.sync_api import expect

    page.goto(owner_server.url("/"))
    page.get_by_label("Nama pengguna").fill("owner.ani")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(owner_server.url("/peluang"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Peluang")
    expect(page.get_by_role("link", name="Peluang", exact=True)).to_have_attribute(
        "aria-current", "page")
    ani = page.get_by_role("region", name="Katering Bu Ani")
    won = ani.get_by_role("region", name="Yang dimenangkan")
    expect(won.get_by_role("row").filter(has_text="nasi kotak shift pagi")).to_contain_text(
        "9.000 porsi")
    expect(won).to_contain_text("Rp25.000")
    near = ani.get_by_role("region", name="Hampir menang")
    expect(near).to_contain_text("Agar menang: Tambah kapasitas 4.700 porsi per hari")
    expect(ani.locator(".alert.warn")).to_contain_text(
        "Sertifikat laik higiene sanitasi (SLHS) sudah kedaluwarsa")
    dua = page.get_by_role("region", name="Katering Dua")
    expect(dua.get_by_role("region", name="Hampir menang")).to_contain_text(
        "Dapatkan Sertifikat Halal (BPJPH)")
    expect_fits_a_phone(page)
    screenshot(page, "peluang")

    ani.get_by_role("link", name="Profil, penawaran dan sertifikat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Katering Bu Ani")
    expect(page.get_by_role("link", name="IKM saya", exact=True)).to_have_attribute(
        "aria-current", "page")
    certificates = page.get_by_role("region", name="Sertifikat")
    expect(certificates.get_by_role("row").filter(has_text="SLHS")).to_contain_text(
        "Kedaluwarsa sejak 1 Jan 2001")
    expect_fits_a_phone(page)
    screenshot(page, "ikm")

    page.get_by_role("link", name="Ubah nasi kotak Katering Bu Ani").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ubah penawaran")
    price = page.get_by_label("Harga per porsi (Rp)")
    expect(price).to_have_value("25000")
    price.fill("abc")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert")).to_contain_text("Ada 1 isian yang perlu diperbaiki.")
    expect(page.locator("#unit_price_idr-error")).to_contain_text("'abc' bukan bilangan bulat")
    expect(price).to_have_value("abc")
    expect_fits_a_phone(page)
    screenshot(page, "ikm-penawaran")
    price.fill("24.500")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("status")).to_have_text("Penawaran tersimpan.")
    offers = page.get_by_role("region", name="Penawaran")
    expect(offers.get_by_role("row").filter(has_text="nasi kotak Katering Bu Ani")).to_contain_text(
        "Rp24.500 / porsi")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("region", name="Offers")).to_contain_text("Rp24,500 / porsi")
    page.get_by_role("link", name="Opportunities", exact=True).click()
    expect(page.get_by_role("region", name="Katering Bu Ani")).to_contain_text(
        "To win it: Add 4,700 porsi of capacity per day")
    screenshot(page, "peluang-en")
    page.get_by_role("link", name="Bahasa Indonesia").click()

    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("status")).to_have_text("Anda sudah keluar.")
    page.goto(owner_server.url("/peluang"))
    expect(page.get_by_label("Nama pengguna")).to_be_visible()


def test_the_owner_adds_a_certificate_with_the_keyboard(owner_server: LiveServer,
                                                        page: Any,
                                                        screenshot: Screenshot) -> None:
    """The profile, offer and certificate forms are labelled and fit a phone; the
    certificate form, sent with Enter, adds a certificate that shows on the IKM's page with
    its warning."""
    from playwright.sync_api import expect

    page.goto(owner_server.url("/?next=/ikm"))
    page.get_by_label("Nama pengguna").fill("owner.ani")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_label("Kata sandi").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("IKM saya")
    page.get_by_role("link", name="Katering Bu Ani").click()
    for link, heading in (("Ubah profil", "Ubah profil"),
                          ("Tambah penawaran", "Tambah penawaran")):
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect_fits_a_phone(page)
        page.get_by_role("link", name="Batal").click()
    page.get_by_role("link", name="Tambah sertifikat").click()
    page.get_by_label("Jenis sertifikat").select_option("PIRT")
    page.get_by_label("Nomor sertifikat").fill("P-IRT 2067201")
    ends = dt.date.today() + dt.timedelta(days=20)
    page.get_by_label("Berlaku sampai").fill(ends.isoformat())
    expect_fits_a_phone(page)
    screenshot(page, "ikm-sertifikat-baru")
    page.get_by_label("Nomor sertifikat").press("Enter")
    expect(page.get_by_role("status")).to_have_text("Sertifikat tersimpan.")
    row = page.get_by_role("region", name="Sertifikat").get_by_role("row").filter(
        has_text="P-IRT 2067201")
    expect(row).to_contain_text("20 hari lagi")
