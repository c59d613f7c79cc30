"""Exporting the catalog: files in the import format that round-trip, and the workbook's sheets."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from catalog.exceptions import InvalidValue
from catalog.exports import NEED_COLUMNS, export_catalog
from catalog.imports import COLUMNS, import_enterprises
from catalog.models import (
    Category,
    CategoryAlias,
    CategoryKbli,
    Certificate,
    Enterprise,
    Offer,
    Region,
)
from catalog.records import (
    CertificateRecord,
    EnterpriseRecord,
    NeedRecord,
    OfferRecord,
    ParkRecord,
    RegionRecord,
)
from catalog.store import (
    CatalogContext,
    load_parks,
    load_regions,
    prepare_enterprise,
    prepare_need,
    write_enterprises,
    write_needs,
)

TODAY = dt.date(2026, 11, 22)
REGIONS = [
    RegionRecord("72", "72", "province", "provinsi", "Sulawesi Tengah", None, -1.43, 121.44),
    RegionRecord("7203", "72.06", "regency", "kabupaten", "Morowali", "72", -2.55, 121.97),
    RegionRecord("7203010", "72.06.10", "district", "kecamatan", "Bahodopi", "7203",
                 -2.82, 122.15),
    RegionRecord("7203040", "72.06.04", "district", "kecamatan", "Bungku Tengah", "7203",
                 -2.55, 121.97),
]
CATEGORIES = [
    ("katering-kontrak", "Katering kontrak", "Contract catering", "porsi", ["nasbox"],
     ["56290"]),
    ("sepatu-safety", "Sepatu keselamatan", "Safety footwear", "pasang", ["sepatu safety"],
     ["15203", "32904"]),
    ("sayur-daun", "Sayuran daun", "Leafy vegetables", "kg", ["sayur", "sayur mayur"],
     ["01135"]),
]


@pytest.fixture
def catalog(session: Session) -> Session:
    """Two Morowali kecamatan, three categories with KBLI codes, IMIP, and three IKM."""
    load_regions(REGIONS, session=session)
    for code, name_id, name_en, unit, aliases, kbli in CATEGORIES:
        session.add(Category(
            code=code, name_id=name_id, name_en=name_en, sector="pangan", unit=unit, agro=True,
            aliases=[CategoryAlias(alias=a, source="taxonomy") for a in aliases],
            kbli=[CategoryKbli(kbli=k, position=i, title=f"KBLI {k}")
                  for i, k in enumerate(kbli)]))
    session.flush()
    load_parks([ParkRecord("IMIP", "Indonesia Morowali Industrial Park", "PT IMIP", "7203010",
                           -2.81, 122.16, 87_000)], session=session)
    context = CatalogContext.load(session=session, today=TODAY)
    enterprises = [
        EnterpriseRecord(
            name="Katering Bu Ani", district_bps_code="7203010", latitude=-2.8312,
            longitude=122.1571, workers=6, investment_idr=150_000_000, legal_form="UD",
            nib="9120001234567", village="Fatufia", owner_name="Ani Lestari",
            owner_phone="081234567890", association="ASPIKMO",
            offers=(OfferRecord("nasbox ayam", 500, "porsi", 25_000, lead_time_days=0),
                    OfferRecord("sayur mayur", 2, "ton", 9_000_000, period="minggu",
                                min_order=0.5, category_code="sayur-daun")),
            certificates=(CertificateRecord("HALAL", "ID31110000123",
                                            valid_until=dt.date(2028, 1, 1)),
                          CertificateRecord("PIRT", "P-IRT 2067203010123"))),
        EnterpriseRecord(
            name="Sepatu Pak Budi", district_bps_code="7203040", latitude=-2.55,
            longitude=121.97, workers=3, investment_idr=0, village="Bente",
            offers=(OfferRecord("=sepatu safety; ujung baja", 5, "lusin", 1_200_000,
                                delivery_radius_km=120),)),
        EnterpriseRecord(
            name="Bengkel Las Made", district_bps_code="7203040", latitude=-2.56,
            longitude=121.98, workers=2, investment_idr=25_000_000, nib="9120007654321"),
    ]
    write_enterprises([prepare_enterprise(e, context) for e in enterprises], session=session)
    write_needs([prepare_need(NeedRecord(
        "IMIP", "nasbox karyawan shift malam", 2000, "porsi", dt.date(2027, 1, 31),
        required_certificates=("HALAL", "HYGIENE"), max_unit_price_idr=30_000,
        split_allowed=False, min_lot=500, max_suppliers=3), context)], session=session)
    session.flush()
    return session


def snapshot(session: Session) -> dict[str, Any]:
    """Everything an IKM import decides, without ids or timestamps."""
    enterprises = set(session.execute(select(
        Enterprise.name, Enterprise.name_key, Enterprise.nib, Enterprise.legal_form,
        Enterprise.owner_name, Enterprise.owner_phone, Enterprise.owner_email, Region.bps_code,
        Enterprise.village, Enterprise.village_key, Enterprise.address, Enterprise.latitude,
        Enterprise.longitude, Enterprise.workers, Enterprise.investment_idr,
        Enterprise.size_class, Enterprise.association, Enterprise.sentra,
    ).join(Region, Region.id == Enterprise.district_id)).all())
    offers = set(session.execute(select(
        Enterprise.name, Offer.product_name, Offer.category_code, Offer.category_score,
        Offer.category_status, Offer.category_method, Offer.capacity, Offer.period,
        Offer.unit_price_idr, Offer.min_order, Offer.lead_time_days, Offer.delivery_radius_km,
        Offer.active,
    ).join(Enterprise, Enterprise.id == Offer.enterprise_id)).all())
    certificates = set(session.execute(select(
        Enterprise.name, Certificate.kind, Certificate.number, Certificate.valid_until,
    ).join(Enterprise, Enterprise.id == Certificate.enterprise_id)).all())
    return {"enterprises": enterprises, "offers": offers, "certificates": certificates}


def forget_enterprises(session: Session) -> None:
    for model in (Offer, Certificate, Enterprise):
        session.execute(delete(model))
    session.flush()


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


@pytest.mark.parametrize("source", ["simpul-ikm.csv", "simpul-katalog.xlsx"])
def test_export_then_import_gives_back_the_same_catalog(catalog: Session, tmp_path: Path,
                                                        source: str) -> None:
    """Exported IKM imported into an emptied catalog are the same IKM, offers and
    certificates, down to how each product was categorised."""
    before = snapshot(catalog)
    export_catalog(tmp_path, session=catalog)
    forget_enterprises(catalog)
    report = import_enterprises(tmp_path / source, session=catalog, today=TODAY)
    assert report.problems == []
    assert snapshot(catalog) == before


def test_importing_an_export_into_the_same_catalog_adds_nothing(catalog: Session,
                                                                tmp_path: Path) -> None:
    """Re-importing the export updates every IKM in place and creates no rows."""
    counts = [count(catalog, m) for m in (Enterprise, Offer, Certificate)]
    export_catalog(tmp_path, session=catalog, formats=("csv",))
    summary = import_enterprises(tmp_path / "simpul-ikm.csv", session=catalog).summary
    assert summary is not None
    assert (summary.enterprises_created, summary.offers_created,
            summary.certificates_created, summary.enterprises_updated) == (0, 0, 0, 3)
    assert [count(catalog, m) for m in (Enterprise, Offer, Certificate)] == counts


def test_ikm_csv_has_canonical_quantities_units_and_prices(catalog: Session,
                                                            tmp_path: Path) -> None:
    """Kapasitas, Satuan and Harga are the canonical quantity, unit and price per unit."""
    export_catalog(tmp_path, session=catalog, formats=("csv",))
    header, *rows = read_csv(tmp_path / "simpul-ikm.csv")
    assert tuple(header) == COLUMNS
    by_product = {r[header.index("Produk")]: r for r in rows}
    shoes = by_product["=sepatu safety; ujung baja"]
    vegetables = by_product["sayur mayur"]
    pick = [header.index(c) for c in ("Kapasitas", "Satuan", "Harga (Rp)", "Minimal Order",
                                      "Kategori", "Periode")]
    assert [shoes[i] for i in pick] == ["60", "pasang", "100000", "0", "sepatu-safety", "hari"]
    assert [vegetables[i] for i in pick] == ["2000", "kg", "9000", "500", "sayur-daun",
                                             "minggu"]


def test_ikm_without_offers_is_exported_with_empty_offer_columns(catalog: Session,
                                                                 tmp_path: Path) -> None:
    """An IKM with no offer keeps one row, so exporting does not lose it."""
    export_catalog(tmp_path, session=catalog, formats=("csv",))
    header, *rows = read_csv(tmp_path / "simpul-ikm.csv")
    made = [r for r in rows if r[0] == "Bengkel Las Made"]
    assert len(made) == 1
    assert all(made[0][header.index(c)] == "" for c in ("Produk", "Kapasitas", "Harga (Rp)"))


def test_certificates_are_repeated_on_every_row_of_their_ikm(catalog: Session,
                                                             tmp_path: Path) -> None:
    """Each row of an IKM carries all its certificates, so filtering rows keeps them."""
    export_catalog(tmp_path, session=catalog, formats=("csv",))
    header, *rows = read_csv(tmp_path / "simpul-ikm.csv")
    column = header.index("Sertifikat")
    assert {r[column] for r in rows if r[0] == "Katering Bu Ani"} == {
        "HALAL:ID31110000123:2028-01-01;PIRT:P-IRT 2067203010123:"}


def test_needs_csv_lists_needs_in_canonical_units(catalog: Session, tmp_path: Path) -> None:
    """simpul-kebutuhan.csv has one row per need with its rules and required certificates."""
    export_catalog(tmp_path, session=catalog, formats=("csv",))
    header, *rows = read_csv(tmp_path / "simpul-kebutuhan.csv")
    assert tuple(header) == NEED_COLUMNS
    assert rows == [["IMIP", "nasbox karyawan shift malam", "katering-kontrak", "2000", "porsi",
                     "hari", "2027-01-31", "HALAL;HYGIENE", "30000", "tidak", "500", "3",
                     "open"]]


def test_workbook_has_the_named_sheets(catalog: Session, tmp_path: Path) -> None:
    """simpul-katalog.xlsx has sheets IKM, Kebutuhan, Kawasan, Wilayah and Kategori."""
    written = export_catalog(tmp_path, session=catalog, formats=("xlsx",))
    assert written == [tmp_path / "simpul-katalog.xlsx"]
    workbook = openpyxl.load_workbook(written[0], read_only=True)
    assert workbook.sheetnames == ["IKM", "Kebutuhan", "Kawasan", "Wilayah", "Kategori"]
    categories = list(workbook["Kategori"].iter_rows(values_only=True))
    assert categories[0] == ("Kode", "Nama", "Nama (EN)", "Sektor", "Satuan", "KBLI")
    assert ("sepatu-safety", "Sepatu keselamatan", "Safety footwear", "pangan", "pasang",
            "15203, 32904") in categories
    regions = list(workbook["Wilayah"].iter_rows(values_only=True))
    assert ("7203010", "72.06.10", "district", "kecamatan", "Bahodopi", "7203", -2.82,
            122.15) in regions
    parks = list(workbook["Kawasan"].iter_rows(values_only=True))
    assert parks[1][:4] == ("IMIP", "Indonesia Morowali Industrial Park", "PT IMIP", "7203010")
    workbook.close()


def test_product_name_starting_with_equals_stays_text_in_xlsx(catalog: Session,
                                                              tmp_path: Path) -> None:
    """A product name beginning with '=' is written as text, never as a formula."""
    export_catalog(tmp_path, session=catalog, formats=("xlsx",))
    workbook = openpyxl.load_workbook(tmp_path / "simpul-katalog.xlsx")
    sheet = workbook["IKM"]
    column = list(COLUMNS).index("Produk") + 1
    cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
    shoe = next(c for c in cells if str(c.value).startswith("="))
    assert (shoe.value, shoe.data_type) == ("=sepatu safety; ujung baja", "s")


def test_csv_only_export_writes_the_two_csv_files(catalog: Session, tmp_path: Path) -> None:
    """formats=('csv',) writes the IKM and needs CSV files and no workbook."""
    written = export_catalog(tmp_path / "out", session=catalog, formats=("csv",))
    assert [p.name for p in written] == ["simpul-ikm.csv", "simpul-kebutuhan.csv"]
    assert not (tmp_path / "out" / "simpul-katalog.xlsx").exists()


def test_unknown_export_format_is_refused(catalog: Session, tmp_path: Path) -> None:
    """Asking for a format other than csv or xlsx is an error naming it."""
    with pytest.raises(InvalidValue, match="ods"):
        export_catalog(tmp_path, session=catalog, formats=("ods",))
