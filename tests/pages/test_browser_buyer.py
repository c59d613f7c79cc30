"""The park buyer's main journey in a real browser (the system Chromium, headless, the size of
a phone): sign in, see the needs with their coverage, post a need while the suggestion
appears as the name is typed, find it in the list, open a need the finished run allocated,
switch to English, sign out. Screenshots of each main page go to
``test-artifacts/screenshots/``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..api.conftest import PASSWORD
from .conftest import PHONE, LiveServer

pytestmark = pytest.mark.browser

Screenshot = Callable[[Any, str], Path]

#: Inputs, selects and text areas a person can reach that have no label.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter(e => e.type !== 'hidden' && e.labels.length === 0)
    .map(e => e.name || e.id)"""
#: Whether the page is wider than the screen (a phone would scroll sideways).
SIDEWAYS = "() => document.documentElement.scrollWidth > window.innerWidth"


def expect_fits_a_phone(page: Any) -> None:
    assert page.evaluate(UNLABELLED) == [], "every input needs a label"
    assert not page.evaluate(SIDEWAYS), f"{page.url} is wider than {PHONE['width']} px"


def test_the_buyer_posts_a_need_and_reads_its_suppliers(
        live_server: LiveServer, page: Any, screenshot: Screenshot) -> None:
    """Log in, the needs with coverage, a need posted with the live suggestion and another
    category one click away, the new need in the list, a matched need's suppliers and
    unmet reasons, the English switch on the same page, and out."""
    from playwright.sync_api import expect

    page.goto(live_server.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect_fits_a_phone(page)
    screenshot(page, "masuk")
    page.get_by_label("Nama pengguna").fill("buyer.imip")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(live_server.url("/kebutuhan"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kebutuhan")
    nasi = page.get_by_role("row").filter(has_text="nasi kotak shift pagi")
    expect(nasi).to_contain_text("6%")
    expect(page.get_by_role("link", name="Kebutuhan", exact=True)).to_have_attribute(
        "aria-current", "page")
    expect_fits_a_phone(page)
    screenshot(page, "kebutuhan")

    page.get_by_role("link", name="Pasang kebutuhan baru").click()
    expect(page).to_have_url(live_server.url("/kebutuhan/baru"))
    page.get_by_label("Nama produk atau jasa").press_sequentially("nasbox ayam", delay=40)
    suggestion = page.locator("#suggestion .match")
    expect(suggestion).to_contain_text("KBLI")
    expect(suggestion).to_contain_text(re.compile(r"keyakinan \d+%"))
    expect(page.locator(".nojs-only")).to_be_hidden()
    expect_fits_a_phone(page)
    screenshot(page, "kebutuhan-baru")

    runner_up = page.locator("#suggestion [data-pick]").first
    picked = runner_up.get_attribute("data-pick")
    runner_up.click()
    expect(page.get_by_label("Kategori", exact=True)).to_have_value(picked or "")
    expect(page).to_have_url(live_server.url("/kebutuhan/baru"))
    page.get_by_label("Kategori", exact=True).select_option("")  # back to the suggestion

    page.get_by_label("Jumlah", exact=True).fill("400")
    page.get_by_label("Satuan", exact=True).fill("porsi")
    due = dt.date.today() + dt.timedelta(days=20)
    page.get_by_label("Dibutuhkan mulai tanggal").fill(due.isoformat())
    page.get_by_label("Sertifikat Halal (BPJPH)").check()
    page.get_by_role("button", name="Pasang kebutuhan", exact=True).click()
    expect(page).to_have_url(re.compile(r"/kebutuhan/\d+\?baru=1$"))
    expect(page.get_by_role("status")).to_contain_text("Kebutuhan tersimpan")
    expect(page.get_by_role("heading", level=1)).to_have_text("nasbox ayam")

    page.get_by_role("link", name="Semua kebutuhan").click()
    mine = page.get_by_role("row").filter(has_text="nasbox ayam")
    expect(mine).to_contain_text("belum dicocokkan")

    page.get_by_role("link", name="nasi kotak shift pagi").click()
    suppliers = page.get_by_role("region", name="Pemasok yang diusulkan")
    expect(suppliers).to_contain_text("Katering Bu Ani")
    expect(suppliers).to_contain_text("Rp25.000")
    unmet = page.get_by_role("region", name="Yang belum terpenuhi, dan mengapa")
    expect(unmet).to_contain_text("Sertifikat yang diminta tidak dimiliki atau kedaluwarsa")
    expect_fits_a_phone(page)
    screenshot(page, "kebutuhan-detail")

    need_path = page.url.removeprefix(live_server.base)
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(live_server.url(f"{need_path}?lang=en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("region", name="Proposed suppliers")).to_contain_text(
        "Katering Bu Ani")
    screenshot(page, "kebutuhan-detail-en")
    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")

    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("status")).to_have_text("Anda sudah keluar.")
    page.goto(live_server.url("/kebutuhan"))
    expect(page.get_by_label("Nama pengguna")).to_be_visible()


def test_the_keyboard_reaches_the_skip_link_and_the_form(live_server: LiveServer,
                                                          page: Any) -> None:
    """The first Tab shows the skip link, which leads to the content; the sign-in form is
    filled and sent with the keyboard alone, and a wrong password is said in the page with
    the username kept."""
    from playwright.sync_api import expect

    page.goto(live_server.url("/"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi halaman")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url("/#main"))
    page.get_by_label("Nama pengguna").focus()
    page.keyboard.type("buyer.imip")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Kata sandi")).to_be_focused()
    page.keyboard.type("bukan-ini")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("Nama pengguna atau kata sandi salah.")
    expect(page.get_by_label("Nama pengguna")).to_have_value("buyer.imip")
