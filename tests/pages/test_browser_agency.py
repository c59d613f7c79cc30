"""The agency's main journey in a real browser (the system Chromium, headless, the size of a
phone): sign in, the dashboard's charts, the map, the sentra candidates and the
interventions, an unsure name confirmed in the review queue, a match run started and watched
until it finishes (its worker a real process started by the app's dispatcher), and the report
downloaded and opened. Screenshots of each main page go to ``test-artifacts/screenshots/``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from api.app import create_app
from api.settings import Settings
from catalog.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from catalog.models import Need, Park

from ..api.conftest import PASSWORD, seed_catalog
from ..api.conftest import test_settings as app_settings
from ..api.test_runs import prepare_run_catalog
from .conftest import LiveServer, _require_chromium, finish_a_run
from .test_browser_buyer import expect_fits_a_phone

pytestmark = pytest.mark.browser

Screenshot = Callable[[Any, str], Path]
#: A worker process imports numpy, OR-Tools and SQLAlchemy before it starts.
RUN_TIMEOUT_MS = 120_000
UNSURE = "sayur campur dapur umum"


def add_unsure_need(url: str) -> None:
    """A need of IMIP the normaliser was unsure of (leaf vegetables, score 72)."""
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            park = session.scalar(select(Park.id).where(Park.code == "IMIP"))
            session.add(Need(park_id=park, product_name=UNSURE, category_code="sayur-daun",
                             category_score=72, category_status="review",
                             category_method="fuzzy", quantity=300, period="minggu",
                             unit_typed="kg",
                             due_date=dt.date.today() + dt.timedelta(days=30)))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def agency_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with its run dispatcher on a seeded SQLite catalog with one finished run and
    an unsure need, served on a free port."""
    _require_chromium()
    url = f"sqlite:///{tmp_path_factory.mktemp('agency') / 'simpul.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    seed_catalog(url)
    prepare_run_catalog(url)
    add_unsure_need(url)
    with TestClient(create_app(app_settings(url))) as queueing:
        finish_a_run(queueing, url)
    server = LiveServer(url, Settings(database_url=url, run_dispatcher=True,
                                      run_time_limit_s=5))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_the_agency_reads_its_dashboard_reviews_runs_and_downloads_the_report(
        agency_server: LiveServer, page: Any, screenshot: Screenshot,
        tmp_path: Path) -> None:
    """Log in, the charts with their tables, the map with its legend, sentra candidates and
    interventions, an item confirmed in the review queue, a run started and followed to the
    end, and the XLSX report opened; every page fits a phone."""
    from playwright.sync_api import expect

    server = agency_server
    page.goto(server.url("/"))
    page.get_by_label("Nama pengguna").fill("agency.sulteng")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(server.url("/dinas/dasbor"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor Dinas")
    shares = page.get_by_role("img", name="Bagian lokal dari kebutuhan kawasan")
    expect(shares).to_be_visible()
    expect(shares.locator("g.bar")).to_have_count(3)
    expect(page.get_by_role("img", name="Kebutuhan yang belum terpenuhi, menurut alasan")
           ).to_be_visible()
    expect(page.locator("#share-table")).to_contain_text("IMIP")
    expect(page.locator("#unmet-table")).to_contain_text(
        "Sertifikat yang diminta tidak dimiliki atau kedaluwarsa")
    expect_fits_a_phone(page)
    screenshot(page, "dinas-dasbor")

    page.get_by_role("link", name="Peta", exact=True).first.click()
    expect(page).to_have_url(server.url("/dinas/peta"))
    the_map = page.get_by_role("img", name="Peta IKM, kawasan dan calon sentra")
    expect(the_map).to_be_visible()
    expect(the_map.locator("text", has_text="Bahodopi")).to_have_count(1)
    expect(page.locator(".legend")).to_contain_text("Calon sentra IKM")
    box = the_map.bounding_box()
    assert box is not None
    assert box["width"] <= 390
    expect_fits_a_phone(page)
    screenshot(page, "dinas-peta")

    page.get_by_role("link", name="Calon sentra IKM").click()
    expect(page.locator("#sentra-table")).to_contain_text("Bahodopi")
    expect_fits_a_phone(page)
    screenshot(page, "dinas-sentra")
    page.get_by_role("link", name="Intervensi", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intervensi")
    expect_fits_a_phone(page)
    screenshot(page, "dinas-intervensi")

    page.get_by_role("link", name="Tinjauan", exact=True).first.click()
    item = page.locator(".queue-item").filter(has_text=UNSURE)
    expect(item).to_contain_text("Usulan: Sayuran daun")
    expect_fits_a_phone(page)
    screenshot(page, "dinas-tinjauan")
    item.get_by_role("button", name="Konfirmasi: Sayuran daun").click()
    expect(page.get_by_role("status")).to_have_text(
        f"Tersimpan: “{UNSURE}” kini berkategori Sayuran daun.")
    expect(page.locator(".queue-item").filter(has_text=UNSURE)).to_have_count(0)

    page.get_by_role("link", name="Pencocokan", exact=True).first.click()
    page.get_by_label("Horizon (hari)").fill("30")
    page.get_by_label("Batas waktu (detik)").fill("5")
    expect_fits_a_phone(page)
    screenshot(page, "dinas-pencocokan")
    page.get_by_role("button", name="Jalankan pencocokan").click()
    expect(page).to_have_url(re.compile(r"/dinas/pencocokan/\d+$"))
    expect(page.locator(".nojs-only")).to_be_hidden()  # the script polls instead
    expect(page.locator("#run-status")).to_contain_text("Pencocokan selesai.",
                                                        timeout=RUN_TIMEOUT_MS)
    expect(page.locator("#run-status progress")).to_have_attribute("value", "100")
    expect_fits_a_phone(page)
    screenshot(page, "dinas-pencocokan-selesai")
    page.get_by_role("link", name="Lihat dasbor").click()
    run_id = page.url  # the dashboard now reads the newest run
    expect(page.locator(".note").first).to_contain_text("pencocokan #2")
    assert run_id.endswith("/dinas/dasbor")

    with page.expect_download() as started:
        page.get_by_role("link", name="Unduh laporan (XLSX)").click()
    download = started.value
    assert re.fullmatch(r"simpul-laporan-dinas-72-\d{4}-\d{2}-\d{2}\.xlsx",
                        download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved)
    assert workbook.sheetnames == ["Ringkasan", "Kesenjangan", "Sentra", "Intervensi"]
    parks = {row[0] for row in workbook["Kesenjangan"].iter_rows(min_row=2, values_only=True)}
    assert parks == {"IMIP", "IHIP"}


def test_the_dashboard_in_english_fits_a_phone(agency_server: LiveServer, page: Any,
                                               screenshot: Screenshot) -> None:
    """The English switch on the dashboard gives the same charts in English."""
    from playwright.sync_api import expect

    page.goto(agency_server.url("/"))
    page.get_by_label("Nama pengguna").fill("agency.sulteng")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("img", name="Local share of park demand")).to_be_visible()
    expect_fits_a_phone(page)
    screenshot(page, "dinas-dasbor-en")
